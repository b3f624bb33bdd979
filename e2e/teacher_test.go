//go:build e2e

package e2e

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine/scenario"
	"github.com/portplay/portplay/engine/sim/pcap"
	"github.com/portplay/portplay/game"
	"github.com/portplay/portplay/lesson"
)

// ownScenario is a teacher's own scenario: three hosts no lesson has.
const ownScenario = `title "Mine: two servers"
seed 3
duration 20s
host laptop 192.168.1.5 profile macos
host web-a 10.0.0.10
host web-b 10.0.0.20
listen web-a 80
listen web-b 80
connect laptop -> web-a:80 at 1s every 2s count 3 hold 10s
connect laptop -> web-b:80 at 2s hold 10s
`

// badScenario fails at line 2, column 10: the port is out of range.
const badScenario = "host a 10.0.0.1\nlisten a 70000\n"

// shareFragment builds a share link's fragment as the issue specifies it,
// with the standard library alone: raw DEFLATE, unpadded base64url.
func shareFragment(t *testing.T, src, rest string) string {
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, flate.DefaultCompression)
	require.NoError(t, err)
	_, err = w.Write([]byte(src))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return "scenario=" + base64.RawURLEncoding.EncodeToString(b.Bytes()) + rest
}

// paste sends text to the page as Ctrl+V does: a paste event with the
// text on its clipboard data, at the canvas.
func (b *browser) paste(t *testing.T, text string) {
	_, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](`(function(text){
		const dt = new DataTransfer();
		dt.setData("text/plain", text);
		document.querySelector("canvas").dispatchEvent(new ClipboardEvent("paste", {clipboardData: dt, bubbles: true, cancelable: true}));
	})(`+jsString(text)+`)`))
	require.NoError(t, err)
}

