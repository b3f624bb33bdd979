//go:build e2e

package e2e

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// qrInk is how much of the legend's top right corner (where presenter
// mode draws its QR code at 1280×720) is pure white and how much black.
func qrInk(t *testing.T, shot []byte) (white, black float64) {
	img, err := png.Decode(bytes.NewReader(shot))
	require.NoError(t, err)
	r := image.Rect(1190, 78, 1264, 152)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			switch {
			case cr>>8 >= 250 && cg>>8 >= 250 && cb>>8 >= 250:
				white++
			case cr>>8 <= 5 && cg>>8 <= 5 && cb>>8 <= 5:
				black++
			}
		}
	}
	n := float64(r.Dx() * r.Dy())
	return white / n, black / n
}

// TestBrowserPresenterQR: M shows a QR code of the deep link in the
// legend's corner, and only in presenter mode.
func TestBrowserPresenterQR(t *testing.T) {
	url := serve(t, webDir)
	b := newBrowser(t)
	b.open(t, url+"?scene=5&profile=winxp&seed=7&paused=1", 5)
	white, black := qrInk(t, b.screenshot(t, "presenter-off.png"))
	assert.Less(t, white, 0.02, "no code outside presenter mode")
	assert.Less(t, black, 0.02)

	b.press(t, "m")
	// The status is published as a frame is drawn: this frame has the code.
	b.until(t, "presenter mode", "s.presenter")
	white, black = qrInk(t, b.screenshot(t, "presenter-qr.png"))
	assert.Greater(t, white, 0.3, "the code's light modules")
	assert.Greater(t, black, 0.25, "the code's dark modules")
	assert.Empty(t, b.errors())
}
