package lesson

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/portplay/portplay/assets"
	"github.com/portplay/portplay/lesson/phrase"
)

// The phrasebooks read so far, by language code. English is read at
// start; another language when first asked for (natively from the
// embedded catalogue, in the browser once the page fetched its file).
var books struct {
	sync.Mutex
	m map[string]*phrase.Book
}

// English is the phrasebook's English: assets/i18n/en.json (the lessons'
// English is in their own files: Lesson.Texts).
func English() *phrase.Book {
	b, err := Phrases("en")
	if err != nil {
		panic(err) // en.json is embedded, and a test reads it
	}
	return b
}

// Phrases is the phrasebook for lang, English behind it; an error names
// a language Portplay does not have, or a catalogue that does not parse.
func Phrases(lang string) (*phrase.Book, error) {
	books.Lock()
	defer books.Unlock()
	return phrasesLocked(lang)
}

func phrasesLocked(lang string) (*phrase.Book, error) {
	if b, ok := books.m[lang]; ok {
		return b, nil
	}
	if books.m == nil {
		books.m = map[string]*phrase.Book{}
	}
	var en *phrase.Book
	if lang != "en" {
		var err error
		if en, err = phrasesLocked("en"); err != nil {
			return nil, err
		}
	}
	if lang == phrase.PseudoLang {
		b := phrase.Pseudo(en)
		books.m[lang] = b
		return b, nil
	}
	if !slices.Contains(LanguageCodes(), lang) {
		return nil, fmt.Errorf("no language %q; want one of %s", lang, strings.Join(LanguageCodes(), ", "))
	}
	data, err := assets.Catalogue(lang)
	if err != nil {
		return nil, err
	}
	return loadLocked(lang, data, en)
}

func loadLocked(lang string, data []byte, en *phrase.Book) (*phrase.Book, error) {
	b, err := phrase.Parse(lang, data)
	if err != nil {
		return nil, err
	}
	if en != nil {
		b = b.Behind(en)
	}
	books.m[lang] = b
	return b, nil
}

// LoadPhrases takes lang's catalogue file as the browser fetched it.
func LoadPhrases(lang string, data []byte) error {
	books.Lock()
	defer books.Unlock()
	en, err := phrasesLocked("en")
	if err == nil {
		_, err = loadLocked(lang, data, en)
	}
	return err
}

// PhrasesLoaded says whether lang's phrasebook can be had without a
// fetch: English, the pseudo-language, one already read, or any natively.
func PhrasesLoaded(lang string) bool {
	books.Lock()
	_, ok := books.m[lang]
	books.Unlock()
	if ok || lang == "en" || lang == phrase.PseudoLang {
		return true
	}
	_, err := assets.Catalogue(lang)
	return err == nil
}

// LanguageCodes are the languages' codes, English first; the
// pseudo-language is not among them (it is for testing layouts).
func LanguageCodes() []string {
	var out []string
	for _, l := range assets.Languages() {
		out = append(out, l.Code)
	}
	return out
}

// MatchLanguage is the first of a learner's preferred languages (the
// browser's navigator.languages, or LANGUAGE/LC_ALL/LANG natively: "de-AT",
// "uk_UA.UTF-8") that Portplay speaks, by its primary subtag; "en" if none.
func MatchLanguage(prefs []string) string {
	for _, p := range prefs {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == phrase.PseudoLang {
			return p
		}
		base, _, _ := strings.Cut(p, ".")
		base, _, _ = strings.Cut(base, "_")
		base, _, _ = strings.Cut(base, "-")
		if slices.Contains(LanguageCodes(), base) {
			return base
		}
	}
	return "en"
}

func (l *Lesson) prefix() string { return fmt.Sprintf("lesson.%d.", l.Number) }

// key gives the lesson's texts their message IDs.
func (l *Lesson) key() {
	p := l.prefix()
	l.Overview.ID, l.Learnt.ID = p+"overview", p+"learnt"
	for i := range l.Steps {
		st := &l.Steps[i]
		sp := p + st.Name + "."
		st.Say.ID = sp + "say"
		if q := st.Ask; q != nil {
			q.Text.ID, q.Why.ID = sp+"ask", sp+"why"
		}
	}
}
