//go:build e2e

package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/assets"
	"github.com/portplay/portplay/lesson/phrase"
	"github.com/portplay/portplay/web"
)

// eval runs js in the page and returns its value.
func eval[T any](t *testing.T, b *browser, js string) T {
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	require.NoError(t, err, js)
	return v
}

// pageLang is the page's <html lang>.
func pageLang(t *testing.T, b *browser) string {
	return eval[string](t, b, `document.documentElement.lang`)
}

// fetchedBooks are the phrasebooks the page has fetched, by file name.
func fetchedBooks(t *testing.T, b *browser) string {
	return eval[string](t, b, `performance.getEntriesByType("resource").map(e => e.name).filter(n => n.includes("i18n-")).join(" ")`)
}

// langButton is the text mirror's language button: its text and its name
// for a screen reader, from the accessibility tree.
func langButton(t *testing.T, b *browser) (text, name string) {
	text = eval[string](t, b, `((document.querySelector('#mirror button[aria-keyshortcuts="W"]') || {}).firstChild || {}).textContent || ""`)
	for _, n := range b.axTree(t).find("button") {
		if n.props["keyshortcuts"] == "W" {
			return text, n.name
		}
	}
	t.Fatal("no language button in the accessibility tree")
	return "", ""
}

// untilLang waits until the page speaks lang.
func untilLang(t *testing.T, b *browser, lang string) {
	_, err := chromedp.Run(b.ctx, chromedp.Poll[chromedp.Void](`document.documentElement.lang === "`+lang+`"`, chromedp.WithPollingTimeout(20*time.Second)))
	require.NoError(t, err, "the page speaks %s", lang)
}

// The language is chosen as a learner would meet it: the browser's own
// languages by default, a link's lang= over them, the language button at
// any time (fetching the catalogue the page lacks, saying so, and saying
// so again when it cannot be had), and the choice remembered. What each
// language says is the translators' (their catalogues change as this
// runs): the mechanism is checked by <html lang>, the files fetched, the
// button's own names, the pseudo-language and the messages that a
// catalogue has at the time.
func TestBrowserLanguage(t *testing.T) {
	// The bundle, with the Ukrainian catalogue made unreachable: the page
	// must say so and keep its words.
	dist := web.Handler(distDir)
	url := serveHandler(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/i18n-uk") {
			http.NotFound(w, r)
			return
		}
		dist.ServeHTTP(w, r)
	}))
	de, err := assets.Catalogue("de")
	require.NoError(t, err)
	deBook, err := phrase.Parse("de", de)
	require.NoError(t, err)

	b := newBrowser(t)
	b.open(t, url+"?lang=de&scene=2&seed=7&paused=1", 5)
	assert.Equal(t, "de", pageLang(t, b))
	assert.Contains(t, fetchedBooks(t, b), "i18n-de.", "the German catalogue was fetched, by its hashed name")
	text, name := langButton(t, b)
	assert.Equal(t, "Deutsch", text, "the button names the language in its own words")
	assert.Contains(t, name, "Deutsch")
	// Whatever the German catalogue says at this moment is what the page
	// says.
	for _, id := range []string{"control.play", "control.restart", "control.help"} {
		if deBook.Has(id) {
			assert.Contains(t, eval[string](t, b, `[...document.querySelectorAll("#mirror button")].map(e => e.textContent).join("|")`), deBook.T(id), id)
		}
	}
	// The tab's title and the text view's landmark too.
	for id, js := range map[string]string{"page.title": `document.title`, "mirror.main": `document.querySelector("main#mirror").getAttribute("aria-label")`} {
		if deBook.Has(id) {
			assert.Equal(t, deBook.T(id), eval[string](t, b, js), id)
		}
	}
	b.screenshot(t, "lang-de-1280.png")

	// The button: Spanish, fetched now, English's words until it came.
	b.clickMirror(t, "Deutsch")
	untilLang(t, b, "es")
	assert.Contains(t, fetchedBooks(t, b), "i18n-es.")
	text, name = langButton(t, b)
	assert.Equal(t, "Español", text)
	assert.Contains(t, name, "Español")
	assert.Empty(t, b.status(t).Problems)
	tr := b.axTree(t)
	var names []string
	for _, n := range tr.find("button") {
		names = append(names, n.name)
	}
	t.Logf("in Spanish, the text mirror's buttons: %q", names)

	// Ukrainian cannot be had: said, and the page stays Spanish.
	b.clickMirror(t, "Español")
	_, err = chromedp.Run(b.ctx, chromedp.Poll[chromedp.Void](`window.portplay.problems.length > 0`, chromedp.WithPollingTimeout(20*time.Second)))
	require.NoError(t, err)
	problems := b.status(t).Problems
	require.Len(t, problems, 1)
	assert.Contains(t, problems[0], "Українська")
	assert.Contains(t, problems[0], "404")
	assert.Equal(t, "es", pageLang(t, b))
	assert.Contains(t, eval[string](t, b, `document.querySelector("#mirror > p[role=status]").textContent`), "Українська", "the text mirror says it too")
	b.screenshot(t, "lang-fetch-failed-1280.png")

	// The choice is remembered: the page opened again without lang=
	// speaks Spanish, and needs no other catalogue.
	b.open(t, url+"?scene=2&seed=7&paused=1", 5)
	assert.Equal(t, "es", pageLang(t, b))
	assert.NotContains(t, fetchedBooks(t, b), "i18n-de.")

	// W on the picture: the next language (Ukrainian, unreachable) fails;
	// W again goes past it, to English (embedded).
	b.press(t, "w")
	_, err = chromedp.Run(b.ctx, chromedp.Poll[chromedp.Void](`window.portplay.problems.length > 0`, chromedp.WithPollingTimeout(20*time.Second)))
	require.NoError(t, err)
	assert.Equal(t, "es", pageLang(t, b))
	b.press(t, "w")
	untilLang(t, b, "en")
}

