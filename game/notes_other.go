//go:build !js

package game

import "github.com/portplay/portplay/lesson"

// notesKey (N) shows or hides the presenter's notes panel: natively the
// app has one window, so the notes share it, in the event list's place.
func (g *Game) notesKey() { g.log.shown, g.notesShown = false, !g.notesShown }

// notesChannel is the browser's link to its notes page: none natively.
type notesChannel struct{}

func newNotesChannel() *notesChannel    { return nil }
func (*notesChannel) send(*lesson.View) {}
func (*notesChannel) apply(*Game)       {}
