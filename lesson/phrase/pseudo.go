package phrase

import (
	"strings"
	"unicode/utf8"
)

// PseudoLang is the pseudo-language's code: English made about 40% longer,
// its letters accented and each message's ends marked, so that a layout
// that clips, overlaps or runs off screen shows without reading a
// language (PhET's and Android's pseudo-locales do the same).
const PseudoLang = "xx-long"

// Pseudo is the pseudo-language over en.
func Pseudo(en *Book) *Book {
	return &Book{lang: PseudoLang, form: en.form, msgs: map[string]*message{}, back: en, pseudo: true}
}

// accent maps an ASCII letter to an accented one that the Go fonts draw.
func accent(r rune) rune {
	if i := strings.IndexRune(plain, r); i >= 0 {
		return []rune(accented)[i]
	}
	return r
}

const plain, accented = "aeioucnyAEIOUCNY", "áéíöüçñýÅÉÎØÛÇÑÝ"

// stretch makes text about 40% longer, accented, between brackets; its
// {names}, and anything that is all capitals or digits (TIME_WAIT,
// EADDRINUSE, 49152), are left as they are: they are not translated.
func stretch(text string) string {
	if text == "" {
		return ""
	}
	var out strings.Builder
	out.WriteString("[")
	rest := text
	for rest != "" {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			i = len(rest)
		}
		out.WriteString(accentWords(rest[:i]))
		rest = rest[i:]
		if rest == "" {
			break
		}
		j := strings.IndexByte(rest, '}')
		if j < 0 {
			out.WriteString(rest)
			break
		}
		out.WriteString(rest[:j+1])
		rest = rest[j+1:]
	}
	// The 40%: filler of the accented vowels, counted in letters.
	pad := (utf8.RuneCountInString(text)*2 + 4) / 5
	out.WriteString(" ")
	for k := 0; k < pad; k++ {
		out.WriteRune([]rune("~·")[k%2])
	}
	out.WriteString("]")
	return out.String()
}

// accentWords accents the words of s that a translation would change.
func accentWords(s string) string {
	words := strings.Split(s, " ")
	for i, w := range words {
		if strings.ToUpper(w) != w {
			words[i] = strings.Map(accent, w)
		}
	}
	return strings.Join(words, " ")
}