// The browser's own languages choose by default (Chromium told Ukrainian
// first); a bad lang= is named and English used; the pseudo-language
// makes every message longer, the page's lang English's.
func TestBrowserLanguageDefaults(t *testing.T) {
	url := serve(t, distDir)
	b := newBrowserWith(t, chromedp.Flag("accept-lang", "uk-UA,uk,en"))
	b.open(t, url+"?scene=3&seed=7&paused=1", 5)
	assert.Equal(t, "uk", pageLang(t, b), "navigator.languages: %s", eval[string](t, b, `navigator.languages.join(",")`))
	assert.Contains(t, fetchedBooks(t, b), "i18n-uk.", "fetched beside the wasm")
	text, _ := langButton(t, b)
	assert.Equal(t, "Українська", text)
	b.screenshot(t, "lang-uk-1280.png")

	b.open(t, url+"?lang=tlh&scene=3&seed=7&paused=1", 5)
	assert.Equal(t, "en", pageLang(t, b))
	problems := b.status(t).Problems
	require.Len(t, problems, 1)
	assert.Contains(t, problems[0], "lang")
	assert.Contains(t, problems[0], `"tlh"`)
	assert.Empty(t, fetchedBooks(t, b), "nothing fetched for a language there is none of")

	for _, vp := range []struct {
		w, h int
		name string
	}{{1280, 720, "1280"}, {390, 844, "390x844"}} {
		require.NoError(t, chromedp.Do(b.ctx, chromedp.EmulateViewport(int64(vp.w), int64(vp.h))))
		b.open(t, url+"?lang=xx-long&scene=3&seed=7&paused=1", 5)
		assert.Equal(t, "en", pageLang(t, b), "the pseudo-language is English made longer")
		buttons := eval[string](t, b, `[...document.querySelectorAll("#mirror button")].map(e => e.firstChild ? e.firstChild.textContent : "").join("|")`)
		assert.Contains(t, buttons, "[Rés", "Restart, made longer: %s", buttons)
		b.screenshot(t, "lang-xx-long-"+vp.name+".png")
	}
}

// A catalogue that is not one and progress that cannot be read are said,
// as natively (the same reader, internal/jsonlite, in both builds), and
// the page goes on in English from a fresh start.
func TestBrowserBadCatalogueAndProgress(t *testing.T) {
	dist := web.Handler(distDir)
	url := serveHandler(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/i18n-de") {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"control.play": {"one": "Spiel"}, "control.help": 3}`))
			return
		}
		dist.ServeHTTP(w, r)
	}))
	b := newBrowser(t)
	b.open(t, url+"?scene=2&seed=7&paused=1", 5)
	eval[bool](t, b, `localStorage.setItem("portplay.progress", '{"scene": "two", "steps": {"2": 3}}'), true`)

	b.open(t, url+"?lang=de&seed=7&paused=1", 5)
	assert.Equal(t, "en", pageLang(t, b))
	problems := strings.Join(b.status(t).Problems, "\n")
	assert.Regexp(t, `de\.json: message "control\.(play|help)": (every message needs its "other" text|want a string)`, problems)
	assert.Contains(t, problems, `Saved progress could not be read ("scene": want a whole number, not a string)`)
	assert.Equal(t, 1, b.status(t).Scene, "a fresh start")
	b.screenshot(t, "bad-catalogue-and-progress-1280.png")
	assert.Empty(t, b.errors(), "console errors")
}

// A bad setting in a German link is named in German: the link's
// phrasebook is fetched before its settings are read (they were worded
// in English, the only phrasebook in the wasm, before).
func TestBrowserLinkProblemsInItsLanguage(t *testing.T) {
	de, err := assets.Catalogue("de")
	require.NoError(t, err)
	deBook, err := phrase.Parse("de", de)
	require.NoError(t, err)
	url := serveHandler(t, web.Handler(distDir))
	b := newBrowser(t)
	b.open(t, url+"?lang=de&scene=2&seed=7&paused=1&speed=7", 5)
	problems := b.status(t).Problems
	require.Len(t, problems, 1)
	assert.True(t, strings.HasPrefix(problems[0], `speed="7": `), problems[0])
	lead, _, _ := strings.Cut(deBook.T("setting.want.one-of", "list", "{list}"), "{")
	assert.Contains(t, problems[0], lead, "worded by the German catalogue")
	assert.NotContains(t, problems[0], "; using ", "not by the English one")
	b.screenshot(t, "lang-de-bad-setting.png")
}
