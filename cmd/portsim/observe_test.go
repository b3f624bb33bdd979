package main

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/internal/observe"
)

// portsim observe on this machine's kernel (the test machines run Linux
// 6.x): every property matches, within the time bound. One retry, since
// another process on the machine may hold a port of the range for a
// moment.
func TestObserveMatchesThisKernel(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the IP_LOCAL_PORT_RANGE run is Linux's; TestObservePortable covers the others")
	}
	// A busy machine can hold a port of the range, or stretch the 1.1 s
	// wait of the TIME_WAIT check: a run that differs is tried again, at
	// most twice, and one that matches is what counts.
	observe := func(args ...string) result {
		r := portsim(t, "", args...)
		for i := 0; i < 2 && r.code == exitFailed; i++ {
			t.Logf("run %d differed, trying again:\n%s%s", i+1, r.stdout, r.stderr)
			r = portsim(t, "", args...)
		}
		return r
	}
	r := observe("observe")
	require.NotEqual(t, exitUnsupported, r.code, "this kernel lacks IP_LOCAL_PORT_RANGE: %s", r.stderr)
	assert.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.NotContains(t, r.stdout, "DIFFERS")
	assert.Contains(t, r.stdout, "connects before EADDRNOTAVAIL, per destination")

	r = observe("observe", "--json", "--range", "40000-40015", "--dests", "3")
	require.Equal(t, exitOK, r.code, r.stderr)
	var out struct {
		Kernel     observation `json:"kernel"`
		Properties []property  `json:"properties"`
		Match      bool        `json:"match"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &out))
	assert.True(t, out.Match)
	assert.Equal(t, []int{16, 16, 16}, out.Kernel.PerDest, "every destination gets the whole 16-port range")
	assert.Equal(t, 15, out.Kernel.BoundCount, "the bind(0) port is held: one of the 16 fewer")
}

func TestObserveBadFlags(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("observe runs on Linux only")
	}
	for _, tc := range []struct{ args, want string }{
		{"--range 1-5", "inside this machine's ip_local_port_range"},
		{"--range 40000-40100", "want 8 to 64 ports"},
		{"--range 40000-40006", "want 8 to 64 ports"},
		{"--count 0", "--count 0: want a whole number from 1 to 65"},
		{"--dests 9", "--dests 9: want a whole number from 1 to 4"},
		{"extra", `unexpected argument "extra"`},
	} {
		r := portsim(t, "", append([]string{"observe"}, strings.Fields(tc.args)...)...)
		assert.Equal(t, exitBadArgs, r.code, tc.args)
		assert.Contains(t, r.stderr, tc.want, tc.args)
	}
}

// The run with ordinary sockets, as on macOS and Windows, here for real:
// this kernel reads as its profile, and as no other.
func TestObservePortable(t *testing.T) {
	own, err := observe.ProfileFor(runtime.GOOS)
	if err != nil {
		t.Skip(err)
	}
	args := []string{"observe", "--json"}
	if runtime.GOOS == "linux" {
		args = append(args, "--portable")
	}
	r := portsim(t, "", args...)
	if r.code == exitFailed { // a busy machine took a run of ports between ours
		t.Logf("differed, trying again:\n%s%s", r.stdout, r.stderr)
		r = portsim(t, "", args...)
	}
	var out struct {
		Method     string `json:"method"`
		Profile    string `json:"profile"`
		Kernel     observe.Sample
		Properties []property `json:"properties"`
		Match      bool       `json:"match"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &out), r.stdout+r.stderr)
	assert.Equal(t, "ordinary sockets", out.Method)
	assert.Equal(t, own.Name, out.Profile)
	assert.Len(t, out.Kernel.First, observe.DefaultFirst)
	if runtime.GOOS != "linux" {
		return // the model of this OS is what is being checked
	}
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.True(t, out.Match, "%+v", out.Properties)

	r = portsim(t, "", "observe", "--profile", "macos", "--count", "16")
	assert.Equal(t, exitFailed, r.code, r.stderr)
	assert.Contains(t, r.stdout, "DIFFERS")
	assert.Contains(t, r.stdout, "not observed: seen only once the range's")
	assert.Contains(t, r.stderr, "differ from the macos profile: order of the ports toward one destination; ")
	assert.NotContains(t, r.stderr, "may be wrong", "macos is not this OS's profile")
}

func TestObservePortableBadFlags(t *testing.T) {
	for _, tc := range []struct{ args, want string }{
		{"--portable --range 40000-40004", "--range and --dests are for the IP_LOCAL_PORT_RANGE run"},
		{"--profile windows --dests 2", "(--profile windows)"},
		{"--portable --count 7", "--count 7: want a whole number from 8 to 128 with ordinary sockets"},
		{"--portable --count 129", "--count 129: want"},
		{"--profile beos", `--profile beos: unknown profile "beos"`},
	} {
		r := portsim(t, "", append([]string{"observe"}, strings.Fields(tc.args)...)...)
		assert.Equal(t, exitBadArgs, r.code, tc.args)
		assert.Contains(t, r.stderr, tc.want, tc.args)
	}
}

// The structural checks, on sequences made up to show each case.
func TestObserveProperties(t *testing.T) {
	r := engine.Range{Lo: 100, Hi: 105}
	assert.True(t, parityFirst([]int{100, 102, 104, 101, 103, 105}, r))
	assert.False(t, parityFirst([]int{101, 100, 102}, r))
	assert.False(t, jittered([]int{104, 105, 100, 101}, r), "+1 each time, wrapping")
	assert.True(t, jittered([]int{104, 100, 101}, r))

	// Over destinations: one that breaks parity or varies its steps decides.
	even, plusOne := []int{100, 102, 104, 101, 103, 105}, []int{103, 104, 105, 100, 101, 102}
	for _, tc := range []struct {
		picks           [][]int
		parity, varying bool
	}{
		{[][]int{even, even}, true, true},
		{[][]int{even, plusOne}, false, true},
		{[][]int{plusOne, plusOne}, false, false},
		{nil, false, false},
	} {
		parity, varying := order(tc.picks, r)
		assert.Equal(t, tc.parity, parity, "%v", tc.picks)
		assert.Equal(t, tc.varying, varying, "%v", tc.picks)
	}
	e := observation{PerDest: []int{6, 6}}
	k := observation{PerDest: []int{6, 5}}
	props := compare(k, e)
	assert.False(t, props[0].Match)
	assert.True(t, props[2].Match)
}