// jsString quotes s for JavaScript source.
func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`)
	return `"` + r.Replace(s) + `"`
}

// momentIn is what the app shows of src at moment at (seed from the
// file), computed here without a browser: what a link must reproduce.
func momentIn(t *testing.T, src string, at time.Duration) game.Status {
	s := lesson.DefaultSettings()
	s.Scenario, s.At = src, at
	g, err := game.New(catalogue(t), s, nil)
	require.NoError(t, err)
	return g.Status()
}

func TestBrowserOwnScenarioAndShareLink(t *testing.T) {
	url := serve(t, webDir)
	b := newBrowser(t)
	b.open(t, url+"?scene=2&seed=7", 10)
	before := b.status(t)

	b.paste(t, badScenario)
	st := b.until(t, "the bad scenario's message", `s.problems.length > 0`)
	require.Len(t, st.Problems, 1)
	assert.Contains(t, st.Problems[0], "line 2, column 10")
	assert.Equal(t, before.Scene, st.Scene, "nothing else changed")
	assert.Equal(t, before.SceneName, st.SceneName)
	b.screenshot(t, "browser-own-scenario-error.png")
	b.press(t, kb.Escape) // Esc closes the message

	b.paste(t, ownScenario)
	st = b.until(t, "the pasted scenario", `s.sceneName === "yours" && s.connections.length > 0`)
	assert.Equal(t, lesson.CustomLesson, st.Scene)
	assert.Empty(t, st.Problems)
	for _, c := range st.Connections {
		assert.Contains(t, c, "192.168.1.5:", "the laptop's connections: %q", st.Connections)
	}
	assertDrawn(t, b.screenshot(t, "browser-own-scenario.png"))

	// K makes the link to this moment, carrying the scenario.
	b.press(t, "k")
	st = b.until(t, "the link", `s.link !== ""`)
	base, frag, ok := strings.Cut(st.Link, "#")
	require.True(t, ok, st.Link)
	assert.Equal(t, url+"?scene=2&seed=7", base)
	enc, _, _ := strings.Cut(strings.TrimPrefix(frag, "scenario="), "&")
	src, err := lesson.DecodeScenario(enc)
	require.NoError(t, err)
	assert.Equal(t, ownScenario, src)
	assert.Contains(t, st.Info, "Link")

	// A link built here, opened in a fresh browser: the same run, paused
	// at the same moment.
	const at = 7500 * time.Millisecond
	want := momentIn(t, ownScenario, at)
	require.NotEmpty(t, want.Connections)
	fresh := newBrowser(t)
	fresh.open(t, url+"#"+shareFragment(t, ownScenario, "&t=7.5s"), 10)
	st = fresh.status(t)
	assert.Empty(t, st.Problems)
	assert.Equal(t, "yours", st.SceneName)
	assert.Equal(t, at.Seconds(), st.Time)
	assert.False(t, st.Playing)
	assert.Equal(t, want.Connections, st.Connections)
	assertDrawn(t, fresh.screenshot(t, "browser-share-link.png"))

	// A link whose scenario does not decode: named, and the default runs.
	broken := newBrowser(t)
	broken.open(t, url+"#scenario=not*base64&t=2s", 10)
	st = broken.status(t)
	require.Len(t, st.Problems, 1)
	assert.Contains(t, st.Problems[0], "character 4 is wrong")
	assert.Equal(t, 1, st.Scene)

	// A lesson's link opens at its step, whatever this browser's progress
	// saved: the narration that goes with the moment.
	stepped := newBrowser(t)
	stepped.open(t, url+"#scene=3&seed=7&step=3", 10)
	st = stepped.status(t)
	assert.Empty(t, st.Problems)
	assert.Equal(t, 3, st.Scene)
	assert.Equal(t, 2, st.Step, "step 3, counted from 0")
	assert.NotEmpty(t, st.Question, "lesson 3's third step asks")
	assert.Empty(t, append(append(append(b.errors(), fresh.errors()...), broken.errors()...), stepped.errors()...), "console errors")
}

func TestNativeOwnScenario(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txt")
	require.NoError(t, os.WriteFile(bad, []byte(badScenario), 0o644))
	out, err := exec.Command(nativeApp, "-scenario", bad).CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	assert.Equal(t, 2, exit.ExitCode())
	assert.Contains(t, string(out), bad+": line 2, column 10: listen: port")
	out, err = exec.Command(nativeApp, "-scenario", "http://127.0.0.1:8080/#"+shareFragment(t, badScenario, "")).CombinedOutput()
	require.ErrorAs(t, err, &exit)
	assert.Equal(t, 2, exit.ExitCode())
	assert.Contains(t, string(out), "the link's scenario: line 2, column 10")

	good := filepath.Join(dir, "mine.txt")
	require.NoError(t, os.WriteFile(good, []byte(ownScenario), 0o644))
	display := startXvfb(t)
	shot := filepath.Join(shotDir, "native-own-scenario.png")
	_, st := runNative(t, display, nil, "-scenario", good, "-paused", "1", "-screenshot", shot, "-frames", "20")
	assert.Empty(t, st.Problems)
	assert.Equal(t, "yours", st.SceneName)

	// The same as a share link, at a moment.
	shot = filepath.Join(shotDir, "native-share-link.png")
	_, st = runNative(t, display, nil, "-scenario", "http://127.0.0.1:8080/#"+shareFragment(t, ownScenario, "&t=7.5s"), "-screenshot", shot, "-frames", "20")
	want := momentIn(t, ownScenario, 7500*time.Millisecond)
	assert.Equal(t, 7.5, st.Time)
	assert.Equal(t, want.Connections, st.Connections)
	assert.NotEmpty(t, st.Connections)
}

type eventRow struct {
	N        int     `json:"n"`
	At       float64 `json:"at"`
	Text     string  `json:"text"`
	Current  bool    `json:"current"`
	Selected bool    `json:"selected"`
}

func (b *browser) eventRows(t *testing.T) []eventRow {
	rows, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]eventRow](`window.portplay.eventRows`))
	require.NoError(t, err)
	return rows
}

func TestBrowserEventListSeeks(t *testing.T) {
	url := serve(t, webDir)
	b := newBrowser(t)
	b.open(t, url+"?scene=2&seed=7&speed=2", 10)
	b.until(t, "time to pass", `s.time > 3`)
	b.press(t, " ")
	b.press(t, "e")
	b.until(t, "the list", `s.eventRows.length > 5`)
	rows := b.eventRows(t)
	require.True(t, rows[len(rows)-1].Current || slices.ContainsFunc(rows, func(r eventRow) bool { return r.Current }))

	// ↑ three times, Enter: time goes to that event's.
	for range 3 {
		b.press(t, kb.ArrowUp)
	}
	rows = b.eventRows(t)
	i := slices.IndexFunc(rows, func(r eventRow) bool { return r.Selected })
	require.GreaterOrEqual(t, i, 0, "a row is selected: %+v", rows)
	sel := rows[i]
	b.press(t, "\r")
	st := b.until(t, "the seek", fmt.Sprintf(`s.time === %v`, sel.At))
	assert.False(t, st.Playing)
	b.screenshot(t, "browser-event-list.png")

	// The text mirror's row buttons go to their moment too.
	first := b.eventRows(t)[0]
	_, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector('#mirror button[data-n="%d"]').click()`, first.N)))
	require.NoError(t, err)
	b.until(t, "the mirror's seek", fmt.Sprintf(`s.time === %v`, first.At))

	// E again closes it: no rows are made while it is closed.
	b.press(t, "e")
	b.until(t, "the list closed", `s.eventRows.length === 0`)
	assert.Empty(t, b.errors(), "console errors")
}

