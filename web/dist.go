package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/andybalholm/brotli"

	"github.com/portplay/portplay/assets"
)

// The files of the bundle that get content-hashed names, in the order the
// service worker lists them. index.html refers to each by its plain name.
var hashedFiles = []string{"portplay.wasm", "wasm_exec.js", "loader.js", "style.css"}

// Sources are the files of src that BuildDist reads.
func Sources() []string {
	return slices.Concat([]string{"index.html", "notes.html"}, hashedFiles, phrasebookFiles())
}

// PhrasebookFile is the name language lang's catalogue has in the browser
// build (`make web` copies assets/i18n/LANG.json there). The wasm embeds
// English's alone: the page fetches another language's when the learner
// reads it (web/loader.js), under its hashed name in a bundle.
func PhrasebookFile(lang string) string { return "i18n-" + lang + ".json" }

// phrasebookFiles are the catalogues the page may fetch: every language's
// but English's.
func phrasebookFiles() []string {
	var out []string
	for _, l := range assets.Languages() {
		if l.Code != "en" {
			out = append(out, PhrasebookFile(l.Code))
		}
	}
	return out
}

// BuildDist writes the static bundle for any web host into out (emptied
// first) from src, a folder that `make web` has filled: index.html with
// content-hashed names (so a host may cache them for ever and a new deploy
// can never mix with an old one), a web app manifest, a service worker
// that keeps the bundle for offline use, and beside every file its .br and
// .gz for hosts (and Handler) that serve precompressed files. Every URL in
// it is relative, so the folder works from any path on any host.
//
// brotliLevel trades time for size: 11 (brotli.BestCompression, what
// `make dist` uses) takes about a minute for the wasm on a 2-core machine
// and saves 12% over 9, which takes seconds; the tests use a low level.
func BuildDist(src, out string, brotliLevel int) error {
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	hashed := map[string]string{}
	var files []string
	for _, name := range append(slices.Clone(hashedFiles), phrasebookFiles()...) {
		data, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			return fmt.Errorf("%w (run `make web` first)", err)
		}
		hashed[name] = hashName(name, data)
		files = append(files, hashed[name])
		if err := writeAll(out, hashed[name], data, brotliLevel); err != nil {
			return err
		}
	}
	index, err := os.ReadFile(filepath.Join(src, "index.html"))
	if err != nil {
		return err
	}
	html, err := rewriteIndex(string(index), hashed, phrasebooks(hashed))
	if err != nil {
		return err
	}
	if err := writeAll(out, "index.html", []byte(html), brotliLevel); err != nil {
		return err
	}
	// The presenter's notes page: self-contained, under its plain name
	// (the app opens it by that name), revalidated as index.html is.
	notes, err := os.ReadFile(filepath.Join(src, "notes.html"))
	if err != nil {
		return err
	}
	if err := writeAll(out, "notes.html", notes, brotliLevel); err != nil {
		return err
	}
	files = append(files, "notes.html")
	var icons []map[string]string
	for _, n := range iconSizes {
		name := fmt.Sprintf("icon-%d.png", n)
		if err := os.WriteFile(filepath.Join(out, name), icon(n), 0o644); err != nil {
			return err
		}
		icons = append(icons, map[string]string{"src": name, "sizes": fmt.Sprintf("%dx%d", n, n), "type": "image/png", "purpose": "any maskable"})
		files = append(files, name)
	}
	manifest, err := json.MarshalIndent(map[string]any{
		"icons":            icons,
		"name":             "Portplay: how port numbers work",
		"short_name":       "Portplay",
		"start_url":        "./",
		"scope":            "./",
		"display":          "standalone",
		"background_color": "#14161c",
		"theme_color":      "#14161c",
	}, "", "  ")
	if err != nil {
		return err
	}
	if err := writeAll(out, "manifest.webmanifest", manifest, brotliLevel); err != nil {
		return err
	}
	files = append(files, "manifest.webmanifest")
	return writeAll(out, "sw.js", []byte(serviceWorker(files)), brotliLevel)
}

// hashName puts the first eight hex digits of data's SHA-256 before name's
// extension: portplay.wasm becomes portplay.3f2a9c1d.wasm.
func hashName(name string, data []byte) string {
	sum := sha256.Sum256(data)
	ext := filepath.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
}

// phrasebooks is the data-i18n the loader reads: each language's
// catalogue by its hashed name, as JSON.
func phrasebooks(hashed map[string]string) string {
	m := map[string]string{}
	for _, l := range assets.Languages() {
		if name, ok := hashed[PhrasebookFile(l.Code)]; ok {
			m[l.Code] = name
		}
	}
	// A map of strings always marshals; json escapes <, > and &, and no
	// code or name holds a single quote: safe in the attribute as it is.
	b, _ := json.Marshal(m)
	return string(b)
}

