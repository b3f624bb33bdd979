package game

import (
	"image"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/internal/qr"
	"github.com/portplay/portplay/lesson"
)

// TestQRModules checks the image against the encoder's modules: dark is
// black, light white, the quiet zone light.
func TestQRModules(t *testing.T) {
	const url = "http://192.168.1.20:8080/?scene=5&profile=winxp&seed=7"
	img := qrModules(url)
	require.NotNil(t, img)
	bits := qr.Encode(url)
	require.Equal(t, image.Rect(0, 0, len(bits), len(bits)), img.Bounds())
	for y, row := range bits {
		for x, dark := range row {
			want := uint8(0xff)
			if dark {
				want = 0
			}
			require.Equal(t, want, img.GrayAt(x, y).Y, "module %d,%d", x, y)
		}
	}
	for i := range 4 {
		assert.Equal(t, uint8(0xff), img.GrayAt(i, i).Y, "quiet zone")
	}
	assert.Nil(t, qrModules(string(make([]byte, qr.MaxLen+1))), "too long to encode: no code")
}

// TestQRPlace: on every supported screen that shows the legend the code
// lies in its slot's top right, inside the legend, with whole device pixels per module,
// larger on larger screens.
func TestQRPlace(t *testing.T) {
	const n = 41 // a version 4 code and its quiet zone: links such as the one above
	fc, err := newFaces()
	require.NoError(t, err)
	vm := newGame(t, 5, nil).vm
	px1280 := 0.0
	for _, vp := range viewports {
		l := layoutFor(fc, vp.s, &vm, false)
		if !l.MapShown {
			continue
		}
		slot := qrSlot(l.Legend)
		require.GreaterOrEqual(t, slot.h, float64(qrLeast), "%s: room for a code", vp.name)
		x, y, px := qrPlace(slot, l.Scale, n)
		assert.GreaterOrEqual(t, px, 1.0, vp.name)
		assert.Equal(t, math.Floor(px), px, "%s: whole pixels per module", vp.name)
		side := px * n
		assert.GreaterOrEqual(t, x, l.Legend.x*l.Scale-1, "%s: inside the legend", vp.name)
		assert.InDelta(t, l.Legend.right()*l.Scale, x+side, 1, vp.name)
		assert.InDelta(t, l.Legend.y*l.Scale, y, 1, vp.name)
		assert.LessOrEqual(t, y+side, slot.bottom()*l.Scale+1, "%s: inside its slot, clear of the states", vp.name)
		if vp.name == "1280x720" {
			px1280 = px
		}
		if vp.name == "1920x1080" || vp.name == "1280x720@2" {
			assert.Greater(t, px, px1280, "%s: a larger screen, a larger code", vp.name)
		}
	}
}

// The address a code encodes, which the text mirror gives as a link: the
// page's address and the presenter's fragment, or none without either.
func TestQRURL(t *testing.T) {
	g := newGame(t, 5, nil)
	g.do(lesson.ActPresenter)
	link := g.sess.View().Link
	require.NotEmpty(t, link)
	for _, tc := range []struct{ base, link, want string }{
		{"http://192.168.1.20:8080/", link, "http://192.168.1.20:8080/#" + link},
		{"https://school.example/tools/portplay/", "scene=3&seed=7&speed=1", "https://school.example/tools/portplay/#scene=3&seed=7&speed=1"},
		{"", link, ""}, // natively: no page, no code
		{"http://192.168.1.20:8080/", "", ""},
	} {
		assert.Equal(t, tc.want, qrURL(tc.base, tc.link), "%q %q", tc.base, tc.link)
	}
	assert.Equal(t, "Link to this scene (shown as a QR code on screen)", qrLinkName(lesson.English(), true))
	assert.Equal(t, "Link to this scene", qrLinkName(lesson.English(), false), "no code drawn: the name does not say there is one")
}
