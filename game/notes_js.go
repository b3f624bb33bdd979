package game

import (
	"encoding/json"
	"sync"
	"syscall/js"

	"github.com/portplay/portplay/internal/jsonlite"
	"github.com/portplay/portplay/lesson"
)

// notesName is the BroadcastChannel the app and its notes page
// (web/notes.html) share: pages of one origin in one browser, so no
// server is needed.
const notesName = "portplay-notes"

// notesChannel sends the presenter's notes to the notes page whenever
// they change, and carries out what the page asks: its state again (it
// has just opened), the next step or the one before (the presenter's
// buttons).
type notesChannel struct {
	ch   js.Value
	last string // the notes last sent, as JSON
	gen  uint64 // the view's Gen they were made from
	sent bool

	mu      sync.Mutex
	pending []lesson.Action
	resend  bool
}

// newNotesChannel opens the channel; nil where the browser has none.
func newNotesChannel() *notesChannel {
	bc := js.Global().Get("BroadcastChannel")
	if !bc.Truthy() {
		return nil
	}
	c := &notesChannel{ch: bc.New(notesName)}
	c.ch.Set("onmessage", js.FuncOf(func(_ js.Value, args []js.Value) any {
		var msg struct{ Type, Action string }
		if jsonlite.Unmarshal([]byte(args[0].Get("data").String()), jsonlite.Fields{"type", &msg.Type, "action", &msg.Action}) != nil {
			return nil
		}
		c.mu.Lock()
		switch {
		case msg.Type == "hello":
			c.resend = true
		case msg.Type == "do" && msg.Action == "next":
			c.pending = append(c.pending, lesson.ActNextStep)
		case msg.Type == "do" && msg.Action == "back":
			c.pending = append(c.pending, lesson.ActPrevStep)
		}
		c.mu.Unlock()
		wakeUp() // an idle app draws no frame until asked
		return nil
	}))
	return c
}

// send posts the notes of vm when they may have changed (they change only
// with its Gen) and differ from what was sent last, or the page asked.
func (c *notesChannel) send(vm *lesson.View) {
	if c == nil {
		return
	}
	c.mu.Lock()
	again := c.resend
	c.resend = false
	c.mu.Unlock()
	if vm.Gen == c.gen && c.sent && !again {
		return
	}
	c.gen, c.sent = vm.Gen, true
	b, err := json.Marshal(notesOf(vm))
	if err != nil {
		return
	}
	if s := string(b); s != c.last || again {
		c.last = s
		c.ch.Call("postMessage", s)
	}
}

// apply carries out the page's steps, in Update.
func (c *notesChannel) apply(g *Game) {
	if c == nil {
		return
	}
	c.mu.Lock()
	acts := c.pending
	c.pending = nil
	c.mu.Unlock()
	for _, a := range acts {
		g.do(a)
	}
}

// notesKey (N) opens the notes page in a window of its own, for the
// presenter's screen; where the browser opens none (a blocked pop-up),
// the notes are a panel as natively.
func (g *Game) notesKey() {
	if w := js.Global().Call("open", "notes.html", notesName); w.Truthy() {
		return
	}
	g.log.shown, g.notesShown = false, !g.notesShown
}
