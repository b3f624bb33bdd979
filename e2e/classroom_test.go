//go:build e2e

package e2e

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/lesson"
)

// startClassroomServer runs portplay-serve (the bundle embedded) with
// args and returns the URL it printed and its process.
func startClassroomServer(t *testing.T, args ...string) (string, *os.Process) {
	cmd := exec.Command(serveApp, args...)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		lines <- line
		io.Copy(io.Discard, out)
	}()
	select {
	case line := <-lines:
		m := regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+/`).FindString(line)
		require.NotEmpty(t, m, "portplay-serve printed %q", line)
		return m, cmd.Process
	case <-time.After(30 * time.Second):
		t.Fatal("portplay-serve printed no URL")
		return "", nil
	}
}

// memKB reads a field (VmRSS, VmHWM) of a process's /proc status, in kB.
func memKB(t *testing.T, pid int, field string) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^` + field + `:\s+([0-9]+) kB`).FindSubmatch(b)
	require.NotNil(t, m, "no %s in /proc/%d/status", field, pid)
	n, err := strconv.Atoi(string(m[1]))
	require.NoError(t, err)
	return n
}

// TestClassroomServerLoad is a class opening Portplay at once: 40 clients,
// each with its own connections and no cache, load the whole bundle from
// portplay-serve as a browser does (asking for brotli); every file must arrive as the
// bytes of the bundle, and the server's memory must not grow with the
// number of clients: the peak resident size may grow by at most a quarter
// of what 40 copies of the compressed wasm would take, so a server that
// read the wasm into memory per request fails.
func TestClassroomServerLoad(t *testing.T) {
	const clients = 40
	url, proc := startClassroomServer(t, "-addr", "127.0.0.1:0")

	// The bundle as the browser fetches it: every file but the
	// precompressed copies, index.html as the folder itself; brotli where
	// the bundle has it (not for the PNG icons, already compressed).
	entries, err := os.ReadDir(distDir)
	require.NoError(t, err)
	type file struct {
		sum      [sha256.Size]byte
		encoding string
	}
	want := map[string]file{}
	var wasmBr int64
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, ".br") || strings.HasSuffix(name, ".gz") {
			continue
		}
		f := file{encoding: "br"}
		body, err := os.ReadFile(filepath.Join(distDir, name+".br"))
		if os.IsNotExist(err) {
			f.encoding = ""
			body, err = os.ReadFile(filepath.Join(distDir, name))
		}
		require.NoError(t, err)
		if strings.HasSuffix(name, ".wasm") {
			wasmBr = int64(len(body))
		}
		f.sum = sha256.Sum256(body)
		if name == "index.html" {
			name = ""
		}
		want[name] = f
	}
	require.Len(t, want, 10+len(lesson.LanguageCodes())-1, "index, wasm, wasm_exec, loader, style, manifest, two icons, service worker, the presenter's notes page, and each language's catalogue but English's (built in)")
	require.NotZero(t, wasmBr)

	before := memKB(t, proc.Pid, "VmRSS")
	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, clients*len(want))
	for range clients {
		wg.Go(func() {
			// A fresh transport: new connections, nothing cached.
			tr := &http.Transport{DisableCompression: true}
			defer tr.CloseIdleConnections()
			<-start
			for name, f := range want {
				req, err := http.NewRequest("GET", url+name, nil)
				if err != nil {
					errs <- err
					continue
				}
				req.Header.Set("Accept-Encoding", "gzip, deflate, br")
				resp, err := tr.RoundTrip(req)
				if err != nil {
					errs <- fmt.Errorf("/%s: %w", name, err)
					continue
				}
				h := sha256.New()
				_, err = io.Copy(h, resp.Body)
				resp.Body.Close()
				switch {
				case err != nil:
					errs <- fmt.Errorf("/%s: %w", name, err)
				case resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != f.encoding:
					errs <- fmt.Errorf("/%s: %s, Content-Encoding %q", name, resp.Status, resp.Header.Get("Content-Encoding"))
				case [sha256.Size]byte(h.Sum(nil)) != f.sum:
					errs <- fmt.Errorf("/%s: not the bundle's bytes", name)
				}
			}
		})
	}
	began := time.Now()
	close(start)
	wg.Wait()
	took := time.Since(began)
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	peak := memKB(t, proc.Pid, "VmHWM")
	growth := int64(peak-before) * 1024
	bound := clients * wasmBr / 4
	t.Logf("%d clients loaded the bundle (wasm %.1f MB brotli) in %v; the server's resident size went from %.1f MB to a peak of %.1f MB (+%.1f MB, bound %.1f MB)",
		clients, float64(wasmBr)/1e6, took.Round(time.Millisecond), float64(before)/1024, float64(peak)/1024, float64(growth)/1e6, float64(bound)/1e6)
	assert.Less(t, growth, bound, "the server's memory grew with the clients")
}

// TestClassroomServerBadFlags: a mistyped flag is a message and status 2,
// not a server on some other port.
func TestClassroomServerBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-addr", "localhost"}, {"-port", "80"}, {"-lan", "-addr", "10.1.1.1:80"}} {
		out, err := exec.Command(serveApp, args...).CombinedOutput()
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, "%v: %s", args, out)
		assert.Equal(t, 2, exit.ExitCode(), "%v", args)
		assert.Contains(t, string(out), "portplay-serve", "%v", args)
	}
}
