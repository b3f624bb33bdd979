package game

import (
	"syscall/js"

	"github.com/portplay/portplay/lesson"
	"github.com/portplay/portplay/lesson/phrase"
)

// saveFile offers x as a download: a Blob behind an object URL, a link
// with its name, clicked. Nothing leaves the page.
func saveFile(b *phrase.Book, x lesson.Export) (string, error) {
	data := js.Global().Get("Uint8Array").New(len(x.Data))
	js.CopyBytesToJS(data, x.Data)
	opts := js.Global().Get("Object").New()
	opts.Set("type", x.Type)
	blob := js.Global().Get("Blob").New([]any{data}, opts)
	url := js.Global().Get("URL").Call("createObjectURL", blob)
	doc := js.Global().Get("document")
	a := doc.Call("createElement", "a")
	a.Set("href", url)
	a.Set("download", x.Name)
	doc.Get("body").Call("appendChild", a)
	a.Call("click")
	a.Call("remove")
	// The download has its own copy once it starts; the URL can go.
	js.Global().Call("setTimeout", js.FuncOf(func(js.Value, []js.Value) any {
		js.Global().Get("URL").Call("revokeObjectURL", url)
		return nil
	}), 10000)
	return b.T("save.downloaded", "name", x.Name), nil
}
