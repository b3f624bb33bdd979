package lesson

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ownRun builds the learner's own scenario src with the default settings.
func ownRun(t *testing.T, src string) *Run {
	t.Helper()
	r, err := NewRun(&Lesson{Source: src}, DefaultSettings())
	require.NoError(t, err)
	return r
}

// The answers worked out on a host of their own ask the OS of the run's
// first server, not its clients': a listen on :80 needs privilege where
// ports below 1024 are privileged (Linux, macOS, FreeBSD: EACCES,
// facts/ports.md §2 "Privileged ports"), not on Windows; a second listen
// on the same address and port is refused on every OS. A run without a
// server still gets an answer, from a host of the first client's OS.
// tcp_tw_reuse and SO_REUSEADDR's restart are the same everywhere.
func TestProbesAskTheServersOS(t *testing.T) {
	for _, tc := range []struct {
		client, server string // profiles; no server: no listen line
		listen, again  string
	}{
		{"linux", "linux", "EACCES", "EADDRINUSE"},
		{"windows", "linux", "EACCES", "EADDRINUSE"},
		{"linux", "windows", "the port", "WSAEADDRINUSE"},
		{"macos", "winxp", "the port", "WSAEADDRINUSE"},
		{"windows", "freebsd", "EACCES", "EADDRINUSE"},
		{"windows", "", "the port", "WSAEADDRINUSE"},
		{"linux", "", "EACCES", "EADDRINUSE"},
	} {
		t.Run(tc.client+" to "+tc.server, func(t *testing.T) {
			src := fmt.Sprintf("duration 10s\nhost laptop 192.168.1.5 profile %s\n", tc.client)
			if tc.server != "" {
				src += fmt.Sprintf("host web 10.0.0.10 profile %s\nlisten web 80\nconnect laptop -> web:80 at 1s\n", tc.server)
			} else {
				src += "host web 10.0.0.10\nconnect laptop -> web:80 at 1s\n"
			}
			r := ownRun(t, src)
			assert.Equal(t, tc.listen, listenOutcome(r, 80, false))
			assert.Equal(t, tc.again, listenOutcome(r, 80, true))
			assert.Equal(t, "the port", listenOutcome(r, 8080, false), "an unprivileged port")
			assert.Equal(t, "yes", twReuseOutcome(r))
			assert.Equal(t, "the port", reuseAddrOutcome(r))
		})
	}
}
