// Package i18ncheck compares a translation's catalogue with English's:
// portsim i18n check, and the tests that hold every language to it. A
// package of its own so that the app's download does not carry it.
package i18ncheck

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"

	"github.com/portplay/portplay/lesson"
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

// Check compares lang's catalogue with English's, the lessons of c
// included.
func Check(c *lesson.Catalogue, lang string) (LanguageReport, error) {
	b, err := lesson.Phrases(lang)
	if err != nil {
		return LanguageReport{}, err
	}
	en := lesson.English()
	english := map[string]string{}
	for _, id := range phrase.IDs(en) {
		english[id] = strings.Join(phrase.Texts(en, id), " ")
	}
	for _, l := range c.Lessons {
		for id, t := range Texts(l) {
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
		if phrase.Plural(en, id) != phrase.Plural(b, id) {
			r.Problems = append(r.Problems, fmt.Sprintf("%s: plural forms in one language and not the other", id))
		}
		if phrase.Plural(b, id) {
			have := phrase.FormNames(b, id)
			for _, f := range neededForms(lang) {
				if !slices.Contains(have, f) {
					r.Problems = append(r.Problems, fmt.Sprintf("%s: no %q form, which %s uses (CLDR)", id, f, lang))
				}
			}
		}
		want := phrase.Names(text)
		var used []string // in any of the translation's forms
		for _, t := range phrase.Texts(b, id) {
			for _, n := range phrase.Names(t) {
				used = append(used, n)
				if !slices.Contains(want, n) {
					r.Problems = append(r.Problems, fmt.Sprintf("%s: {%s} is not one of English's names (%s)", id, n, strings.Join(want, ", ")))
				}
			}
		}
		// A name left out is a value the reader never sees, or one
		// written in by hand that stops being true ("TCP" for {proto}).
		for _, n := range want {
			if !slices.Contains(used, n) {
				r.Problems = append(r.Problems, fmt.Sprintf("%s: {%s}, in English's text, is missing", id, n))
			}
		}
	}
	for _, id := range phrase.IDs(b) {
		if _, ok := english[id]; !ok {
			r.Unused = append(r.Unused, id)
		}
	}
	slices.Sort(r.Missing)
	slices.Sort(r.Problems)
	return r, nil
}

// Texts are lesson l's English texts by message ID: what a translation
// translates. They live in the lesson file, not en.json (docs/translating.md).
func Texts(l *lesson.Lesson) map[string]string {
	p := fmt.Sprintf("lesson.%d.", l.Number)
	out := map[string]string{p + "title": l.Title, p + "short": l.Short, p + "overview": l.Overview.Src, p + "learnt": l.Learnt.Src}
	for _, st := range l.Steps {
		sp := p + st.Name + "."
		if st.Say.Src != "" {
			out[sp+"say"] = st.Say.Src
		}
		if q := st.Ask; q != nil {
			out[sp+"ask"] = q.Text.Src
			out[sp+"why"] = q.Why.Src
		}
		if st.Replay != nil {
			out[sp+"act"] = st.Replay.Title
		}
	}
	return out
}

// neededForms are the plural forms lang's whole numbers take (CLDR's
// rules, from golang.org/x/text): what every plural message must give.
func neededForms(lang string) []string {
	names := map[plural.Form]string{plural.Zero: "zero", plural.One: "one", plural.Two: "two", plural.Few: "few", plural.Many: "many", plural.Other: "other"}
	tag := language.Make(lang)
	var out []string
	for n := range 1001 {
		if f := names[plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0)]; !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return out
}
