//go:build !js

package game

import "github.com/portplay/portplay/lesson"

// mirror is the browser page's text mirror (mirror_js.go). Natively there
// is no page, and no screen reader reaches an Ebiten window.
type mirror struct{}

func newMirror(*lesson.Session) *mirror                 { return nil }
func (*mirror) apply(*Game)                             {}
func (*mirror) showText()                               {}
func (*mirror) write(*Game, *lesson.View, string, bool) {}
