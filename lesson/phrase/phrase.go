// Package phrase is Portplay's phrasebook: every sentence, label and
// message a learner or teacher sees, looked up by a message ID in the
// catalogue of the chosen language (assets/i18n/LANG.json, one file per
// language: docs/translating.md), with named variables ({port}) and the
// language's plural forms (CLDR's, from golang.org/x/text/feature/plural).
//
// A catalogue file is a JSON object from message ID to either its text or
// an object of plural forms ("one", "few", "many", "other"; also "zero"
// and "two" where the language has them) and an optional "description"
// for translators: go-i18n's message file layout, so its tooling and
// translators' editors read it. The form is chosen by the variable n.
//
// A message missing from a language falls back to English; a message
// missing from English shows its ID in brackets, which a test forbids.
package phrase

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/portplay/portplay/internal/jsonlite"
)

// Book is one language's catalogue, with English behind it.
type Book struct {
	lang string
	// form is the language's plural rule: CLDR's form for a whole number.
	form func(n int) form
	msgs map[string]*message
	back *Book // English, for a message this language lacks; nil for English
	// pseudo: every message is English's made longer and marked (Pseudo).
	pseudo bool
}

// message is one catalogue entry: its text, or its text in each plural
// form the language uses (forms[other] is always set).
type message struct {
	forms  [many + 1]string
	plural bool
	desc   string
}

// formNames are the plural forms' names in a catalogue file, CLDR's.
var formNames = map[string]form{
	"zero": zero, "one": one, "two": two, "few": few, "many": many, "other": other,
}

// form is a CLDR plural form; other is every language's.
type form uint8

const (
	other form = iota
	zero
	one
	two
	few
	many
)

// Parse reads a catalogue file for lang. Its errors name the message.
func Parse(lang string, data []byte) (*Book, error) {
	// jsonlite rather than encoding/json: the browser's download is
	// smaller by its decoder (the package says how much).
	var raw map[string]jsonlite.Raw
	if err := jsonlite.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%s.json: %v", lang, err)
	}
	b := &Book{lang: lang, form: pluralRule(lang), msgs: make(map[string]*message, len(raw))}
	for id, v := range raw {
		m, err := parseMessage(v)
		if err != nil {
			return nil, fmt.Errorf("%s.json: message %q: %v", lang, id, err)
		}
		b.msgs[id] = m
	}
	return b, nil
}

func parseMessage(v jsonlite.Raw) (*message, error) {
	var m message
	if err := jsonlite.Unmarshal(v, &m.forms[other]); err == nil {
		return &m, nil
	}
	var obj map[string]string
	if err := jsonlite.Unmarshal(v, &obj); err != nil {
		return nil, fmt.Errorf("want a string, or an object of plural forms and a description")
	}
	for k, s := range obj {
		if k == "description" {
			m.desc = s
			continue
		}
		f, ok := formNames[k]
		if !ok {
			return nil, fmt.Errorf("%q is not a plural form (zero, one, two, few, many, other) or description", k)
		}
		m.forms[f] = s
		// A description and "other" alone is a message like a string.
		m.plural = m.plural || f != other
	}
	if _, ok := obj["other"]; !ok {
		return nil, fmt.Errorf(`every message needs its "other" text`)
	}
	return &m, nil
}

// Behind puts English behind b: what b lacks, English says.
func (b *Book) Behind(en *Book) *Book {
	c := *b
	if en != b {
		c.back = en
	}
	return &c
}

// Lang is the language's code, as in the catalogue's file name.
func (b *Book) Lang() string { return b.lang }

// Has says whether b itself (not English behind it) has the message.
func (b *Book) Has(id string) bool { _, ok := b.msgs[id]; return ok }

// IDs are b's own message IDs, sorted.
func IDs(b *Book) []string { return slices.Sorted(maps.Keys(b.msgs)) }

// Add sets a message's text, for the texts that live elsewhere (the
// English lessons' narration, in the lesson files).
func (b *Book) Add(id, text string) {
	b.msgs[id] = &message{forms: [many + 1]string{other: text}}
}

