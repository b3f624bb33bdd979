package game

import (
	"errors"
	"sync"
	"syscall/js"

	"github.com/portplay/portplay/lesson"
)

// LoadPhrases has lang's phrasebook at hand before the app starts: the
// page's loader fetches the catalogue (web/loader.js: it may have started
// beside the wasm), and this waits for it. An error says why it could not
// be had; the app then speaks English.
func LoadPhrases(lang string) error {
	if lesson.PhrasesLoaded(lang) {
		return nil
	}
	data, err := fetchPhrases(lang)
	if err == nil {
		err = lesson.LoadPhrases(lang, data)
	}
	return err
}

// fetchPhrases asks the page's loader for lang's catalogue file and waits
// for it (never on the browser's own thread: Go's goroutines wait, the
// page goes on).
func fetchPhrases(lang string) ([]byte, error) {
	fetch := js.Global().Get("portplayPhrases")
	if fetch.Type() != js.TypeFunction {
		return nil, errors.New(lesson.English().T("problem.no-loader")) // as problem.fetch-failed below
	}
	type result struct {
		data []byte
		err  error
	}
	ch := make(chan result, 1)
	ok := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{data: []byte(args[0].String())}
		return nil
	})
	defer ok.Release()
	fail := js.FuncOf(func(_ js.Value, args []js.Value) any {
		// The browser's own reasons are in its language, not the app's;
		// so is this one, where it gives none.
		msg := lesson.English().T("problem.fetch-failed")
		if len(args) > 0 && args[0].Truthy() {
			if m := args[0].Get("message"); m.Type() == js.TypeString {
				msg = m.String() // an Error's words, without "Error: "
			} else {
				msg = args[0].Call("toString").String()
			}
		}
		ch <- result{err: errors.New(msg)}
		return nil
	})
	defer fail.Release()
	fetch.Invoke(lang).Call("then", ok, fail)
	r := <-ch
	return r.data, r.err
}

// langFetch is the language button's fetch of a phrasebook not yet at
// hand (Session.LangWanted): one at a time, its result handed to the
// session in a later Update, the frames going on meanwhile.
type langFetch struct {
	mu      sync.Mutex
	asked   string      // the language being fetched
	arrived func(*Game) // its result, for the next Update
}

// update starts the fetch the session wants, and hands over one that has
// arrived.
func (f *langFetch) update(g *Game) {
	f.mu.Lock()
	done := f.arrived
	f.arrived = nil
	f.mu.Unlock()
	if done != nil {
		done(g)
	}
	want := g.sess.LangWanted()
	if want == "" || want == f.asked {
		return
	}
	f.asked = want
	go func() {
		data, err := fetchPhrases(want)
		f.mu.Lock()
		f.arrived = func(g *Game) {
			f.asked = ""
			g.sess.LanguageFetched(want, data, err)
		}
		f.mu.Unlock()
		wakeUp()
	}()
}
