//go:build e2e

package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// layoutStatus is what the status hook says of the layout, with the
// canvas's sizes as the page has them.
type layoutStatus struct {
	Scene    int     `json:"scene"`
	LayoutW  float64 `json:"layoutW"`
	LayoutH  float64 `json:"layoutH"`
	Zoom     float64 `json:"zoom"`
	Portrait bool    `json:"portrait"`
	Phone    bool    `json:"phone"`
	CSSW     float64 `json:"cssW"`
	CSSH     float64 `json:"cssH"`
	StoreW   int     `json:"storeW"`
	StoreH   int     `json:"storeH"`
	DPR      float64 `json:"dpr"`
}

const layoutJS = `(function(){ const c = document.querySelector('canvas'), r = c.getBoundingClientRect(), s = window.portplay;
	return {scene: s.scene, layoutW: s.layoutW, layoutH: s.layoutH, zoom: s.zoom, portrait: s.portrait, phone: s.phone,
		cssW: r.width, cssH: r.height, storeW: c.width, storeH: c.height, dpr: window.devicePixelRatio} })()`

// TestBrowserViewports shows every scene at the supported screens (and at
// devicePixelRatio 2), keeps a screenshot of each in build/screenshots/
// for people to look at, and checks through the status hook that the app
// laid itself out for that screen: the canvas fills the page, its backing
// store has every device pixel, and the layout has the screen's shape at
// no less than one CSS pixel a unit. The layout's own promises (nothing
// off screen, nothing overlapping, every text fitting) are held by
// game's TestLayoutEveryViewport for the same screens.
func TestBrowserViewports(t *testing.T) {
	url := serve(t, webDir)
	lessons := len(catalogue(t).Lessons)
	for _, vp := range []struct {
		w, h            int64
		dpr             float64
		portrait, phone bool
	}{
		{1280, 720, 1, false, false},
		{1920, 1080, 1, false, false},
		{960, 540, 1, false, false},
		{1024, 768, 1, false, false},
		{768, 1024, 1, true, false},
		{390, 844, 1, true, true},
		// HiDPI where it costs least: software WebGL's time goes with
		// the pixels.
		{390, 844, 2, true, true},
	} {
		name := fmt.Sprintf("%dx%d@%g", vp.w, vp.h, vp.dpr)
		t.Run(name, func(t *testing.T) {
			b := newBrowser(t) // its own, and its own time limit
			require.NoError(t, chromedp.Do(b.ctx, chromedp.EmulateViewport(vp.w, vp.h, chromedp.EmulateScale(vp.dpr))))
			b.open(t, url+"?seed=7&speed=8", 5)
			for n := 1; n <= lessons; n++ {
				b.press(t, fmt.Sprint(n))
				b.until(t, "the scene to play a while", fmt.Sprintf("s.scene == %d && (s.time >= 1.5 || !s.playing)", n))
				st, err := chromedp.Run(b.ctx, chromedp.Evaluate[layoutStatus](layoutJS))
				require.NoError(t, err)
				assert.InDelta(t, float64(vp.w), st.CSSW, 1, "%s: the canvas fills the page's width", name)
				assert.InDelta(t, float64(vp.h), st.CSSH, 1, "%s: and its height", name)
				assert.Equal(t, vp.dpr, st.DPR)
				assert.InDelta(t, st.CSSW*vp.dpr, float64(st.StoreW), 1, "%s: the backing store has every device pixel", name)
				assert.InDelta(t, st.CSSH*vp.dpr, float64(st.StoreH), 1, "%s: in height too", name)
				assert.Equal(t, vp.portrait, st.Portrait, name)
				assert.Equal(t, vp.phone, st.Phone, name)
				assert.GreaterOrEqual(t, st.Zoom, 1.0, "%s: a unit is at least a CSS pixel", name)
				assert.InDelta(t, st.CSSW/st.Zoom, st.LayoutW, 1e-6, name)
				png := b.screenshot(t, fmt.Sprintf("viewport-%s-scene-%d.png", name, n))
				assert.Equal(t, int(vp.w*int64(vp.dpr)), imageSize(t, png).X, "%s: the screenshot has every device pixel", name)
				ink, colours := inkStats(t, png, background)
				assert.Greater(t, ink, 0.10, "%s scene %d: the canvas is (nearly) blank", name, n)
				assert.Greater(t, colours, 20, "%s scene %d: the canvas has almost no detail", name, n)
			}
			// The event log's panel (L) takes its place in the layout.
			b.press(t, "l")
			time.Sleep(300 * time.Millisecond)
			png := b.screenshot(t, fmt.Sprintf("viewport-%s-log.png", name))
			ink, _ := inkStats(t, png, background)
			assert.Greater(t, ink, 0.10, "%s: the canvas with the log is (nearly) blank", name)
			b.press(t, "l")
			assert.Empty(t, b.errors(), "console errors")
		})
	}
}
