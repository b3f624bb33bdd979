package game

import (
	"syscall/js"

	"github.com/portplay/portplay/lesson"
)

// loader is the page's ways in for the learner's own scenario: a text
// box and a file picker in the text mirror, Ctrl+V anywhere on the page,
// and a file dropped anywhere on it (on the canvas Ebiten takes the drop:
// Game.dropped; the page's own: loaderListen). Each opens the scenario in
// Update, through the queue.
func (m *mirror) loader() {
	sec := m.el(m.root, "section", "")
	sec.Call("setAttribute", "aria-labelledby", "own-heading")
	h := m.label(m.el(sec, "h2", ""), "", "load.title")
	h.Set("id", "own-heading")
	m.label(m.el(sec, "p", ""), "", "load.how", "key", "Ctrl+V")
	label := m.el(sec, "label", m.book.T("load.text")+" ") // the field after a space
	text := m.el(label, "textarea", "")
	text.Set("id", "scenario-text")
	text.Set("rows", 6)
	text.Set("spellcheck", false)
	open := m.label(m.el(sec, "button", ""), "", "load.open")
	open.Set("type", "button")
	open.Call("addEventListener", "click", js.FuncOf(func(js.Value, []js.Value) any {
		m.open(m.book.T("load.source.text-box"), text.Get("value").String())
		return nil
	}))
	label = m.el(sec, "label", m.book.T("load.file")+" ") // the field after a space
	picker := m.el(label, "input", "")
	picker.Set("type", "file")
	picker.Set("accept", ".txt,text/plain")
	picker.Call("addEventListener", "change", js.FuncOf(func(js.Value, []js.Value) any {
		if fs := picker.Get("files"); fs.Length() > 0 {
			m.readFile(fs.Index(0))
		}
		picker.Set("value", "") // the same file chosen again opens again
		return nil
	}))
}

// loaderListen connects Ctrl+V and a dropped file anywhere on the page,
// once (the mirror is built again in another language: loader).
func (m *mirror) loaderListen() {

	// Ebiten's canvas takes every key (it prevents the browser's own
	// action), so Ctrl+V there would paste nothing: in the capture phase,
	// before it, the key is kept from the canvas and the browser pastes.
	js.Global().Call("addEventListener", "keydown", js.FuncOf(func(_ js.Value, args []js.Value) any {
		e := args[0]
		paste := (e.Get("ctrlKey").Bool() || e.Get("metaKey").Bool()) && (e.Get("key").String() == "v" || e.Get("key").String() == "V")
		if paste && e.Get("target").Get("tagName").String() == "CANVAS" {
			e.Call("stopPropagation")
		}
		return nil
	}), true)
	m.doc.Call("addEventListener", "paste", js.FuncOf(func(_ js.Value, args []js.Value) any {
		e := args[0]
		if editable(e.Get("target")) {
			return nil // pasting into the text box is typing
		}
		if data := e.Get("clipboardData"); data.Truthy() {
			if s := data.Call("getData", "text/plain").String(); s != "" {
				e.Call("preventDefault")
				m.open(m.book.T("load.source.pasted"), s)
			}
		}
		return nil
	}))
	// A file dropped off the canvas would otherwise be opened by the
	// browser in place of the app.
	m.doc.Call("addEventListener", "dragover", js.FuncOf(func(_ js.Value, args []js.Value) any {
		args[0].Call("preventDefault")
		return nil
	}))
	m.doc.Call("addEventListener", "drop", js.FuncOf(func(_ js.Value, args []js.Value) any {
		e := args[0]
		if e.Get("target").Get("tagName").String() == "CANVAS" {
			return nil
		}
		e.Call("preventDefault")
		if fs := e.Get("dataTransfer").Get("files"); fs.Truthy() && fs.Length() > 0 {
			m.readFile(fs.Index(0))
		}
		return nil
	}))
}

// editable says the element takes typed text itself.
func editable(el js.Value) bool {
	if !el.Truthy() || el.Get("tagName").IsUndefined() {
		return false
	}
	tag := el.Get("tagName").String()
	return tag == "TEXTAREA" || tag == "INPUT" || el.Get("isContentEditable").Truthy()
}

// readFile opens a File (from the picker or a drop) once the browser has
// read it.
func (m *mirror) readFile(f js.Value) {
	name := f.Get("name").String()
	if size := f.Get("size").Int(); size > lesson.MaxScenarioBytes {
		m.queue(func(g *Game) {
			g.sess.Inform(g.sess.T("load.too-big", "name", name, "size", size, "max", lesson.MaxScenarioBytes))
		})
		return
	}
	var ok, fail js.Func
	ok = js.FuncOf(func(_ js.Value, args []js.Value) any {
		ok.Release()
		fail.Release()
		m.open(name, args[0].String())
		return nil
	})
	fail = js.FuncOf(func(_ js.Value, args []js.Value) any {
		ok.Release()
		fail.Release()
		msg := args[0].Call("toString").String()
		m.queue(func(g *Game) { g.sess.Inform(g.sess.T("load.unreadable", "name", name, "reason", msg)) })
		return nil
	})
	f.Call("text").Call("then", ok, fail)
}

// open opens src, named name in a message, as the learner's scenario.
func (m *mirror) open(name, src string) {
	m.queue(func(g *Game) { g.sess.LoadScenario(name, src) })
}
