package lesson

import (
	"fmt"
	"slices"
	"strings"

	"github.com/portplay/portplay/lesson/phrase"
)

// LanguageReport is what a translation lacks or has too much of, against
// English: en.json's messages and the lessons' texts (Lesson.Texts).
type LanguageReport struct {
	Lang    string
	Total   int      // English's messages
	Missing []string // shown in English until translated
	Unused  []string // in the translation, not in English: renamed or removed
	// Problems are translations that cannot stand: a {name} English does
	// not have, or plural forms where English has none (or none where it
	// has them).
	Problems []string
}

// CheckLanguage compares lang's catalogue with English's (portsim i18n
// check, and a test for every language).
func (c *Catalogue) CheckLanguage(lang string) (LanguageReport, error) {
	b, err := Phrases(lang)
	if err != nil {
		return LanguageReport{}, err
	}
	en := English()
	english := map[string]string{}
	for _, id := range en.IDs() {
		english[id] = strings.Join(en.Texts(id), " ")
	}
	for _, l := range c.Lessons {
		for id, t := range l.Texts() {
			if lang != "en" { // English's own are in the lesson files
				english[id] = t
			}
		}
	}
	r := LanguageReport{Lang: lang, Total: len(english)}
	for id, text := range english {
		if !b.Has(id) {
			r.Missing = append(r.Missing, id)
			continue
		}
		if en.Plural(id) != b.Plural(id) {
			r.Problems = append(r.Problems, fmt.Sprintf("%s: plural forms in one language and not the other", id))
		}
		want := phrase.Names(text)
		for _, t := range b.Texts(id) {
			for _, n := range phrase.Names(t) {
				if !slices.Contains(want, n) {
					r.Problems = append(r.Problems, fmt.Sprintf("%s: {%s} is not one of English's names (%s)", id, n, strings.Join(want, ", ")))
				}
			}
		}
	}
	for _, id := range b.IDs() {
		if _, ok := english[id]; !ok {
			r.Unused = append(r.Unused, id)
		}
	}
	slices.Sort(r.Missing)
	slices.Sort(r.Problems)
	return r, nil
}
