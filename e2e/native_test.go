//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
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

// xdo runs xdotool on display and returns what it printed.
func xdo(t *testing.T, display string) func(args ...string) string {
	xdotool, err := exec.LookPath("xdotool")
	require.NoError(t, err, "xdotool is missing: run scripts/deps.sh (make test does)")
	return func(args ...string) string {
		cmd := exec.Command(xdotool, args...)
		cmd.Env = append(os.Environ(), "DISPLAY="+display)
		b, _ := cmd.CombinedOutput()
		return strings.TrimSpace(string(b))
	}
}

// awaitWindow waits for the app's window and puts the pointer over it:
// with no window manager, keys go to the window under the pointer.
func awaitWindow(t *testing.T, x func(args ...string) string) {
	deadline := time.Now().Add(time.Minute)
	for x("search", "--name", "Portplay") == "" {
		require.True(t, time.Now().Before(deadline), "the window never appeared")
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	x("mousemove", "640", "360")
}

// press types key as a person does.
func press(x func(args ...string) string, key string) {
	x("keydown", key)
	time.Sleep(150 * time.Millisecond)
	x("keyup", key)
	time.Sleep(100 * time.Millisecond)
}

// TestNativeKeyboard types into the real window (xdotool, through the X
// server) and reads back what the app did.
func TestNativeKeyboard(t *testing.T) {
	display := startXvfb(t)
	x := xdo(t, display)
	typeKeys := func() {
		awaitWindow(t, x)
		for _, k := range []string{"5", "space", "Right", "Right", "Right", "Left", "equal", "equal", "slash"} {
			press(x, k)
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

// TestNativePresenterNotes: in the real window, presenter mode takes the
// narration off the picture and N shows it to the presenter in a panel.
func TestNativePresenterNotes(t *testing.T) {
	display := startXvfb(t)
	x := xdo(t, display)
	typeKeys := func() {
		awaitWindow(t, x)
		for _, k := range []string{"3", "m", "Next", "n"} {
			press(x, k)
		}
	}
	shot := filepath.Join(shotDir, "native-notes.png")
	_, st := runNative(t, display, typeKeys, "-seed", "7", "-paused", "1", "-screenshot", shot, "-frames", "400")
	assert.Equal(t, 3, st.Scene)
	assert.True(t, st.Presenter, "M: presenter mode")
	assert.Equal(t, 1, st.Step, "PageDown: the next step")
	assert.True(t, st.Notes, "N: the notes panel")
	assert.Empty(t, st.Problems)
}

func TestNativeRejectsBadFlags(t *testing.T) {
	out, err := exec.Command(nativeApp, "-frames", "0").CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	assert.Equal(t, 2, exit.ExitCode())
	assert.Contains(t, string(out), "-frames 0")
}

// cpuTime is the CPU time (user and system) process pid has used so far,
// from /proc/PID/stat: the process's own account, threads included.
func cpuTime(t *testing.T, pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	require.NoError(t, err)
	// Fields after the command name, which is in parentheses: state is
	// the first, utime the 12th and stime the 13th (in clock ticks).
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	require.Greater(t, len(f), 13)
	ticks := 0
	for _, v := range f[11:13] {
		n, err := strconv.Atoi(v)
		require.NoError(t, err)
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicks
}

// clockTicks is Linux's USER_HZ, the unit of /proc's CPU times: 100 on
// every architecture Go supports.
const clockTicks = 100

// TestNativeIdleCostsNothing measures the app's own CPU time playing scene
// 2 and paused on it, in the same run: paused, it draws no frames, so it
// must cost under 5% of one core; a key then still wakes it at once.
func TestNativeIdleCostsNothing(t *testing.T) {
	display := startXvfb(t)
	x := xdo(t, display)
	cmd := exec.Command(nativeApp, "-scene", "2", "-seed", "7")
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "XDG_CONFIG_HOME="+t.TempDir())
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	awaitWindow(t, x)
	pid := cmd.Process.Pid
	// cores is the CPU the app uses over window, in cores.
	cores := func(window time.Duration) float64 {
		before := cpuTime(t, pid)
		time.Sleep(window)
		return float64(cpuTime(t, pid)-before) / float64(window)
	}
	const window = 3 * time.Second
	playing := cores(window)
	press(x, "space")
	paused := cores(window)
	press(x, "space")
	woken := cores(window)
	report := fmt.Sprintf("native app under Xvfb (software GL), CPU time in cores: playing scene 2 %.3f, paused %.3f (ratio %.3f), playing again after a key %.3f",
		playing, paused, paused/playing, woken)
	t.Log(report)
	assert.Less(t, paused, 0.05, "a paused scene uses under 5%% of one core: %s", report)
	assert.Greater(t, playing, 10*paused, "playing costs what drawing every frame costs: %s", report)
	assert.Greater(t, woken, 10*paused, "Space woke the paused app and it plays again: %s", report)
}
