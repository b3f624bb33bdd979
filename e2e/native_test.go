//go:build e2e

package e2e

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startXvfb starts a virtual X server on a display number it picks itself
// (-displayfd), so the test never collides with another X server.
func startXvfb(t *testing.T) string {
	path, err := exec.LookPath("Xvfb")
	require.NoError(t, err, "Xvfb is missing: run scripts/deps.sh (make test does)")
	r, w, err := os.Pipe()
	require.NoError(t, err)
	cmd := exec.Command(path, "-displayfd", "3", "-screen", "0", "1280x720x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	require.NoError(t, cmd.Start())
	w.Close()
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case n := <-line:
		require.NotEmpty(t, n, "Xvfb did not report its display")
		return ":" + n
	case <-time.After(30 * time.Second):
		t.Fatal("Xvfb did not start within 30 s")
	}
	return ""
}

func TestNativeWindowUnderXvfb(t *testing.T) {
	display := startXvfb(t)
	shot := filepath.Join(shotDir, "native-ports80.png")
	os.Remove(shot)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, nativeApp, "-seed", "7", "-screenshot", shot, "-frames", "30")
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "portplay under Xvfb: %s", out)

	png, err := os.ReadFile(shot)
	require.NoError(t, err)
	size := imageSize(t, png)
	assert.Equal(t, 1280, size.X)
	assert.Equal(t, 720, size.Y)
	ink, colours := inkStats(t, png, background)
	assert.Greater(t, ink, 0.10, "the window is (nearly) blank")
	assert.Greater(t, colours, 20, "the window has almost no detail")
}

func TestNativeRejectsBadFlags(t *testing.T) {
	out, err := exec.Command(nativeApp, "-frames", "0").CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	assert.Equal(t, 2, exit.ExitCode())
	assert.Contains(t, string(out), "-frames 0")
}
