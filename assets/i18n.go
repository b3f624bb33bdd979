package assets

import (
	"fmt"
	"strings"
)

// Language is one of the phrasebook's languages: its code (the name of
// its catalogue file under i18n/, docs/translating.md) and its own name
// for itself, as the language button shows it.
type Language struct{ Code, Name string }

// Languages are the phrasebook's languages as i18n/languages.txt lists
// them, English first. The list is embedded in every build, the
// catalogues it names only natively (Catalogue).
func Languages() []Language {
	b, ok := fileText("i18n/languages.txt")
	if !ok {
		panic("i18n/languages.txt is not embedded")
	}
	var out []Language
	for line := range strings.SplitSeq(strings.TrimSpace(b), "\n") {
		code, name, _ := strings.Cut(strings.TrimSpace(line), " ")
		out = append(out, Language{code, strings.TrimSpace(name)})
	}
	return out
}

// Catalogue is language lang's catalogue file. In the browser only
// English's is embedded (each other weighs as much again in a download
// that every learner pays for): the page fetches the one it needs.
func Catalogue(lang string) ([]byte, error) {
	b, ok := fileText("i18n/" + lang + ".json")
	if !ok {
		return nil, fmt.Errorf("no catalogue for language %q", lang)
	}
	return []byte(b), nil
}
