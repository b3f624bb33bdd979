package game

import "syscall/js"

// shareLink puts the link on the clipboard. The clipboard answers later
// (a promise); if it refuses (no permission, a page not focused), the
// link is shown to copy by hand.
func shareLink(g *Game, link string) string {
	clip := js.Global().Get("navigator").Get("clipboard")
	if !clip.Truthy() {
		return "No clipboard here (it needs HTTPS or localhost); the link: " + link
	}
	var ok, fail js.Func
	ok = js.FuncOf(func(js.Value, []js.Value) any { ok.Release(); fail.Release(); return nil })
	fail = js.FuncOf(func(js.Value, []js.Value) any {
		ok.Release()
		fail.Release()
		if g.page != nil {
			g.page.queue(func(g *Game) { g.sess.Inform("The clipboard refused the link; copy it from here: " + link) })
		}
		return nil
	})
	clip.Call("writeText", link).Call("then", ok, fail)
	return "Link to this moment copied: paste it anywhere (it carries " + g.sess.LinkCarries() + "; nothing of it reaches a server)."
}
