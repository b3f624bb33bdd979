package web

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"

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

func TestHandler(t *testing.T) {
	dir := t.TempDir()
	wasm := []byte("\x00asm\x01\x00\x00\x00 pretend this is a large module")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "portplay.wasm"), wasm, 0o644))
	writeGzip(t, filepath.Join(dir, "portplay.wasm.gz"), wasm)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.html"), []byte("<!DOCTYPE html>hi"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "plain.wasm"), wasm, 0o644))

	tests := []struct {
		name, path, acceptEncoding string
		wantStatus                 int
		wantType, wantEncoding     string
		wantRawLength              string
	}{
		{"wasm, gzip accepted", "/portplay.wasm", "gzip, deflate, br", 200, "application/wasm", "gzip", strconv.Itoa(len(wasm))},
		{"wasm, gzip refused", "/portplay.wasm", "gzip;q=0", 200, "application/wasm", "", ""},
		{"wasm, no Accept-Encoding", "/portplay.wasm", "", 200, "application/wasm", "", ""},
		{"wasm without a .gz beside it", "/plain.wasm", "gzip", 200, "application/wasm", "", ""},
		{"index", "/", "gzip", 200, "text/html; charset=utf-8", "", ""},
		{"missing file", "/nope.js", "gzip", 404, "", "", ""},
		{"no escape from the folder", "/../../etc/passwd", "gzip", 404, "", "", ""},
	}
	srv := httptest.NewServer(Handler(dir))
	defer srv.Close()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest("GET", srv.URL+tc.path, nil)
			require.NoError(t, err)
			req.Header.Set("Accept-Encoding", tc.acceptEncoding)
			// A bare transport, so Go does not add gzip itself or
			// decompress transparently.
			resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			require.Equal(t, tc.wantStatus, resp.StatusCode)
			if tc.wantStatus != 200 {
				return
			}
			assert.Equal(t, tc.wantType, resp.Header.Get("Content-Type"))
			assert.Equal(t, tc.wantEncoding, resp.Header.Get("Content-Encoding"))
			assert.Equal(t, tc.wantRawLength, resp.Header.Get("X-Raw-Length"))
			var body io.Reader = resp.Body
			if tc.wantEncoding == "gzip" {
				zr, err := gzip.NewReader(resp.Body)
				require.NoError(t, err)
				body = zr
			}
			got, err := io.ReadAll(body)
			require.NoError(t, err)
			if tc.wantType == "application/wasm" {
				assert.Equal(t, wasm, got)
			}
		})
	}
}
