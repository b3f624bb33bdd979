//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/lesson"
	"github.com/portplay/portplay/lesson/phrase"
)

// axNode is a node of the page's accessibility tree: what a screen reader
// gets.
type axNode struct {
	role, name string
	props      map[string]string
	parent     accessibility.NodeID
	children   []accessibility.NodeID
}

// axTree is the page's accessibility tree, as DevTools computes it.
type axTree map[accessibility.NodeID]*axNode

func (b *browser) axTree(t *testing.T) axTree {
	var res accessibility.GetFullAXTreeResult
	require.NoError(t, chromedp.Do(b.ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		var err error
		res, err = cdp.Call(ctx, tg, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
		return err
	})))
	tree := axTree{}
	for _, n := range res.Nodes {
		if n.Ignored {
			continue
		}
		an := &axNode{role: axString(n.Role), name: axString(n.Name), props: map[string]string{}, parent: n.ParentID, children: n.ChildIDs}
		for _, p := range n.Properties {
			an.props[string(p.Name)] = axString(p.Value)
		}
		tree[n.NodeID] = an
	}
	return tree
}

func axString(v *accessibility.Value) string {
	if v == nil || len(v.Value) == 0 {
		return ""
	}
	var s any
	if json.Unmarshal(v.Value, &s) != nil {
		return string(v.Value)
	}
	return fmt.Sprint(s)
}

// find returns the nodes with role that are inside the main landmark.
func (tr axTree) find(role string) []*axNode {
	var out []*axNode
	for _, n := range tr {
		if n.role == role && tr.inMain(n) {
			out = append(out, n)
		}
	}
	return out
}

func (tr axTree) inMain(n *axNode) bool {
	for p := tr[n.parent]; p != nil; p = tr[p.parent] {
		if p.role == "main" {
			return true
		}
	}
	return false
}

// text is all the text under n, as a screen reader reads it.
func (tr axTree) text(n *axNode) string {
	if n.role == "StaticText" {
		return n.name
	}
	var parts []string
	for _, c := range n.children {
		if cn := tr[c]; cn != nil {
			parts = append(parts, tr.text(cn))
		}
	}
	return strings.Join(parts, "")
}

// liveText is the text of the mirror's event log, the live region that
// says what happened.
func (b *browser) liveText(t *testing.T) string {
	logs := b.axTree(t).find("log")
	require.Len(t, logs, 1, "one live region for the events")
	require.Equal(t, "polite", logs[0].props["live"])
	return b.axTree(t).text(logs[0])
}

