// Package web holds the browser shell (index.html and its loader) and the
// small HTTP handler that serves it, used by `make serve` and by the
// browser end-to-end tests.
package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Handler serves the files under dir, and nothing outside it: no directory
// listings, no path that leaves dir.
//
// Compression is done ahead of time (Go's file server does none, and
// compressing a 15 MB wasm per request would cost more than the download):
// when NAME.br or NAME.gz sits beside NAME and the request's
// Accept-Encoding allows it, that file is sent, br before gzip at equal
// q-values, else NAME itself. X-Raw-Length carries the uncompressed size so
// the loader can show real progress.
//
// Every file gets a strong ETag (a hash of the bytes sent, computed once
// per file and kept until its size or modification time changes), so a
// revalidation costs a 304. Content-hashed names (portplay.3f2a9c1d.wasm,
// as `make dist` writes them) never change, so they are cached for a year;
// everything else, index.html above all, is revalidated on every use.
func Handler(dir string) http.Handler {
	return HandlerFS(rootFS(dir))
}

// HandlerFS is Handler over any file system whose files can seek, such as
// an embed.FS (the classroom server's bundle) or a folder. Files are sent
// from fsys as they are read, never copied into memory whole.
func HandlerFS(fsys fs.FS) http.Handler {
	return &handler{fsys: fsys, tags: map[tagKey]string{}}
}

// rootFS opens files inside a folder with os.OpenInRoot, which also
// refuses symlinks that lead out of it; a rebuilt file is seen at once.
type rootFS string

func (r rootFS) Open(name string) (fs.File, error) { return os.OpenInRoot(string(r), name) }

type handler struct {
	fsys fs.FS
	mu   sync.Mutex
	tags map[tagKey]string
}

// file is what the handler sends from: ServeContent needs to seek.
type file interface {
	fs.File
	io.ReadSeeker
}

// tagKey names one version of one file: a rebuilt file gets a new ETag
// without a restart.
type tagKey struct {
	name string
	mod  time.Time
	size int64
}

// hashedName matches a base name with a content hash before its extension,
// as `make dist` writes them: eight or more lowercase hex digits.
var hashedName = regexp.MustCompile(`\.[0-9a-f]{8,}\.[a-z0-9]+$`)

// encodings are the precompressed variants, in order of preference.
var encodings = []struct{ name, suffix string }{{"br", ".br"}, {"gzip", ".gz"}}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name, ok := cleanPath(r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	raw, st, err := h.open(name)
	if err == nil && st.IsDir() {
		raw.Close()
		// A folder is served by its index.html, never listed. Without the
		// trailing slash the page's relative URLs would resolve one level
		// up, so redirect first (relative, so a subpath host keeps working).
		if name != "" && !strings.HasSuffix(r.URL.Path, "/") {
			// (http.Redirect would make the Location absolute.)
			w.Header().Set("Location", path.Base(name)+"/")
			w.WriteHeader(http.StatusMovedPermanently)
			return
		}
		name = path.Join(name, "index.html")
		raw, st, err = h.open(name)
	}
	if err != nil || st.IsDir() {
		if err == nil {
			raw.Close()
		}
		http.NotFound(w, r)
		return
	}
	defer raw.Close()

	hdr := w.Header()
	hdr.Set("Content-Type", contentType(name))
	hdr.Set("Vary", "Accept-Encoding")
	if hashedName.MatchString(path.Base(name)) {
		hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hdr.Set("Cache-Control", "no-cache")
	}

	body, bst, encName := raw, st, ""
	accepted := parseAcceptEncoding(r.Header.Get("Accept-Encoding"))
	best := 0.0
	for _, enc := range encodings {
		q := accepted.q(enc.name)
		if q <= best {
			continue
		}
		f, fst, err := h.open(name + enc.suffix)
		if err != nil {
			continue
		}
		if fst.IsDir() {
			f.Close()
			continue
		}
		if body != raw {
			body.Close()
		}
		body, bst, encName, best = f, fst, enc.name, q
	}
	if body != raw {
		defer body.Close()
		hdr.Set("Content-Encoding", encName)
		hdr.Set("X-Raw-Length", strconv.FormatInt(st.Size(), 10))
	}
	tag, err := h.etag(name+encSuffix(encName), body, bst)
	if err != nil {
		http.Error(w, "read error", http.StatusInternalServerError)
		return
	}
	hdr.Set("ETag", tag)
	// ServeContent answers If-None-Match with 304 from the ETag above.
	http.ServeContent(w, r, name, bst.ModTime(), body)
}

func encSuffix(enc string) string {
	for _, e := range encodings {
		if e.name == enc {
			return e.suffix
		}
	}
	return ""
}

// cleanPath turns a URL path into a slash-separated name relative to the
// served folder ("" for the folder itself). It refuses any ".." element,
// backslash or NUL outright rather than cleaning them away, so that no
// spelling of a traversal (encoded or not) reaches the file system.
func cleanPath(p string) (string, bool) {
	if strings.ContainsAny(p, "\\\x00") {
		return "", false
	}
	for _, el := range strings.Split(p, "/") {
		if el == ".." {
			return "", false
		}
	}
	return strings.TrimPrefix(path.Clean("/"+p), "/"), true
}

// dirFile is a folder as open returns it: never read, only closed.
type dirFile struct{ fs.File }

func (dirFile) Seek(int64, int) (int64, error) { return 0, fs.ErrInvalid }

// open opens name in the served file system.
func (h *handler) open(name string) (file, fs.FileInfo, error) {
	if name == "" {
		name = "."
	}
	f, err := h.fsys.Open(name)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if st.IsDir() {
		// A folder is only closed again; it need not seek.
		return dirFile{f}, st, nil
	}
	rs, ok := f.(file)
	if !ok {
		f.Close()
		return nil, nil, fmt.Errorf("%s: cannot seek", name)
	}
	return rs, st, nil
}

// etag returns the strong ETag of f, hashing it only the first time this
// version of the file is served.
func (h *handler) etag(name string, f file, st fs.FileInfo) (string, error) {
	key := tagKey{name, st.ModTime(), st.Size()}
	h.mu.Lock()
	tag, ok := h.tags[key]
	h.mu.Unlock()
	if ok {
		return tag, nil
	}
	sum := sha256.New()
	if _, err := io.Copy(sum, f); err != nil {
		return "", err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	tag = `"` + hex.EncodeToString(sum.Sum(nil)[:16]) + `"`
	h.mu.Lock()
	h.tags[key] = tag
	h.mu.Unlock()
	return tag, nil
}

// acceptEncoding is a parsed Accept-Encoding header: each coding's q-value,
// and the q-value of "*" (-1 when absent).
type acceptEncoding struct {
	q0   map[string]float64
	star float64
}

func parseAcceptEncoding(s string) acceptEncoding {
	a := acceptEncoding{q0: map[string]float64{}, star: -1}
	for _, part := range strings.Split(s, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding == "" {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0 // a malformed q-value does not count as acceptance
				}
				q = f
			}
		}
		if coding == "*" {
			a.star = q
		} else {
			a.q0[coding] = q
		}
	}
	return a
}

// q is the q-value the client gave coding: its own, else "*"'s, else 0
// (a coding not named is not accepted).
func (a acceptEncoding) q(coding string) float64 {
	if q, ok := a.q0[coding]; ok {
		return q
	}
	if a.star >= 0 {
		return a.star
	}
	return 0
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".wasm":
		// Browsers stream-compile only what is served as application/wasm.
		return "application/wasm"
	case ".webmanifest":
		return "application/manifest+json"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}
