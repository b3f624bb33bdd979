package main

import (
	"net/url"
	"strings"
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/portplay/portplay/game"
	"github.com/portplay/portplay/lesson"
)

// settings reads the page's URL parameters, e.g. ?profile=winxp&seed=7.
func settings(cat *lesson.Catalogue) (lesson.Settings, []string, func(int, *ebiten.Image, game.Status) bool) {
	search := js.Global().Get("location").Get("search").String()
	q, err := url.ParseQuery(strings.TrimPrefix(search, "?"))
	var problems []string
	if err != nil {
		problems = append(problems, "the page's URL parameters could not be read: "+err.Error())
	}
	s, more := cat.ParseSettings(func(name string) (string, bool) {
		if !q.Has(name) {
			return "", false
		}
		return q.Get(name), true
	})
	return s, append(problems, more...), nil
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