// untilLive waits until the live region's text is no longer before.
func (b *browser) untilLive(t *testing.T, what, before string) string {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if s := b.liveText(t); s != before && s != "" {
			return s
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("the live region did not change after %s: %q", what, before)
	return ""
}

var portIn = regexp.MustCompile(`port (\d+)|:(\d+)`)

// TestBrowserTextMirror checks what a screen reader gets: the page's
// accessibility tree holds the lesson as text, every control as a named
// button, a live region that says what the engine did, and questions
// answered from their buttons.
func TestBrowserTextMirror(t *testing.T) {
	url := serve(t, webDir)
	b := newBrowser(t)
	b.open(t, url+"?scene=2&seed=7&paused=1", 5)
	st := b.status(t)

	t.Run("every control is a named button", func(t *testing.T) {
		tr := b.axTree(t)
		heads := tr.find("heading")
		require.NotEmpty(t, heads)
		assert.Contains(t, fmt.Sprint(names(heads)), "Two web servers")
		buttons := tr.find("button")
		require.NotEmpty(t, buttons)
		keys := map[string]string{}
		for _, n := range buttons {
			assert.NotEmpty(t, n.name, "a button without a name")
			keys[n.name] = n.props["keyshortcuts"]
		}
		for name, key := range map[string]string{"Play": "Space", "Step": "ArrowRight", "Back": "ArrowLeft", "Restart": "R",
			"Next step": "PageDown Enter", "Previous step": "PageUp", "Help": "? F1", "Text view": "T", "Lesson 5: Running out": "5"} {
			assert.Equal(t, key, keys[name], "the button %q and its key", name)
		}
		t.Logf("buttons: %v", names(buttons))
	})

	t.Run("Tab leads from the picture into the text", func(t *testing.T) {
		focused := func() string {
			s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.activeElement.tagName + ' ' + document.activeElement.textContent`))
			require.NoError(t, err)
			return s
		}
		require.Equal(t, "CANVAS ", focused(), "the picture has the focus at the start")
		b.press(t, "\t")
		assert.Equal(t, "BUTTON Text view", focused())
		_, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('canvas').focus()`))
		require.NoError(t, err)
	})

	ports := map[string]bool{}
	for tuple := range engineTuples(t, st.SceneName, 7) {
		ports[localPort(tuple)] = true
	}
	namesAPort := func(t *testing.T, s string) {
		for _, m := range portIn.FindAllStringSubmatch(s, -1) {
			if ports[m[1]+m[2]] {
				return
			}
		}
		t.Errorf("the live region names no port the engine gave (%v): %q", ports, s)
	}

	t.Run("the live region says what happened", func(t *testing.T) {
		before := b.liveText(t)
		b.press(t, " ")
		b.until(t, "playing", "s.playing")
		played := b.untilLive(t, "Space", before)
		b.press(t, " ")
		b.until(t, "paused", "!s.playing")
		time.Sleep(300 * time.Millisecond)
		paused := b.liveText(t)
		t.Logf("after Space: %q; paused: %q", played, paused)
		b.press(t, kb.ArrowRight)
		stepped := b.untilLive(t, "→", paused)
		t.Logf("after →: %q", stepped)
		namesAPort(t, stepped)
		// The engine's connections, as the app publishes them, are in the
		// mirror's words too.
		st := b.status(t)
		require.NotEmpty(t, st.Connections)
		tr := b.axTree(t)
		var text string
		for _, n := range tr {
			if n.role == "main" {
				text = tr.text(n)
			}
		}
		for _, c := range st.Connections {
			assert.Contains(t, text, ":"+localPort(c)+" ", "connection %s", c)
		}
	})

	t.Run("a question answered from its button", func(t *testing.T) {
		b.open(t, url+"?scene=1&seed=7&paused=1", 5)
		b.press(t, kb.PageUp)
		st := b.until(t, "the start", "s.time == 0 && !s.playing")
		for i := 0; st.Question == "" && i < 10; i++ {
			b.press(t, kb.PageDown)
			st = b.until(t, "the step's pause", fmt.Sprintf("s.step == %d && (!s.playing || s.question != '')", st.Step+1))
		}
		require.NotEmpty(t, st.Question)
		tr := b.axTree(t)
		var choice *axNode
		for _, n := range tr.find("button") {
			if strings.HasPrefix(n.name, "A: ") {
				choice = n
			}
		}
		require.NotNil(t, choice, "the first choice is a button")
		assert.Equal(t, "A", choice.props["keyshortcuts"])
		// As a keyboard or screen-reader user does: focus it, press Enter.
		_, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](
			`(() => { const b = [...document.querySelectorAll('#mirror button')].find(b => b.textContent.startsWith('A: ')); b.focus(); return document.activeElement === b })()`))
		require.NoError(t, err)
		b.press(t, "\r")
		st = b.until(t, "the engine's verdict", "s.verdict != ''")
		require.Equal(t, st.Choices[0], strings.TrimPrefix(choice.name, "A: "), "the button is the first choice")
		var verdict string
		for _, n := range b.axTree(t).find("status") {
			verdict += b.axTree(t).text(n)
		}
		want := "Right: " + st.Truth
		if st.Verdict == "wrong" {
			want = "Not this time: the answer is " + st.Truth
		}
		assert.Contains(t, verdict, want, "the verdict, in a status region")
		t.Logf("the verdict: %q", verdict)
		focused, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.activeElement.textContent`))
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(focused, "A: "), "the focus stays on the button: %q", focused)
	})

	t.Run("a profile's unverified claims are in the words", func(t *testing.T) {
		windows, err := engine.ProfileByName("windows")
		require.NoError(t, err)
		b.open(t, url+"?scene=3&profile=windows&seed=7&paused=1", 5)
		tr := b.axTree(t)
		var text string
		for _, n := range tr {
			if n.role == "main" {
				text = tr.text(n)
			}
		}
		assert.Contains(t, text, "Windows (partly unverified). Unverified: "+windows.Unverified)
	})
	assert.Empty(t, b.errors(), "console errors")
}

// localPort is the local port of a 4-tuple as the engine writes it
// ("tcp 192.168.1.5:1025 -> 10.0.0.10:80").
func localPort(tuple string) string {
	f := strings.Fields(tuple)
	return f[1][strings.LastIndex(f[1], ":")+1:]
}

func names(ns []*axNode) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.name)
	}
	return out
}

// axeViolation is one rule axe-core found broken.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// TestBrowserTextMirrorLanguage: with ?lang= the text mirror's own words
// (its headings, groups and fixed buttons) are the phrasebook's in that
// language, and <html lang> says which (the pseudo-language is English).
func TestBrowserTextMirrorLanguage(t *testing.T) {
	url := serve(t, webDir)
	b := newBrowser(t)
	b.open(t, url+"?scene=3&seed=7&paused=1&lang="+phrase.PseudoLang, 5)
	book, err := lesson.Phrases(phrase.PseudoLang)
	require.NoError(t, err)
	heads, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#mirror h2')].map(h => h.textContent)`))
	require.NoError(t, err)
	for _, id := range []string{"mirror.controls", "mirror.events", "mirror.inspector", "mirror.hosts", "mirror.keys"} {
		assert.Contains(t, heads, book.T(id), "the heading %s", id)
	}
	assert.Equal(t, book.T("control.text-view"), b.text(t, "#mirror button"), "the text view's button")
	cols, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#mirror th[scope=col]')].map(h => h.textContent)`))
	require.NoError(t, err)
	assert.Equal(t, []string{book.T("mirror.hosts.host"), book.T("mirror.hosts.address"), book.T("mirror.hosts.os"), book.T("mirror.hosts.sockets")}, cols)
	lang, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
	require.NoError(t, err)
	assert.Equal(t, "en", lang)
}

