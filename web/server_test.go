package web

import (
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeGzip(t *testing.T, name string, data []byte) {
	f, err := os.Create(name)
	require.NoError(t, err)
	zw := gzip.NewWriter(f)
	_, err = zw.Write(data)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	require.NoError(t, f.Close())
}

// get sends one request through a bare transport, so Go neither adds
// Accept-Encoding itself nor decompresses transparently.
func get(t *testing.T, url string, header map[string]string) *http.Response {
	req, err := http.NewRequest("GET", url, nil)
	require.NoError(t, err)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// fixture is a served folder: a wasm with both precompressed variants, one
// with gzip only, one with none, a hashed name, and folders with and
// without an index.html. The .br file is not real brotli: the handler
// never looks inside, and the test tells the variants apart by content.
func fixture(t *testing.T) (dir string, wasm []byte) {
	dir = t.TempDir()
	wasm = []byte("\x00asm\x01\x00\x00\x00 pretend this is a large module")
	write := func(name, data string) {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644))
	}
	write("portplay.wasm", string(wasm))
	writeGzip(t, filepath.Join(dir, "portplay.wasm.gz"), wasm)
	write("portplay.wasm.br", "BROTLI")
	write("gzonly.wasm", string(wasm))
	writeGzip(t, filepath.Join(dir, "gzonly.wasm.gz"), wasm)
	write("plain.wasm", string(wasm))
	write("app.3f2a9c1d.js", "console.log(1)")
	write("index.html", "<!DOCTYPE html>hi")
	write("sub/index.html", "<!DOCTYPE html>sub")
	write("empty/x.txt", "x")
	return dir, wasm
}

// memFS reads every file under dir into an fstest.MapFS, whose files
// seek like an embed.FS's.
func memFS(t *testing.T, dir string) fstest.MapFS {
	m := fstest.MapFS{}
	require.NoError(t, fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(filepath.Join(dir, p))
		m[p] = &fstest.MapFile{Data: data}
		return err
	}))
	return m
}

func TestHandler(t *testing.T) {
	dir, wasm := fixture(t)
	const immutable = "public, max-age=31536000, immutable"
	tests := []struct {
		name, path, acceptEncoding string
		wantStatus                 int
		wantType, wantEncoding     string
		wantCache                  string
		wantBody                   string // "" for the wasm, decoded
	}{
		{"br preferred", "/portplay.wasm", "gzip, deflate, br", 200, "application/wasm", "br", "no-cache", "BROTLI"},
		{"gzip when br is refused", "/portplay.wasm", "gzip, br;q=0", 200, "application/wasm", "gzip", "no-cache", ""},
		{"gzip by higher q", "/portplay.wasm", "br;q=0.5, gzip;q=0.9", 200, "application/wasm", "gzip", "no-cache", ""},
		{"br by equal q", "/portplay.wasm", "gzip;q=0.5, br;q=0.5", 200, "application/wasm", "br", "no-cache", "BROTLI"},
		{"star", "/portplay.wasm", "*", 200, "application/wasm", "br", "no-cache", "BROTLI"},
		{"star refused, gzip named", "/portplay.wasm", "gzip, *;q=0", 200, "application/wasm", "gzip", "no-cache", ""},
		{"only gzip on disk", "/gzonly.wasm", "br, gzip", 200, "application/wasm", "gzip", "no-cache", ""},
		{"gzip refused", "/portplay.wasm", "gzip;q=0", 200, "application/wasm", "", "no-cache", ""},
		{"malformed q", "/portplay.wasm", "br;q=x, gzip;q=2", 200, "application/wasm", "", "no-cache", ""},
		{"no Accept-Encoding", "/portplay.wasm", "", 200, "application/wasm", "", "no-cache", ""},
		{"nothing precompressed", "/plain.wasm", "br, gzip", 200, "application/wasm", "", "no-cache", ""},
		{"hashed name is immutable", "/app.3f2a9c1d.js", "", 200, "text/javascript; charset=utf-8", "", immutable, "console.log(1)"},
		{"index", "/", "gzip", 200, "text/html; charset=utf-8", "", "no-cache", "<!DOCTYPE html>hi"},
		{"index by name", "/index.html", "", 200, "text/html; charset=utf-8", "", "no-cache", "<!DOCTYPE html>hi"},
		{"folder with an index", "/sub/", "", 200, "text/html; charset=utf-8", "", "no-cache", "<!DOCTYPE html>sub"},
		{"folder without a slash", "/sub", "", 301, "", "", "", ""},
		{"folder without an index is not listed", "/empty/", "", 404, "", "", "", ""},
		{"missing file", "/nope.js", "gzip", 404, "", "", "", ""},
		{"dot-dot", "/../../etc/passwd", "", 404, "", "", "", ""},
		{"dot-dot inside", "/sub/../../etc/passwd", "", 404, "", "", "", ""},
		{"encoded dot-dot", "/%2e%2e/%2e%2e/etc/passwd", "", 404, "", "", "", ""},
		{"encoded slash and dot-dot", "/..%2f..%2fetc/passwd", "", 404, "", "", "", ""},
		{"backslashes", `/..\..\etc\passwd`, "", 404, "", "", "", ""},
		{"encoded backslashes", "/..%5c..%5cetc%5cpasswd", "", 404, "", "", "", ""},
		{"NUL", "/index.html%00", "", 404, "", "", "", ""},
	}
	// The same files from a folder (make serve) and from memory, as the
	// classroom server's embed.FS holds them.
	for _, h := range []struct {
		name    string
		handler http.Handler
	}{{"folder", Handler(dir)}, {"in memory", HandlerFS(memFS(t, dir))}} {
		srv := httptest.NewServer(h.handler)
		defer srv.Close()
		for _, tc := range tests {
			t.Run(h.name+"/"+tc.name, func(t *testing.T) {
				resp := get(t, srv.URL+tc.path, map[string]string{"Accept-Encoding": tc.acceptEncoding})
				require.Equal(t, tc.wantStatus, resp.StatusCode)
				if tc.wantStatus == 301 {
					assert.Equal(t, "sub/", resp.Header.Get("Location"))
				}
				if tc.wantStatus != 200 {
					return
				}
				assert.Equal(t, tc.wantType, resp.Header.Get("Content-Type"))
				assert.Equal(t, tc.wantEncoding, resp.Header.Get("Content-Encoding"))
				assert.Equal(t, tc.wantCache, resp.Header.Get("Cache-Control"))
				assert.Equal(t, "Accept-Encoding", resp.Header.Get("Vary"))
				assert.Regexp(t, `^"[0-9a-f]{32}"$`, resp.Header.Get("ETag"))
				if tc.wantEncoding != "" {
					assert.Equal(t, strconv.Itoa(len(wasm)), resp.Header.Get("X-Raw-Length"))
				} else {
					assert.Empty(t, resp.Header.Get("X-Raw-Length"))
				}
				var body io.Reader = resp.Body
				if tc.wantEncoding == "gzip" {
					zr, err := gzip.NewReader(resp.Body)
					require.NoError(t, err)
					body = zr
				}
				got, err := io.ReadAll(body)
				require.NoError(t, err)
				if tc.wantBody == "" {
					assert.Equal(t, wasm, got)
				} else {
					assert.Equal(t, tc.wantBody, string(got))
				}
			})
		}
	}
}

