package game

import (
	"fmt"
	"strings"
	"time"

	"github.com/portplay/portplay/engine"
)

// narration explains scene r. Its numbers come from the engine's profiles
// and the scenario being run, never typed into the text (facts/ports.md is
// where the profiles' numbers come from).
func narration(r *sceneRun) string {
	p := r.play
	first := firstClient(p)
	switch r.n {
	case 1:
		return fmt.Sprintf("Ports are 16-bit numbers, 0 to 65535, in three IANA classes (the map's bands): system %s, "+
			"registered %s, dynamic %s. Binding a system port needs privilege on Unix, so %s starts as root to "+
			"listen on :80. %s's OS gives its own side of the connection an ephemeral port from %s.",
			engine.SystemPorts, engine.RegisteredPorts, engine.DynamicPorts, serverName(p), first.name, rangeOf(first.profile))
	case 2:
		return "Both servers listen on port 80, each on its own address: a listening socket is (address, port), so " +
			"the two never conflict (two listeners on the same address and port would: EADDRINUSE). The client " +
			"connects to each from an ephemeral port; the server answers to that port."
	case 3:
		var parts []string
		for _, h := range clients(p) {
			parts = append(parts, fmt.Sprintf("%s (%s) %s", h.name, h.profile.Name, rangeOf(h.profile)))
		}
		return fmt.Sprintf("Each connection gets its own source port from its OS's ephemeral range: %s. "+
			"The side that closes first keeps the 4-tuple in TIME_WAIT (%s) before the port is free again. "+
			"P switches the clients' OS.",
			strings.Join(parts, ", "), timeWaits(clients(p)))
	case 4:
		return fmt.Sprintf("Without ephemeral ports every connection uses port 80 at both ends. The picture: the server "+
			"alternates listening and transmitting on its one port while others wait. The exact reason: the 4-tuple "+
			"(client:80, server:80) carries one conversation at a time, and a host listening on :80 cannot bind it to "+
			"fetch (EADDRINUSE). Done after %s instead of %s.",
			fmtDur(r.without.LastDone), fmtDur(r.with.LastDone))
	case 5:
		h := first.profile
		rate := connectRate(r)
		return fmt.Sprintf("%s hands out ports from %s (%d ports) with %s. Each closed connection holds its port in "+
			"TIME_WAIT for %s, so one destination can take at most %d / %s = %.2f new connections per second. "+
			"At %.2f per second, connects fail with EADDRNOTAVAIL until a port is free again.",
			first.name, h.Ephemeral, h.Ephemeral.Size(), strategyText(h.Connect), fmtWhole(h.TimeWait),
			h.Ephemeral.Size(), fmtWhole(h.TimeWait), capacity(h), rate)
	}
	var parts []string
	for _, h := range clients(p) {
		parts = append(parts, fmt.Sprintf("%s %.0f/s", h.name, capacity(h.profile)))
	}
	return fmt.Sprintf("The sandbox: change any knob (click it, or Tab and ↑/↓). Each client opens %d connections "+
		"per second to its server. The most one client can sustain to one destination is range / TIME_WAIT: %s.",
		connectRateInt(r), strings.Join(parts, ", "))
}

func clients(p *player) []*hostState {
	var out []*hostState
	for i := range p.hosts {
		if p.hosts[i].client {
			out = append(out, &p.hosts[i])
		}
	}
	return out
}

func firstClient(p *player) *hostState {
	if c := clients(p); len(c) > 0 {
		return c[0]
	}
	return &p.hosts[0]
}

func serverName(p *player) string {
	for _, h := range p.hosts {
		if h.server {
			return h.name
		}
	}
	return "the server"
}

func rangeOf(p engine.Profile) string {
	return fmt.Sprintf("%s (%d ports)", p.Ephemeral, p.Ephemeral.Size())
}

func timeWaits(hs []*hostState) string {
	var parts []string
	seen := map[time.Duration]bool{}
	for _, h := range hs {
		if tw := h.profile.TimeWait; !seen[tw] {
			seen[tw] = true
			parts = append(parts, fmt.Sprintf("%s on %s", fmtWhole(tw), h.profile.Name))
		}
	}
	return strings.Join(parts, ", ")
}

func fmtWhole(d time.Duration) string { return fmt.Sprintf("%g s", d.Seconds()) }

func strategyText(s engine.Strategy) string {
	switch s {
	case engine.Sequential:
		return "one sequential counter (a freed port comes back only after the whole range was used)"
	case engine.RandomStart:
		return "a random start and a linear search (RFC 6056 Algorithm 1)"
	case engine.RandomPick:
		return "a random pick on every try (RFC 6056 Algorithm 2)"
	}
	return "Linux's per-destination offset, every other port first (those of the range's first port's parity)"
}

// connectRate is the first connect line's rate per second.
func connectRate(r *sceneRun) float64 {
	if len(r.sc.Connects) == 0 || r.sc.Connects[0].Every == 0 {
		return 0
	}
	return 1 / r.sc.Connects[0].Every.Seconds()
}

func connectRateInt(r *sceneRun) int { return int(connectRate(r) + 0.5) }