// rewriteIndex points index.html at the hashed files, tells the loader the
// wasm's name, the service worker's and the phrasebooks' (i18n: JSON, in
// an attribute in single quotes), and links the manifest. Each
// reference must be found exactly once: an index.html edited so that one
// is missed would otherwise ship a bundle that loads unhashed names.
func rewriteIndex(html string, hashed map[string]string, i18n string) (string, error) {
	edits := []struct{ old, new string }{
		{`href="style.css"`, `href="` + hashed["style.css"] + `"`},
		{`src="wasm_exec.js"`, `src="` + hashed["wasm_exec.js"] + `"`},
		{`src="loader.js"`, `src="` + hashed["loader.js"] + `" data-wasm="` + hashed["portplay.wasm"] + `" data-sw="sw.js" data-i18n='` + i18n + `'`},
		{`href="data:,"`, `href="icon-192.png"`},
		{`</head>`, `<link rel="manifest" href="manifest.webmanifest">` + "\n</head>"},
	}
	for _, e := range edits {
		if n := strings.Count(html, e.old); n != 1 {
			return "", fmt.Errorf("index.html: want %s once, found it %d times", e.old, n)
		}
		html = strings.Replace(html, e.old, e.new, 1)
	}
	return html, nil
}

// writeAll writes name into dir with its .br and .gz beside it; gzip at
// its best compression, which costs about a second for the wasm.
func writeAll(dir, name string, data []byte, brotliLevel int) error {
	var br, gz bytes.Buffer
	bw := brotli.NewWriterLevel(&br, brotliLevel)
	if _, err := bw.Write(data); err != nil {
		return err
	}
	if err := bw.Close(); err != nil {
		return err
	}
	gw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := gw.Write(data); err != nil {
		return err
	}
	if err := gw.Close(); err != nil {
		return err
	}
	for _, f := range []struct {
		suffix string
		data   []byte
	}{{"", data}, {".br", br.Bytes()}, {".gz", gz.Bytes()}} {
		if err := os.WriteFile(filepath.Join(dir, name+f.suffix), f.data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// serviceWorker is sw.js for a bundle of files (relative to it). Its cache
// is named after the files' hashed names, so a new deploy installs a new
// cache and the old one is deleted when it takes over. The page itself
// goes to the network first and falls back to the cache only when the
// network fails, so a new deploy is picked up on the next load; the hashed
// files never change, so the cache answers them first.
func serviceWorker(files []string) string {
	sum := sha256.Sum256([]byte(strings.Join(files, "\n")))
	list, _ := json.Marshal(append([]string{"./"}, files...))
	return fmt.Sprintf(serviceWorkerJS, hex.EncodeToString(sum[:4]), list)
}

const serviceWorkerJS = `// Generated by cmd/dist (web/dist.go): keeps Portplay's bundle for offline use.
"use strict";
const CACHE = "portplay-%s";
const FILES = %s;
const INDEX = new URL("./", self.location).href;
// Class sessions (portplay-serve's /class/: the students' page, the
// room's events and votes) are live and not the app: straight to the
// server, never cached, and never kept as the app's page.
const CLASS = new URL("/class/", self.location).href;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith("portplay-") && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET" || !req.url.startsWith(self.registration.scope) || req.url.startsWith(CLASS)) return;
  if (req.mode === "navigate") {
    // The page, whatever its query: the network first, so a new deploy is
    // seen at once, and the last copy when offline.
    event.respondWith(fetch(req).then((resp) => {
      if (resp.ok) {
        const copy = resp.clone();
        caches.open(CACHE).then((c) => c.put(INDEX, copy));
      }
      return resp;
    }).catch(() => caches.match(INDEX).then((r) => r || Response.error())));
    return;
  }
  event.respondWith(caches.match(req).then((r) => r || fetch(req)));
});
`

// EmbedOverlay writes to out a `go build -overlay` file that lays every
// file of the bundle in dist over the folder target, so that a program
// embedding target (cmd/portplay-serve) is built with the bundle without
// copying build outputs into the source tree.
func EmbedOverlay(dist, target, out string) error {
	entries, err := os.ReadDir(dist)
	if err != nil {
		return err
	}
	replace := map[string]string{}
	for _, e := range entries {
		if e.IsDir() {
			return fmt.Errorf("%s: a bundle has no folders, found %s", dist, e.Name())
		}
		from, err := filepath.Abs(filepath.Join(dist, e.Name()))
		if err != nil {
			return err
		}
		to, err := filepath.Abs(filepath.Join(target, e.Name()))
		if err != nil {
			return err
		}
		replace[to] = from
	}
	if _, err := os.Stat(filepath.Join(dist, "index.html")); err != nil {
		return fmt.Errorf("%s has no index.html: build it with `make dist`", dist)
	}
	data, err := json.MarshalIndent(map[string]any{"Replace": replace}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(out, data, 0o644)
}
