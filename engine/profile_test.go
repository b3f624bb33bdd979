package engine

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Facts a simulator must get right, 1: range sizes are inclusive; and each
// profile's cited defaults (facts/ports.md §2-§4).
func TestProfileDefaults(t *testing.T) {
	tests := []struct {
		name     string
		lo, hi   Port
		size     int
		timeWait time.Duration
		strategy Strategy
		udp      Strategy // Host.strategy(UDP)
	}{
		{"linux", 32768, 60999, 28232, 60 * time.Second, LinuxConnect, RandomStart}, // udp_lib_get_port
		{"linux-old", 32768, 61000, 28233, 60 * time.Second, LinuxHint, RandomStart},
		{"winxp", 1025, 5000, 3976, 240 * time.Second, Sequential, Sequential},
		{"windows", 49152, 65535, 16384, 240 * time.Second, RandomStart, RandomStart},
		{"freebsd", 10000, 65535, 55536, 60 * time.Second, RandomStart, RandomStart},
		// XNU in_pcbbind: tcp_use_randomport 0, udp_use_randomport 1
		{"macos", 49152, 65535, 16384, 30 * time.Second, Sequential, RandomStart},
		{"iana", 49152, 65535, 16384, 60 * time.Second, RandomStart, RandomStart},
	}
	var names []string
	for _, p := range Profiles() {
		names = append(names, p.Name)
	}
	require.Len(t, names, len(tests))
	for i, tc := range tests {
		assert.Equal(t, tc.name, names[i], "Profiles() order")
		p, err := ProfileByName(tc.name)
		require.NoError(t, err)
		assert.Equal(t, Range{tc.lo, tc.hi}, p.Ephemeral, tc.name)
		assert.Equal(t, tc.size, p.Ephemeral.Size(), tc.name)
		assert.Equal(t, tc.timeWait, p.TimeWait, tc.name)
		assert.Equal(t, tc.strategy, p.Connect, tc.name)
		assert.Equal(t, tc.udp, (&Host{prof: p}).strategy(UDP), tc.name)
		assert.NotEmpty(t, p.Title, tc.name)
		assert.NotEmpty(t, p.Note, tc.name)
	}
}

func TestProfileByNameUnknown(t *testing.T) {
	for _, name := range []string{"", "Linux", "solaris", "linux "} {
		_, err := ProfileByName(name)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), "linux, linux-old, winxp, windows, freebsd, macos, iana")
	}
}

func TestProfilesIsACopy(t *testing.T) {
	ps := Profiles()
	ps[0].Ephemeral = Range{1, 2}
	p, err := ProfileByName(ps[0].Name)
	require.NoError(t, err)
	assert.NotEqual(t, Range{1, 2}, p.Ephemeral)
}

func TestStrategyByName(t *testing.T) {
	for _, s := range Strategies {
		got, err := StrategyByName(s.String())
		require.NoError(t, err)
		assert.Equal(t, s, got)
	}
	_, err := StrategyByName("lottery")
	require.ErrorContains(t, err, "sequential, random-start, random-pick, linux-connect")
}

// A UDP autobind's strategy: Linux's is udp_lib_get_port's random start
// whatever its TCP strategy, macOS randomises UDP only, Windows XP's
// counter serves both.
func TestStrategyFor(t *testing.T) {
	tests := []struct {
		profile  string
		tcp, udp Strategy
	}{
		{"linux", LinuxConnect, RandomStart},
		{"linux-old", LinuxHint, RandomStart},
		{"macos", Sequential, RandomStart},
		{"winxp", Sequential, Sequential},
	}
	for _, tc := range tests {
		p, err := ProfileByName(tc.profile)
		require.NoError(t, err)
		assert.Equal(t, tc.tcp, p.StrategyFor(TCP), tc.profile)
		assert.Equal(t, tc.udp, p.StrategyFor(UDP), tc.profile)
	}
}
