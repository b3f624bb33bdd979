package phrase

import "syscall/js"

// pluralRule is lang's CLDR cardinal plural rule as the browser knows it
// (Intl.PluralRules, CLDR's data in every browser): the same rules as
// golang.org/x/text's natively, without its tables in the download
// (e2e/size_test.go). A browser without Intl gets "other" for every n.
func pluralRule(lang string) func(n int) form {
	ctor := js.Global().Get("Intl")
	if ctor.IsUndefined() || ctor.Get("PluralRules").IsUndefined() {
		return func(int) form { return other }
	}
	rules := ctor.Get("PluralRules").New(lang)
	return func(n int) form {
		if f, ok := formNames[rules.Call("select", n).String()]; ok {
			return f
		}
		return other
	}
}
