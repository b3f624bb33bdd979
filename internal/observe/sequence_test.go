package observe

import (
	"errors"
	"math/rand/v2"
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
)

func TestCompare(t *testing.T) {
	sys := SystemRange{Range: highRange, Source: "test"}
	mac := macOSPorts(50000, 24, highRange, nil)
	k := Sample{First: mac[:16], Second: mac[16:], BindPlain: false, BindReuse: true}
	props := Compare(k, k, sys)
	assert.Empty(t, Differ(props))
	require.Len(t, props, 6)
	var keys []string
	for _, p := range props {
		keys = append(keys, p.Key)
	}
	assert.Equal(t, []string{KeyInside, KeyOrder, KeyContinues, KeyShared, KeyBind, KeyBindReuse}, keys, "a front end words each by its key")
	assert.NotEmpty(t, props[3].NotObserved, "sharing needs the whole range used up")
	assert.False(t, props[3].Match)

	e := k
	e.First = freeBSDPorts(rand.New(rand.NewPCG(7, 8)), 16, highRange)
	e.BindReuse = false
	props = Compare(k, e, sys)
	assert.Equal(t, []string{"order of the ports toward one destination", "a second destination continues the same count",
		"closed first: its port bound again at once with SO_REUSEADDR"}, Differ(props))
	assert.Equal(t, "climbing by one", props[1].Kernel)
	assert.Equal(t, "random", props[1].Engine)

	k.First = append(k.First, 1000)
	props = Compare(k, k, SystemRange{Range: highRange, Inferred: true})
	assert.Equal(t, "no", props[0].Kernel)
	assert.Contains(t, props[0].Name, "the assumed range 49152-65535")
}

func TestProfileFor(t *testing.T) {
	for goos, want := range map[string]string{"linux": "linux", "darwin": "macos", "windows": "windows", "freebsd": "freebsd"} {
		p, err := ProfileFor(goos)
		require.NoError(t, err)
		assert.Equal(t, want, p.Name)
	}
	_, err := ProfileFor("plan9")
	assert.ErrorIs(t, err, ErrUnsupported)
	assert.ErrorContains(t, err, "plan9")
}

func TestObserveBounds(t *testing.T) {
	p, err := engine.ProfileByName("linux")
	require.NoError(t, err)
	for _, n := range [][2]int{{MinPorts - 1, 1}, {MaxFirst + 1, 1}, {MinPorts, 0}, {MinPorts, MaxSecond + 1}} {
		_, err := Observe(p, n[0], n[1])
		assert.Error(t, err, n)
	}
}

// The real thing on this machine, on loopback: ordinary sockets, and
// the kernel reads as its profile. One retry: a busy machine may take a
// run of ports between ours.
func TestObserveThisComputer(t *testing.T) {
	p, err := ProfileFor(runtime.GOOS)
	if errors.Is(err, ErrUnsupported) {
		t.Skip(err)
	}
	require.NoError(t, err)
	r, err := Observe(p, DefaultFirst, DefaultSecond)
	require.NoError(t, err)
	if !r.Match {
		t.Logf("differs, trying again: %+v", r.Props)
		r, err = Observe(p, DefaultFirst, DefaultSecond)
		require.NoError(t, err)
	}
	assert.Len(t, r.Kernel.First, DefaultFirst)
	assert.Len(t, r.Kernel.Second, DefaultSecond)
	assert.Equal(t, r.System, r.Range.String())
	if runtime.GOOS == "linux" {
		assert.Regexp(t, `^Linux \d+\.\d+`, r.Version)
	}
	if runtime.GOOS == "linux" {
		assert.True(t, r.Match, "%+v", r.Props)
		assert.Equal(t, string(Parity), r.Props[1].Kernel)
		assert.False(t, r.Kernel.BindPlain, "the TIME_WAIT holds the port")
	}
	// Every listener is closed at the end: nothing answers there now.
	for _, d := range r.Dests {
		c, err := net.Dial("tcp4", d)
		if err == nil {
			c.Close()
		}
		assert.Error(t, err, d)
	}
}

// Bind sets SO_REUSEADDR as asked: a server's port whose accepted
// connection the server closed first is in TIME_WAIT from a socket with
// SO_REUSEADDR (Go sets it on Unix listeners), so a bind with it is
// allowed and one without is refused, on Linux (inet_bind_conflict) as on
// the BSDs (in_pcbbind).
func TestKernelBindHonoursReuseAddr(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("Unix listeners only")
	}
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	c, err := net.Dial("tcp4", l.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	sc, err := l.Accept()
	require.NoError(t, err)
	require.NoError(t, l.Close())
	require.NoError(t, sc.Close()) // the server closes first
	_, err = c.Read(make([]byte, 1))
	require.Error(t, err, "the server's FIN")
	require.NoError(t, c.Close())
	time.Sleep(50 * time.Millisecond)

	s := &kernelStack{}
	ok, err := s.Bind(port, false)
	require.NoError(t, err)
	assert.False(t, ok, "the TIME_WAIT holds the port")
	ok, err = s.Bind(port, true)
	require.NoError(t, err)
	assert.True(t, ok, "both sockets set SO_REUSEADDR")
}