// TestHandlerETag checks that each variant has its own strong ETag, that
// If-None-Match gives 304 with no body, and that a rewritten file gets a
// new ETag without restarting the handler.
func TestHandlerETag(t *testing.T) {
	dir, _ := fixture(t)
	srv := httptest.NewServer(Handler(dir))
	defer srv.Close()
	url := srv.URL + "/portplay.wasm"
	tag := func(enc string) string {
		resp := get(t, url, map[string]string{"Accept-Encoding": enc})
		require.Equal(t, 200, resp.StatusCode)
		return resp.Header.Get("ETag")
	}
	br, gz, id := tag("br"), tag("gzip"), tag("")
	assert.NotEqual(t, br, gz)
	assert.NotEqual(t, gz, id)
	assert.Equal(t, br, tag("br"), "an ETag is stable")

	tests := []struct {
		name, enc, ifNoneMatch string
		want                   int
	}{
		{"br matches", "br", br, 304},
		{"gzip matches", "gzip", gz, 304},
		{"identity matches", "", id, 304},
		{"one of a list", "br", `"other", ` + br, 304},
		{"star", "br", "*", 304},
		{"another variant's tag", "br", gz, 200},
		{"weak form of the tag", "br", "W/" + br, 304}, // If-None-Match compares weakly (RFC 9110 13.1.2)
		{"stale", "br", `"0000"`, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := get(t, url, map[string]string{"Accept-Encoding": tc.enc, "If-None-Match": tc.ifNoneMatch})
			assert.Equal(t, tc.want, resp.StatusCode)
			if tc.want == 304 {
				b, err := io.ReadAll(resp.Body)
				require.NoError(t, err)
				assert.Empty(t, b)
				assert.NotEmpty(t, resp.Header.Get("ETag"))
			}
		})
	}

	require.NoError(t, os.WriteFile(filepath.Join(dir, "portplay.wasm.br"), []byte("BROTLI, rebuilt"), 0o644))
	assert.NotEqual(t, br, tag("br"), "a rebuilt file gets a new ETag")
}
