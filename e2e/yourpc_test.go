//go:build e2e

package e2e

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/internal/observe"
)

// TestNativeYourComputer: in the real window, Y in lesson 3 observes this
// computer on loopback in the background and shows its ports beside the
// model's (build/screenshots/native-yourpc.png).
func TestNativeYourComputer(t *testing.T) {
	display := startXvfb(t)
	x := xdo(t, display)
	typeKeys := func() {
		awaitWindow(t, x)
		for _, k := range []string{"3", "space", "y"} {
			press(x, k)
		}
	}
	shot := filepath.Join(shotDir, "native-yourpc.png")
	_, st := runNative(t, display, typeKeys, "-seed", "7", "-paused", "1", "-screenshot", shot, "-frames", "400")
	assert.Equal(t, 3, st.Scene)
	require.Contains(t, []string{"same", "differs"}, st.YourPC, "the observation ran and was compared")
	assert.Len(t, st.YourPCPorts, observe.DefaultFirst, "this computer's ports toward the first destination")
	assert.Empty(t, st.Problems)
}

// TestBrowserYourComputer: a web page cannot open sockets; Y says why and
// how to get the desktop app, on the canvas and in the text mirror.
func TestBrowserYourComputer(t *testing.T) {
	url := serve(t, webDir)
	b := newBrowser(t)
	b.open(t, url+"?scene=3&seed=7&paused=1", 5)
	b.press(t, "y")
	st := b.until(t, "the panel", `s.yourPC == "browser"`)
	assert.Equal(t, 3, st.Scene)
	assertDrawn(t, b.screenshot(t, "browser-yourpc.png"))
	for _, size := range [][2]int64{{960, 540}, {390, 844}} {
		require.NoError(t, chromedp.Do(b.ctx, chromedp.EmulateViewport(size[0], size[1])))
		b.until(t, "the new size", fmt.Sprintf("Math.abs(s.layoutW*s.zoom - %d) < 2", size[0]))
		b.screenshot(t, fmt.Sprintf("browser-yourpc-%dx%d.png", size[0], size[1]))
		assert.Equal(t, "browser", b.status(t).YourPC, "the panel stays at %dx%d", size[0], size[1])
	}
	assert.Contains(t, b.text(t, "#mirror p[role=status]"), "cannot open TCP sockets", "the text mirror says it too")
	assert.Empty(t, b.errors())
}
