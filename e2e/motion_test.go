//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// emulateReducedMotion sets (or, with "", clears) the page's
// prefers-reduced-motion, as a system setting would.
func (b *browser) emulateReducedMotion(t *testing.T, value string) {
	require.NoError(t, chromedp.Do(b.ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: value}}})
		return err
	})))
}

// The system's "reduce motion" reaches the app, at the start and when it
// changes while the app runs.
func TestBrowserReducedMotion(t *testing.T) {
	url := serve(t, webDir)
	b := newBrowser(t)
	b.emulateReducedMotion(t, "reduce")
	b.open(t, url+"?scene=3&seed=7", 5)
	b.until(t, "reduced motion at the start", "s.reducedMotion")
	b.emulateReducedMotion(t, "no-preference")
	b.until(t, "motion again", "!s.reducedMotion")
	b.emulateReducedMotion(t, "reduce")
	b.until(t, "reduced motion while running", "s.reducedMotion")
	assert.Empty(t, b.errors(), "console errors")
}

// A hidden tab pauses the lesson: its clock stops. Headless Chromium
// keeps a tab behind another visible (tried: a second tab activated in
// front), so the page is told it is hidden as a browser tells it: its
// document.hidden and a visibilitychange event.
func TestBrowserHiddenTabPauses(t *testing.T) {
	url := serve(t, webDir)
	b := newBrowser(t)
	b.open(t, url+"?scene=3&seed=7", 5)
	b.until(t, "playing", "s.playing && s.time > 0")
	_, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(() => {
		Object.defineProperty(document, 'hidden', {value: true, configurable: true});
		Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});
		document.dispatchEvent(new Event('visibilitychange'));
		return document.hidden })()`))
	require.NoError(t, err)
	st := b.until(t, "paused", "!s.playing")
	at := st.Time
	time.Sleep(500 * time.Millisecond)
	assert.Equal(t, at, b.status(t).Time, "the clock stands while the tab is hidden")
	assert.Greater(t, at, 0.0)
	assert.Empty(t, b.errors(), "console errors")
}

// The sandbox's knobs are buttons in the text mirror, turning a knob as
// ↑ and ↓ do.
func TestBrowserKnobButtons(t *testing.T) {
	url := serve(t, webDir)
	b := newBrowser(t)
	b.open(t, url+"?scene=6&seed=7&paused=1&clients=3", 5)
	// The knob's first button, the one that turns it up.
	find := func(prefix string) string {
		for _, n := range b.axTree(t).find("button") {
			if strings.HasPrefix(n.name, prefix) && strings.HasSuffix(n.name, "next value") {
				return n.name
			}
		}
		return ""
	}
	require.Equal(t, "Clients: 3, next value", find("Clients: "))
	press := func(name string) {
		_, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](
			`(() => { const b = [...document.querySelectorAll('#mirror button')].find(b => b.textContent == `+"`"+name+"`"+`); b.focus(); b.click(); return true })()`))
		require.NoError(t, err)
	}
	press("Clients: 3, next value")
	_, err := chromedp.Run(b.ctx, chromedp.Poll[chromedp.Void](
		`[...document.querySelectorAll('#mirror button')].some(b => b.textContent == 'Clients: 4, next value')`, chromedp.WithPollingTimeout(30*time.Second)))
	require.NoError(t, err, "the knob turned up")
	press("Clients: previous value")
	_, err = chromedp.Run(b.ctx, chromedp.Poll[chromedp.Void](
		`[...document.querySelectorAll('#mirror button')].some(b => b.textContent == 'Clients: 3, next value')`, chromedp.WithPollingTimeout(30*time.Second)))
	require.NoError(t, err, "and back down")
	focused, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.activeElement.textContent`))
	require.NoError(t, err)
	assert.Equal(t, "Clients: previous value", focused, "the focus stays on the button")
	assert.Empty(t, b.errors(), "console errors")
}
