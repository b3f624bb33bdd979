//go:build e2e

package e2e

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/internal/qr"
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

// qrDrawn says whether shot holds url's QR code, dark on white with its
// quiet zone, at a whole number of pixels a module, anywhere in the
// legend's top right: every module of the code as the encoder makes it.
func qrDrawn(t *testing.T, shot []byte, url string) bool {
	img, err := png.Decode(bytes.NewReader(shot))
	require.NoError(t, err)
	bits := qr.Encode(url)
	require.NotNil(t, bits)
	dark := func(x, y int) bool {
		r, g, b, _ := img.At(x, y).RGBA()
		return (r>>8)+(g>>8)+(b>>8) < 3*128
	}
	area := image.Rect(1100, 50, 1280, 200)
	for px := 1; px <= 3; px++ {
		side := px * len(bits)
		for y0 := area.Min.Y; y0+side <= area.Max.Y; y0++ {
		next:
			for x0 := area.Min.X; x0+side <= area.Max.X; x0++ {
				for my, row := range bits {
					for mx, d := range row {
						// A module's centre pixel.
						if dark(x0+mx*px+px/2, y0+my*px+px/2) != d {
							continue next
						}
					}
				}
				return true
			}
		}
	}
	return false
}

// qrScan is what ZBar's zbarimg, a decoder that shares nothing with
// the encoder, reads from the QR code in shot: what a student's phone
// would open.
func qrScan(t *testing.T, shot []byte) string {
	zbarimg, err := exec.LookPath("zbarimg")
	require.NoError(t, err, "zbarimg is missing: run scripts/deps.sh (make test does)")
	f := filepath.Join(t.TempDir(), "shot.png")
	require.NoError(t, os.WriteFile(f, shot, 0o644))
	out, err := exec.Command(zbarimg, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", f).Output()
	require.NoError(t, err, "zbarimg finds no QR code")
	return strings.TrimSuffix(string(out), "\n")
}

// qrLink is the text mirror's link to the scene, as the accessibility
// tree gives it to a screen reader: its name and address; ok false when
// there is none.
func qrLink(t *testing.T, b *browser) (name, url string, ok bool) {
	for _, n := range b.axTree(t).find("link") {
		if strings.HasPrefix(n.name, "Link to this scene") {
			return n.name, n.props["url"], true
		}
	}
	return "", "", false
}

// TestBrowserPresenterQR: M shows a QR code of the deep link in the
// legend's corner, and only in presenter mode; the text mirror gives a
// screen reader the same link, as a link.
func TestBrowserPresenterQR(t *testing.T) {
	url := serve(t, webDir)
	b := newBrowser(t)
	b.open(t, url+"?scene=5&profile=winxp&seed=7&paused=1", 5)
	white, black := qrInk(t, b.screenshot(t, "presenter-off.png"))
	assert.Less(t, white, 0.02, "no code outside presenter mode")
	assert.Less(t, black, 0.02)
	_, _, ok := qrLink(t, b)
	assert.False(t, ok, "no link outside presenter mode")

	b.press(t, "m")
	// The status is published as a frame is drawn: this frame has the code.
	b.until(t, "presenter mode", "s.presenter")
	shot := b.screenshot(t, "presenter-qr.png")
	white, black = qrInk(t, shot)
	assert.Greater(t, white, 0.3, "the code's light modules")
	assert.Greater(t, black, 0.25, "the code's dark modules")
	name, link, ok := qrLink(t, b)
	require.True(t, ok, "the text mirror has the presenter's link")
	assert.Equal(t, "Link to this scene (shown as a QR code on screen)", name)
	// The lesson, the clients' OS, the seed and the speed, on the page's
	// own address (README, presenter mode).
	assert.Equal(t, url+"#profile=winxp&scene=5&seed=7&speed=1", link)
	assert.True(t, qrDrawn(t, shot, link), "the code on screen encodes the mirror's link %q", link)
	assert.Equal(t, link, qrScan(t, shot), "a scanner reads the mirror's link off the screen")
	// The test's server is on loopback, as make serve's: the mirror says,
	// beside the link, that students' devices cannot open it; and
	// presenter mode has the class session's button, with V.
	tr := b.axTree(t)
	var para string
	for _, n := range tr.find("link") {
		if strings.HasPrefix(n.name, "Link to this scene") {
			para = tr.text(tr[n.parent])
		}
	}
	assert.Contains(t, para, "is this computer's own address: students' devices cannot open it. Serve on the LAN with portplay-serve -lan")
	class := false
	for _, n := range tr.find("button") {
		class = class || n.name == "Class session" && n.props["keyshortcuts"] == "V"
	}
	assert.True(t, class, "the text mirror has presenter mode's Class session button, with V")
	assert.False(t, qrDrawn(t, shot, url+"#profile=winxp&scene=5&seed=8&speed=1"), "another link's code is not found there")

	b.press(t, "m")
	b.until(t, "presenter mode off", "!s.presenter")
	_, _, ok = qrLink(t, b)
	assert.False(t, ok, "the link goes with presenter mode")
	assert.Empty(t, b.errors())
}

// TestBrowserPresenterNotes: the presenter's notes page, open in another
// window of the same browser, follows the projected lesson (its step, and
// in presenter mode the narration the picture leaves out) and turns its
// steps; a screen reader finds it as a page of its own and the text
// mirror links it. The port inspector's sockets are in the mirror too.
func TestBrowserPresenterNotes(t *testing.T) {
	url := serve(t, webDir)
	b := newBrowser(t)
	b.open(t, url+"?scene=3&seed=7&paused=1", 5)
	var notesLink string
	for _, n := range b.axTree(t).find("link") {
		if strings.HasPrefix(n.name, "Presenter's notes (N)") {
			notesLink = n.props["url"]
		}
	}
	assert.Equal(t, url+"notes.html", notesLink, "the text mirror links the notes page")

	// The notes page in a window of its own, as N opens it.
	nctx, cancel := chromedp.NewContext(b.ctx)
	defer cancel()
	notes := &browser{ctx: nctx}
	require.NoError(t, chromedp.Do(nctx, chromedp.EmulateViewport(600, 800)))
	require.NoError(t, chromedp.Do(nctx, chromedp.Navigate(url+"notes.html")))
	noteText := func(id string) string {
		s, err := chromedp.Run(nctx, chromedp.Evaluate[string](`document.getElementById(`+jsString(id)+`).textContent`))
		require.NoError(t, err)
		return s
	}
	untilNotes := func(what, cond string) {
		_, err := chromedp.Run(nctx, chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingTimeout(30*time.Second)))
		require.NoError(t, err, "the notes page: %s (%s)", what, cond)
	}
	untilNotes("the lesson's first step", `!document.getElementById("notes").hidden && document.getElementById("step").textContent.startsWith("Step 1 of ")`)
	assert.Contains(t, noteText("title"), "3. ")
	assert.NotEmpty(t, noteText("text"), "the overview's narration")

	// Presenter mode: the picture loses the narration, the notes keep it.
	b.press(t, "m")
	b.until(t, "presenter mode", "s.presenter")
	b.press(t, kb.PageDown)
	st := b.until(t, "the next step", "s.step == 1")
	untilNotes("the step in presenter mode", `document.getElementById("step").textContent.startsWith("Step 2 of ")`)
	if st.Question == "" {
		assert.NotEmpty(t, noteText("text"), "the narration the picture leaves out")
	}
	// Its Next turns the lesson's step, as PageDown does: a step still
	// playing to its pause is finished by the first press.
	for press := 0; press < 3 && b.status(t).Step < 2; press++ {
		_, err := chromedp.Run(nctx, chromedp.Evaluate[bool](`(b => (b.click(), true))(document.getElementById("next"))`))
		require.NoError(t, err)
		time.Sleep(time.Second)
	}
	b.until(t, "the notes page's Next", "s.step == 2")
	untilNotes("the third step", `document.getElementById("step").textContent.startsWith("Step 3 of ")`)
	notes.screenshot(t, "presenter-notes-page.png")
	b.screenshot(t, "presenter-notes-projected.png")

	// As a screen reader finds it: a main landmark, the step, the buttons.
	var mains, buttons []string
	for _, n := range notes.axTree(t) {
		switch n.role {
		case "main":
			mains = append(mains, n.name)
		case "button":
			buttons = append(buttons, n.name)
		}
	}
	assert.Equal(t, []string{"Presenter's notes"}, mains)
	assert.ElementsMatch(t, []string{"Previous step", "Next step"}, buttons)

	// N in the picture opens the notes page in a window of its own.
	notesWindows := func() int {
		infos, err := chromedp.Targets(b.ctx)
		require.NoError(t, err)
		n := 0
		for _, in := range infos {
			if in.Type == "page" && strings.HasSuffix(in.URL, "/notes.html") {
				n++
			}
		}
		return n
	}
	before := notesWindows()
	b.press(t, "n")
	deadline := time.Now().Add(20 * time.Second)
	for notesWindows() == before && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	assert.Equal(t, before+1, notesWindows(), "N opened the notes page")

	// The port inspector in the mirror: I inspects the next port in use,
	// and its sockets are listed.
	b.press(t, "i")
	_, err := chromedp.Run(b.ctx, chromedp.Poll[chromedp.Void](`[...document.querySelectorAll("#mirror h2")].some(h => h.textContent === "Port inspector") &&
		[...document.querySelectorAll("#mirror li")].some(li => / → .*(ESTABLISHED|SYN_SENT|TIME_WAIT)$/.test(li.textContent))`, chromedp.WithPollingTimeout(30*time.Second)))
	require.NoError(t, err, "the inspected port's sockets in the text mirror")
	var inspect bool
	for _, n := range b.axTree(t).find("button") {
		inspect = inspect || strings.HasPrefix(n.name, "Inspect the next port in use")
	}
	assert.True(t, inspect, "the mirror's button for I")
	assert.Empty(t, b.errors())
}
