//go:build e2e

package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/game"
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

// runNative runs the app under display with args, which include
// -screenshot FILE; it returns the screenshot and the status saved with it.
func runNative(t *testing.T, display string, during func(), args ...string) ([]byte, game.Status) {
	t.Helper()
	i := slices.Index(args, "-screenshot")
	require.GreaterOrEqual(t, i, 0)
	shot := args[i+1]
	os.Remove(shot)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, nativeApp, args...)
	// Progress is saved under the config directory: a fresh one per run.
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "XDG_CONFIG_HOME="+t.TempDir())
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	if during != nil {
		during()
	}
	require.NoError(t, cmd.Wait(), "portplay under Xvfb: %s", out.String())

	png, err := os.ReadFile(shot)
	require.NoError(t, err)
	size := imageSize(t, png)
	assert.Equal(t, 1280, size.X)
	assert.Equal(t, 720, size.Y)
	ink, colours := inkStats(t, png, background)
	assert.Greater(t, ink, 0.10, "the window is (nearly) blank")
	assert.Greater(t, colours, 20, "the window has almost no detail")
	js, err := os.ReadFile(shot + ".json")
	require.NoError(t, err)
	var st game.Status
	require.NoError(t, json.Unmarshal(js, &st))
	return png, st
}

func TestNativeVisitsEveryScene(t *testing.T) {
	display := startXvfb(t)
	for n := 1; n <= len(catalogue(t).Lessons); n++ {
		t.Run(fmt.Sprintf("scene %d", n), func(t *testing.T) {
			shot := filepath.Join(shotDir, fmt.Sprintf("native-scene-%d.png", n))
			_, st := runNative(t, display, nil, "-scene", fmt.Sprint(n), "-seed", "7", "-speed", "4", "-screenshot", shot, "-frames", "90")
			assert.Equal(t, n, st.Scene)
			assert.Empty(t, st.Problems)
			assert.Positive(t, st.Time, "time runs")
		})
	}
}

// TestNativeKeyboard types into the real window (xdotool, through the X
// server) and reads back what the app did.
func TestNativeKeyboard(t *testing.T) {
	display := startXvfb(t)
	xdotool, err := exec.LookPath("xdotool")
	require.NoError(t, err, "xdotool is missing: run scripts/deps.sh (make test does)")
	x := func(args ...string) string {
		cmd := exec.Command(xdotool, args...)
		cmd.Env = append(os.Environ(), "DISPLAY="+display)
		b, _ := cmd.CombinedOutput()
		return strings.TrimSpace(string(b))
	}
	typeKeys := func() {
		deadline := time.Now().Add(time.Minute)
		for x("search", "--name", "Portplay") == "" {
			require.True(t, time.Now().Before(deadline), "the window never appeared")
			time.Sleep(200 * time.Millisecond)
		}
		time.Sleep(500 * time.Millisecond)
		// No window manager: keys go to the window under the pointer.
		x("mousemove", "640", "360")
		for _, k := range []string{"5", "space", "Right", "Right", "Right", "Left", "equal", "equal", "slash"} {
			x("keydown", k)
			time.Sleep(150 * time.Millisecond)
			x("keyup", k)
			time.Sleep(100 * time.Millisecond)
		}
	}
	shot := filepath.Join(shotDir, "native-keyboard.png")
	_, st := runNative(t, display, typeKeys, "-seed", "7", "-paused", "1", "-screenshot", shot, "-frames", "600")
	assert.Equal(t, 5, st.Scene, "5 chose scene 5")
	assert.False(t, st.Playing, "space paused it, and steps keep it paused")
	assert.Equal(t, 4.0, st.Speed, "= twice: 1× to 4×")
	assert.True(t, st.Help, "? opened the help")
	assert.Positive(t, st.Time, "→ stepped forward")
	assert.Empty(t, st.Problems)
}

func TestNativeRejectsBadFlags(t *testing.T) {
	out, err := exec.Command(nativeApp, "-frames", "0").CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	assert.Equal(t, 2, exit.ExitCode())
	assert.Contains(t, string(out), "-frames 0")
}