// TestBrowserAxe runs axe-core (installed by scripts/deps.sh, pinned, and
// injected from the file: nothing comes from a CDN) in every lesson and
// allows no serious or critical violation.
func TestBrowserAxe(t *testing.T) {
	url := serve(t, webDir)
	b := newBrowser(t)
	for n := 1; n <= len(catalogue(t).Lessons); n++ {
		t.Run(fmt.Sprintf("lesson %d", n), func(t *testing.T) {
			b.open(t, fmt.Sprintf("%s?scene=%d&seed=7", url, n), 5)
			// As a screen reader meets the page, and with the text view
			// shown (T) as everyone sees it, which checks its contrast.
			for _, shown := range []bool{false, true} {
				if shown {
					_, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('#mirror button').click()`))
					require.NoError(t, err)
					time.Sleep(200 * time.Millisecond) // a frame to write it
					b.screenshot(t, fmt.Sprintf("text-view-%d.png", n))
				}
				axeCheck(t, b.ctx, fmt.Sprintf("text view shown: %v", shown))
			}
		})
	}
	// The presenter's notes page, following a lesson with its question.
	t.Run("notes page", func(t *testing.T) {
		b.open(t, url+"?scene=5&seed=7&paused=1&step=3", 5)
		nctx, cancel := chromedp.NewContext(b.ctx)
		defer cancel()
		require.NoError(t, chromedp.Do(nctx, chromedp.Navigate(url+"notes.html")))
		_, err := chromedp.Run(nctx, chromedp.Poll[chromedp.Void](`!document.getElementById("notes").hidden`, chromedp.WithPollingTimeout(30*time.Second)))
		require.NoError(t, err, "the notes page follows the lesson")
		axeCheck(t, nctx, "notes page")
	})
	assert.Empty(t, b.errors(), "console errors")
}

// axeCheck runs axe-core (injected from its pinned file, again where the
// page has it already: a harmless reload of the script) on the page of
// ctx: no serious or critical violation; where says which page.
func axeCheck(t *testing.T, ctx context.Context, where string) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot, "build", "node", "node_modules", "axe-core", "axe.min.js"))
	require.NoError(t, err, "axe-core is missing: run scripts/deps.sh (make test does)")
	_, err = chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](string(src)))
	require.NoError(t, err)
	res, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		Violations []axeViolation `json:"violations"`
		Passes     int            `json:"passes"`
	}](`axe.run(document).then(r => ({violations: r.violations, passes: r.passes.length}))`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	require.Positive(t, res.Passes, "axe checked something (%s)", where)
	for _, v := range res.Violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("axe, %s: %s (%s): %s, at %v", where, v.ID, v.Impact, v.Help, v.Nodes)
		} else {
			t.Logf("axe, %s, %s: %s (%s)", where, v.Impact, v.ID, v.Help)
		}
	}
}
