//go:build !js

package game

import (
	"bytes"
	"image"
	"image/png"
)

// encodePNG writes img as a PNG (the browser's build has its own,
// png_js.go, whose failures t words).
func encodePNG(img *image.RGBA, _ func(id string, args ...any) string) ([]byte, error) {
	var buf bytes.Buffer
	err := png.Encode(&buf, img)
	return buf.Bytes(), err
}
