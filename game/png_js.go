package game

import (
	"encoding/base64"
	"errors"
	"image"
	"strings"
	"syscall/js"
)

// encodePNG has the browser write img as a PNG (a canvas's toDataURL):
// Go's PNG encoder would add 36 KB of code to every learner's download
// for a button few press (e2e/size_test.go).
func encodePNG(img *image.RGBA, t func(id string, args ...any) string) ([]byte, error) {
	b := img.Bounds()
	doc := js.Global().Get("document")
	canvas := doc.Call("createElement", "canvas")
	canvas.Set("width", b.Dx())
	canvas.Set("height", b.Dy())
	ctx := canvas.Call("getContext", "2d")
	if ctx.IsNull() {
		return nil, errors.New(t("save.no-canvas"))
	}
	pix := js.Global().Get("Uint8ClampedArray").New(len(img.Pix))
	js.CopyBytesToJS(pix, img.Pix)
	data := js.Global().Get("ImageData").New(pix, b.Dx(), b.Dy())
	ctx.Call("putImageData", data, 0, 0)
	url := canvas.Call("toDataURL", "image/png").String()
	b64, ok := strings.CutPrefix(url, "data:image/png;base64,")
	if !ok {
		return nil, errors.New(t("save.no-png"))
	}
	return base64.StdEncoding.DecodeString(b64)
}
