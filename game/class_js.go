package game

import (
	"strings"
	"syscall/js"
)

// classFetch sends a request with the browser's fetch: a POST of body
// (JSON), or a GET when body is nil. done gets the answer's status and
// text, or status 0 and why no answer came.
func classFetch(url string, body []byte, done func(status int, text string)) {
	opts := js.Global().Get("Object").New()
	if body != nil {
		opts.Set("method", "POST")
		headers := js.Global().Get("Object").New()
		headers.Set("Content-Type", "application/json")
		opts.Set("headers", headers)
		opts.Set("body", string(body))
	}
	var ok, fail js.Func
	release := func() { ok.Release(); fail.Release() }
	ok = js.FuncOf(func(_ js.Value, args []js.Value) any {
		release()
		resp := args[0]
		status := resp.Get("status").Int()
		var text, broken js.Func
		text = js.FuncOf(func(_ js.Value, a []js.Value) any {
			text.Release()
			broken.Release()
			done(status, a[0].String())
			return nil
		})
		broken = js.FuncOf(func(_ js.Value, a []js.Value) any {
			text.Release()
			broken.Release()
			done(0, a[0].Call("toString").String())
			return nil
		})
		resp.Call("text").Call("then", text, broken)
		return nil
	})
	fail = js.FuncOf(func(_ js.Value, args []js.Value) any {
		release()
		done(0, args[0].Call("toString").String())
		return nil
	})
	js.Global().Call("fetch", url, opts).Call("then", ok, fail)
}

// classFollow follows url's Server-Sent Events with an EventSource, which
// reconnects by itself with Last-Event-ID: each gets each "state" event's
// data; ended is called once the server refuses the stream (the room is
// gone). It returns the function that closes the stream.
func classFollow(url string, each func(data string), ended func()) func() {
	es := js.Global().Get("EventSource").New(url)
	state := js.FuncOf(func(_ js.Value, args []js.Value) any {
		each(args[0].Get("data").String())
		return nil
	})
	failed := js.FuncOf(func(js.Value, []js.Value) any {
		if es.Get("readyState").Int() == 2 { // CLOSED: refused, not to be tried again
			ended()
		}
		return nil
	})
	es.Call("addEventListener", "state", state)
	es.Set("onerror", failed)
	return func() {
		es.Call("close")
		state.Release()
		failed.Release()
	}
}

// classPage is the class session in the page's text mirror: a section
// after its title, with the status in a live region and the teacher's
// actions as buttons.
type classPage struct {
	sec, status, body js.Value
	said              string
}

// writeClassMirror writes the class session into the text mirror.
func (g *Game) writeClassMirror() {
	m, c := g.page, &g.class
	if m == nil {
		return
	}
	p := &c.page
	if p.sec.IsUndefined() {
		p.sec = m.doc.Call("createElement", "section")
		m.label(p.sec, "aria-label", "class.title")
		m.root.Call("insertBefore", p.sec, m.title.Get("nextSibling"))
		m.label(m.el(p.sec, "h2", ""), "", "class.title")
		p.status = m.el(p.sec, "p", "")
		p.status.Call("setAttribute", "role", "status")
		p.body = m.el(p.sec, "div", "")
		cs := g.classControls()
		for _, b := range cs[:len(cs)-1] { // the page has no panel to hide
			e := m.el(p.sec, "button", b.Label)
			e.Call("setAttribute", "aria-keyshortcuts", b.Shortcut)
			act := b.Action
			e.Call("addEventListener", "click", js.FuncOf(func(js.Value, []js.Value) any {
				c.send(func(g *Game) { g.classDo(act) })
				return nil
			}))
		}
	}
	status, lines := g.classWords()
	p.sec.Set("hidden", c.state == classOff)
	if key := status + "\n" + strings.Join(lines, "\n"); key != p.said {
		p.said = key
		p.status.Set("textContent", status)
		p.body.Set("textContent", "")
		for _, l := range lines {
			m.el(p.body, "p", l)
		}
	}
}
