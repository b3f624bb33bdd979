//go:build !js

package phrase

import (
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// pluralRule is lang's CLDR cardinal plural rule, from golang.org/x/text
// (natively; the browser has its own, plural_js.go).
func pluralRule(lang string) func(n int) form {
	tag := language.Make(lang)
	return func(n int) form {
		switch plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0) {
		case plural.Zero:
			return zero
		case plural.One:
			return one
		case plural.Two:
			return two
		case plural.Few:
			return few
		case plural.Many:
			return many
		}
		return other
	}
}
