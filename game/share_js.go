package game

import "syscall/js"

// shareLink puts the link on the clipboard. The clipboard answers later
// (a promise); if it refuses (no permission, a page not focused), the
// link is shown to copy by hand.
func shareLink(g *Game, link string) string {
	clip := js.Global().Get("navigator").Get("clipboard")
	if !clip.Truthy() {
		return g.sess.T("share.no-clipboard", "link", link)
	}
	var ok, fail js.Func
	ok = js.FuncOf(func(js.Value, []js.Value) any { ok.Release(); fail.Release(); return nil })
	fail = js.FuncOf(func(js.Value, []js.Value) any {
		ok.Release()
		fail.Release()
		if g.page != nil {
			g.page.queue(func(g *Game) { g.sess.Inform(g.sess.T("share.refused", "link", link)) })
		}
		return nil
	})
	clip.Call("writeText", link).Call("then", ok, fail)
	return g.sess.T("share.copied", "carries", g.sess.LinkCarries())
}
