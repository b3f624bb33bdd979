package main

import (
	"slices"
	"strings"
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/portplay/portplay/game"
	"github.com/portplay/portplay/lesson"
)

// settings reads the page's URL parameters, e.g. ?profile=winxp&seed=7,
// and a share link's fragment (#scenario=…&t=…), whose settings win. The
// fragment stays in the browser: it is never sent to the server. The
// last result is the page's address without its fragment, that links to
// it start with.
func settings(cat *lesson.Catalogue) (lesson.Settings, []string, func(int, *ebiten.Image, game.Status) bool, string) {
	loc := js.Global().Get("location")
	// ParseParams reads every pair it can and reports the first it cannot.
	q, qErr := lesson.ParseParams(strings.TrimPrefix(loc.Get("search").String(), "?"))
	frag, fragErr := lesson.ParseParams(strings.TrimPrefix(loc.Get("hash").String(), "#"))
	get := func(name string) (string, bool) {
		if frag.Has(name) {
			return frag.Get(name), true
		}
		return q.Get(name), q.Has(name)
	}
	// The link's language (lang=) words its problems (lesson.linkBook):
	// its phrasebook is fetched first, else they would be English. A
	// fetch that fails is said by main, which loads the language again.
	if v, ok := get("lang"); ok && slices.Contains(lesson.LanguageCodes(), v) {
		_ = game.LoadPhrases(v)
	}
	var problems []string
	if qErr != nil {
		problems = append(problems, lesson.UnreadableLink(get, false, qErr.Error()))
	}
	if fragErr != nil {
		problems = append(problems, lesson.UnreadableLink(get, true, fragErr.Error()))
	}
	s, more := cat.ParseSettings(get)
	problems = append(problems, more...)
	if !s.LangGiven {
		// The browser's languages, the learner's order (a saved choice
		// still wins: lesson.StartLanguage).
		var prefs []string
		if ls := js.Global().Get("navigator").Get("languages"); ls.Truthy() {
			for i := range ls.Length() {
				prefs = append(prefs, ls.Index(i).String())
			}
		}
		s.Lang = lesson.MatchLanguage(prefs)
	}
	problems = append(problems, lesson.ParseLink(&s, get)...)
	problems = append(problems, lesson.CheckPageSettings(get)...)
	base := loc.Get("origin").String() + loc.Get("pathname").String() + loc.Get("search").String()
	return s, problems, nil, base
}

// showFatal puts msg on the page itself: without it the user would see an
// empty page and the message only in the developer console.
func showFatal(msg string) {
	doc := js.Global().Get("document")
	p := doc.Call("createElement", "p")
	p.Set("textContent", msg)
	p.Set("className", "error")
	doc.Get("body").Call("appendChild", p)
	js.Global().Set("portplayLoadError", msg)
}