// T is the message id in b's language, its {names} filled from args:
// pairs of a name and a value. A plural message's form is chosen by the
// value named n (an int).
func (b *Book) T(id string, args ...any) string {
	m, book := b.find(id)
	if m == nil {
		return "[" + id + "]"
	}
	text := m.forms[other]
	if m.plural {
		if f := book.formOf(args); m.forms[f] != "" {
			text = m.forms[f]
		}
	}
	if b.pseudo {
		text = stretch(text)
	}
	return Fill(text, func(name string) (string, bool) {
		for i := 0; i+1 < len(args); i += 2 {
			if args[i] == name {
				return book.format(args[i+1]), true
			}
		}
		return "", false
	})
}

// Of is the text of a message whose English lives elsewhere (a lesson
// file's narration): b's own translation of it, or english.
func (b *Book) Of(id, english string) string {
	if b.pseudo {
		return stretch(english)
	}
	if m, ok := b.msgs[id]; ok {
		return m.forms[other]
	}
	return english
}

// Raw is the message's text as written ({names} unfilled; a plural
// message's "other"), in b's language or English.
func (b *Book) Raw(id string) (string, bool) {
	m, _ := b.find(id)
	if m == nil {
		return "", false
	}
	if b.pseudo {
		return stretch(m.forms[other]), true
	}
	return m.forms[other], true
}

func (b *Book) find(id string) (*message, *Book) {
	for k := b; k != nil; k = k.back {
		if m, ok := k.msgs[id]; ok {
			return m, k
		}
	}
	return nil, nil
}

// formOf is the plural form the number named n takes in b's language.
func (b *Book) formOf(args []any) form {
	for i := 0; i+1 < len(args); i += 2 {
		if args[i] == "n" {
			n, ok := args[i+1].(int)
			if !ok {
				return other
			}
			if n < 0 {
				n = -n
			}
			return b.form(n)
		}
	}
	return other
}

// format writes a variable's value: a float with the language's decimal
// separator (Num), anything else as Go prints it (ports have no
// thousands separator in any language).
func (b *Book) format(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return b.Num(x, -1)
	}
	return fmt.Sprint(v)
}

// Num writes x with prec decimals (-1: as few as needed) and the
// language's decimal separator (the message "num.decimal").
func (b *Book) Num(x float64, prec int) string {
	s := strconv.FormatFloat(x, 'f', prec, 64)
	if sep, ok := b.Raw("num.decimal"); ok && sep != "." {
		s = strings.Replace(s, ".", sep, 1)
	}
	return s
}

// Fill replaces each {name} in text by what value gives for it; a name
// value does not know, and any other brace, stays as written.
func Fill(text string, value func(name string) (string, bool)) string {
	if !strings.Contains(text, "{") {
		return text
	}
	var out strings.Builder
	for {
		i := strings.IndexByte(text, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(text[i:], '}')
		if j < 0 {
			break
		}
		out.WriteString(text[:i])
		if v, ok := value(text[i+1 : i+j]); ok {
			out.WriteString(v)
		} else {
			out.WriteString(text[i : i+j+1])
		}
		text = text[i+j+1:]
	}
	out.WriteString(text)
	return out.String()
}

// Names are the {names} a text uses, in order, each once.
func Names(text string) []string {
	var out []string
	Fill(text, func(name string) (string, bool) {
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
		return "", false
	})
	return out
}

// Texts are every text of b's own message id (each plural form's), for
// checks; nil if b lacks it. Texts, Plural, FormNames and IDs are
// functions, not methods: the browser build links text/template (through
// Ebiten), whose reflective method calls keep every exported method of a
// type that is ever held in an interface, and these serve only the
// native checks.
func Texts(b *Book, id string) []string {
	m, ok := b.msgs[id]
	if !ok {
		return nil
	}
	var out []string
	for _, t := range m.forms {
		if t != "" {
			out = append(out, t)
		}
	}
	return out
}

// Plural says whether b's own message id has plural forms.
func Plural(b *Book, id string) bool { m, ok := b.msgs[id]; return ok && m.plural }

// FormNames are the CLDR plural forms b's own message id gives ("one",
// "other", ...), for checks; nil for a message without forms.
func FormNames(b *Book, id string) []string {
	m, ok := b.msgs[id]
	if !ok || !m.plural {
		return nil
	}
	var out []string
	for name, f := range formNames {
		if m.forms[f] != "" {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}
