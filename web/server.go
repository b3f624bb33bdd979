// Package web holds the browser shell (index.html and its loader) and the
// small HTTP handler that serves it, used by `make serve` and by the
// browser end-to-end tests.
package web

import (
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// Handler serves the files under dir. It sets application/wasm for .wasm
// files (browsers refuse to stream-compile anything else) and, when the
// client accepts gzip and a precompressed NAME.gz sits next to NAME, sends
// that instead: Go's file server does not compress, and the wasm shrinks
// about fourfold. X-Raw-Length carries the uncompressed size so the loader
// can show real progress.
func Handler(dir string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := path.Clean("/" + r.URL.Path)
		if strings.HasSuffix(name, ".wasm") {
			w.Header().Set("Content-Type", "application/wasm")
		}
		// Always revalidate: after a rebuild, a cached old wasm would not
		// match the freshly copied wasm_exec.js.
		w.Header().Set("Cache-Control", "no-cache")
		if acceptsGzip(r) {
			raw := filepath.Join(dir, filepath.FromSlash(name))
			if st, err := os.Stat(raw); err == nil && !st.IsDir() {
				if gz, err := os.Open(raw + ".gz"); err == nil {
					defer gz.Close()
					if gst, err := gz.Stat(); err == nil {
						if w.Header().Get("Content-Type") == "" {
							w.Header().Set("Content-Type", contentType(name))
						}
						w.Header().Set("Content-Encoding", "gzip")
						w.Header().Set("Vary", "Accept-Encoding")
						w.Header().Set("X-Raw-Length", strconv.FormatInt(st.Size(), 10))
						http.ServeContent(w, r, name, gst.ModTime(), gz)
						return
					}
				}
			}
		}
		files.ServeHTTP(w, r)
	})
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) == "gzip" && strings.TrimSpace(q) != "q=0" {
			return true
		}
	}
	return false
}

func contentType(name string) string {
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}