// clickMirror clicks the text mirror's button named label.
func (b *browser) clickMirror(t *testing.T, label string) {
	ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(function(label){
		const bs = [...document.querySelectorAll("#mirror button")].filter(b => !b.hidden && b.textContent.startsWith(label));
		if (bs.length === 0) return false;
		bs[0].click();
		return true;
	})(`+jsString(label)+`)`))
	require.NoError(t, err)
	require.True(t, ok, "the mirror has a button %q", label)
}

// The pcap the browser downloads is what `portsim pcap` writes for the
// same scenario and seed (engine/sim/pcap, byte for byte), and tshark
// reads it; the event list downloads as CSV.
func TestBrowserSavesPcap(t *testing.T) {
	ts, err := exec.LookPath("tshark")
	require.NoError(t, err, "tshark is missing: run scripts/deps.sh (make test does)")
	url := serve(t, webDir)
	b := newBrowser(t)
	dir := t.TempDir()
	require.NoError(t, chromedp.Do(b.ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir})
		return err
	})))
	b.open(t, url+"#"+shareFragment(t, ownScenario, "&t=3s"), 10)
	b.press(t, "e")
	b.until(t, "the list", `s.eventRows.length > 0`)
	b.clickMirror(t, "Save pcap")
	st := b.until(t, "the download", `s.saved !== ""`)
	assert.Equal(t, "portplay-yours-seed3.pcap", st.Saved)
	path := filepath.Join(dir, st.Saved)
	var got []byte
	require.Eventually(t, func() bool {
		got, err = os.ReadFile(path)
		return err == nil && len(got) > 24
	}, 30*time.Second, 100*time.Millisecond, "the download lands in %s", dir)

	sc, err := scenario.Parse(ownScenario)
	require.NoError(t, err)
	var want bytes.Buffer
	_, err = pcap.Write(&want, sc, sc.Duration)
	require.NoError(t, err)
	assert.Equal(t, want.Bytes(), got, "the same bytes as portsim pcap")

	out, err := exec.Command(ts, "-r", path, "-n", "-T", "fields", "-e", "tcp.srcport", "-e", "tcp.dstport").CombinedOutput()
	require.NoError(t, err, "%s", out)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	assert.Greater(t, len(lines), 10, "tshark read the packets")
	assert.Contains(t, string(out), "80")
	b.screenshot(t, "browser-saved-pcap.png")

	b.clickMirror(t, "Save CSV")
	st = b.until(t, "the CSV", `s.saved.endsWith(".csv")`)
	require.Eventually(t, func() bool {
		got, err = os.ReadFile(filepath.Join(dir, st.Saved))
		return err == nil && len(got) > 0
	}, 30*time.Second, 100*time.Millisecond)
	assert.True(t, strings.HasPrefix(string(got), "n,t,host,kind,event,local,remote,state,errno,text\n"), "%.200s", got)

	b.clickMirror(t, "Save PNG")
	st = b.until(t, "the picture", `s.saved.endsWith(".png")`)
	require.Eventually(t, func() bool {
		got, err = os.ReadFile(filepath.Join(dir, st.Saved))
		return err == nil && len(got) > 0
	}, 30*time.Second, 100*time.Millisecond)
	assert.Equal(t, 1280, imageSize(t, got).X, "the canvas's pixels")
	assertDrawn(t, got)
	assert.Empty(t, b.errors(), "console errors")
}

// The text view's file picker and text box open a scenario too; a file
// too long is refused before it is read.
func TestBrowserOpensAScenarioFile(t *testing.T) {
	url := serve(t, webDir)
	b := newBrowser(t)
	b.open(t, url+"?scene=1", 10)
	dir := t.TempDir()
	file := filepath.Join(dir, "mine.txt")
	require.NoError(t, os.WriteFile(file, []byte(ownScenario), 0o644))
	require.NoError(t, chromedp.Do(b.ctx, chromedp.SetUploadFiles(chromedp.CSS(`#mirror input[type=file]`), []string{file})))
	st := b.until(t, "the picked file", `s.sceneName === "yours"`)
	assert.Empty(t, st.Problems)

	big := filepath.Join(dir, "big.txt")
	require.NoError(t, os.WriteFile(big, bytes.Repeat([]byte("# comment\n"), lesson.MaxScenarioBytes/10+1), 0o644))
	b.press(t, "1")
	b.until(t, "lesson 1", `s.scene === 1`)
	require.NoError(t, chromedp.Do(b.ctx, chromedp.SetUploadFiles(chromedp.CSS(`#mirror input[type=file]`), []string{big})))
	st = b.until(t, "the refusal", `s.info !== ""`)
	assert.Contains(t, st.Info, "big.txt is 65540 bytes; a scenario may be at most 65536")
	assert.Equal(t, 1, st.Scene, "nothing changed")

	_, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("scenario-text").value = `+jsString(ownScenario)))
	require.NoError(t, err)
	b.clickMirror(t, "Open this scenario")
	b.until(t, "the typed scenario", `s.sceneName === "yours"`)
	assert.Empty(t, b.errors(), "console errors")
}
