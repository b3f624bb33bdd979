package web

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBuildDist(t *testing.T) {
	src, out := t.TempDir(), filepath.Join(t.TempDir(), "dist")
	// Exactly the files Sources names: BuildDist needs no other.
	wasm := []byte("\x00asm\x01\x00\x00\x00 pretend")
	for _, name := range Sources() {
		var data []byte
		switch name {
		case "portplay.wasm":
			data = wasm
		case "wasm_exec.js":
			data = []byte("// Go")
		case PhrasebookFile("de"), PhrasebookFile("es"), PhrasebookFile("uk"):
			data = []byte(`{"control.play": "` + name + `"}`)
		default:
			var err error
			data, err = os.ReadFile(name)
			require.NoError(t, err)
		}
		require.NoError(t, os.WriteFile(filepath.Join(src, name), data, 0o644))
	}
	// A stale file from an earlier build must not survive.
	require.NoError(t, os.MkdirAll(out, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(out, "portplay.00000000.wasm"), nil, 0o644))

	require.NoError(t, BuildDist(src, out, 5))

	index, err := os.ReadFile(filepath.Join(out, "index.html"))
	require.NoError(t, err)
	html := string(index)
	refs := regexp.MustCompile(`(?:href|src|data-wasm|data-sw)="([^"]+)"`).FindAllStringSubmatch(html, -1)
	var names []string
	for _, m := range refs {
		names = append(names, m[1])
	}
	want := []string{`^icon-192\.png$`, `^style\.[0-9a-f]{8}\.css$`, `^manifest\.webmanifest$`,
		`^wasm_exec\.[0-9a-f]{8}\.js$`, `^loader\.[0-9a-f]{8}\.js$`, `^portplay\.[0-9a-f]{8}\.wasm$`, `^sw\.js$`}
	require.Len(t, names, len(want), html)
	for i, name := range names {
		assert.Regexp(t, want[i], name)
		if i == 0 {
			continue
		}
		// Relative, in the same folder, each with its precompressed variants.
		for _, suffix := range []string{"", ".br", ".gz"} {
			assert.FileExists(t, filepath.Join(out, name+suffix))
		}
	}
	assert.NoFileExists(t, filepath.Join(out, "portplay.00000000.wasm"))
	// The presenter's notes page, by its plain name, kept for offline use.
	for _, suffix := range []string{"", ".br", ".gz"} {
		assert.FileExists(t, filepath.Join(out, "notes.html"+suffix))
	}
	notesSW, err := os.ReadFile(filepath.Join(out, "sw.js"))
	require.NoError(t, err)
	assert.Contains(t, string(notesSW), `"notes.html"`)

	// The manifest's icons are PNGs of the sizes it says.
	var man struct {
		Icons []struct{ Src, Sizes, Type string }
	}
	mb, err := os.ReadFile(filepath.Join(out, "manifest.webmanifest"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(mb, &man))
	require.Len(t, man.Icons, 2)
	for _, ic := range man.Icons {
		f, err := os.Open(filepath.Join(out, ic.Src))
		require.NoError(t, err)
		cfg, err := png.DecodeConfig(f)
		f.Close()
		require.NoError(t, err, ic.Src)
		assert.Equal(t, ic.Sizes, fmt.Sprintf("%dx%d", cfg.Width, cfg.Height))
		assert.Equal(t, "image/png", ic.Type)
	}

	// The wasm's name is its content's hash, and both precompressed
	// variants decode to it.
	m := regexp.MustCompile(`data-wasm="(portplay\.[0-9a-f]{8}\.wasm)"`).FindStringSubmatch(html)
	require.NotNil(t, m)
	assert.Equal(t, hashName("portplay.wasm", wasm), m[1])
	name := filepath.Join(out, m[1])
	brf, err := os.ReadFile(name + ".br")
	require.NoError(t, err)
	got, err := io.ReadAll(brotli.NewReader(bytes.NewReader(brf)))
	require.NoError(t, err)
	assert.Equal(t, wasm, got)
	gzf, err := os.Open(name + ".gz")
	require.NoError(t, err)
	defer gzf.Close()
	zr, err := gzip.NewReader(gzf)
	require.NoError(t, err)
	got, err = io.ReadAll(zr)
	require.NoError(t, err)
	assert.Equal(t, wasm, got)

	// The phrasebooks but English's, by their hashed names, for the
	// loader to fetch.
	mi := regexp.MustCompile(`data-i18n='([^']*)'`).FindStringSubmatch(html)
	require.NotNil(t, mi, html)
	var books map[string]string
	require.NoError(t, json.Unmarshal([]byte(mi[1]), &books))
	assert.Len(t, books, 3)
	assert.NotContains(t, books, "en", "English is in the wasm")
	for lang, name := range books {
		data, err := os.ReadFile(filepath.Join(src, PhrasebookFile(lang)))
		require.NoError(t, err)
		assert.Equal(t, hashName(PhrasebookFile(lang), data), name)
		for _, suffix := range []string{"", ".br", ".gz"} {
			assert.FileExists(t, filepath.Join(out, name+suffix))
		}
		names = append(names[:len(names)-1], name, names[len(names)-1])
	}

	// The service worker lists every hashed file, and the page.
	sw, err := os.ReadFile(filepath.Join(out, "sw.js"))
	require.NoError(t, err)
	for _, name := range append([]string{`"./"`, "manifest.webmanifest", "icon-192.png", "icon-512.png"}, names[1:len(names)-1]...) {
		assert.Contains(t, string(sw), name)
	}
}

func TestRewriteIndexWantsEveryReference(t *testing.T) {
	_, err := rewriteIndex(`<head></head><script src="wasm_exec.js"></script><script src="loader.js"></script>`, map[string]string{}, "{}")
	assert.ErrorContains(t, err, `href="style.css"`)
}

func TestEmbedOverlay(t *testing.T) {
	dist := t.TempDir()
	for _, name := range []string{"index.html", "index.html.br", "portplay.1234abcd.wasm"} {
		require.NoError(t, os.WriteFile(filepath.Join(dist, name), []byte(name), 0o644))
	}
	target := t.TempDir()
	out := filepath.Join(t.TempDir(), "overlay.json")
	require.NoError(t, EmbedOverlay(dist, target, out))
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	var got struct{ Replace map[string]string }
	require.NoError(t, json.Unmarshal(data, &got))
	assert.Equal(t, map[string]string{
		filepath.Join(target, "index.html"):             filepath.Join(dist, "index.html"),
		filepath.Join(target, "index.html.br"):          filepath.Join(dist, "index.html.br"),
		filepath.Join(target, "portplay.1234abcd.wasm"): filepath.Join(dist, "portplay.1234abcd.wasm"),
	}, got.Replace)

	require.NoError(t, os.Remove(filepath.Join(dist, "index.html")))
	assert.ErrorContains(t, EmbedOverlay(dist, target, out), "has no index.html: build it with `make dist`")
	require.NoError(t, os.Mkdir(filepath.Join(dist, "sub"), 0o755))
	assert.ErrorContains(t, EmbedOverlay(dist, target, out), "a bundle has no folders, found sub")
	assert.Error(t, EmbedOverlay(filepath.Join(dist, "missing"), target, out))
}
