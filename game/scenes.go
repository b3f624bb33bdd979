package game

import (
	"fmt"
	"strings"
	"time"

	"github.com/portplay/portplay/assets"
	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
	"github.com/portplay/portplay/engine/sim"
)

// sceneDef is one lesson of DESIGN.md as the app shows it: its built-in
// scenario and how it is played.
type sceneDef struct {
	scenario string  // the built-in scenario's name; the sandbox makes its own from its knobs
	short    string  // the scene's name on its button
	flight   float64 // real seconds a packet takes along its link at speed 1; 0: no slow motion
	idle     float64 // simulated seconds per real second while nothing is in flight
	// profileLive: the clients' profile can be switched (P) while it plays.
	profileLive bool
	// compare: show the completion time with and without ephemeral ports.
	compare bool
}

var scenes = [...]sceneDef{
	{scenario: "1-well-known-ports", short: "Well-known", flight: 1.2, idle: 0.5},
	{scenario: "2-two-servers", short: "Two servers", flight: 1.2, idle: 0.5},
	{scenario: "3-ephemeral-ports", short: "Ephemeral", flight: 0.8, idle: 4, profileLive: true},
	{scenario: "4-without-ephemeral", short: "Without", flight: 0.8, idle: 0.5, compare: true},
	{scenario: "5-running-out", short: "Running out", flight: 0.15, idle: 2, profileLive: true},
	{scenario: "6-sandbox", short: "Sandbox", idle: 1, profileLive: true},
}

// SceneCount is how many scenes (lessons) there are; scenes are numbered
// from 1.
const SceneCount = len(scenes)

// sceneRun is a scene being played: its scenario (after the settings'
// overrides), the player, and what is computed once for it.
type sceneRun struct {
	n    int // from 1
	def  sceneDef
	sc   *scenario.Scenario
	play *player
	pace pace
	// For compare scenes: the run with ephemeral ports and without.
	with, without sim.Stats
}

// buildScene makes scene n (from 1) with settings s. It fails only if the
// scenario cannot run, which the settings' checks make unlikely; the game
// then shows the error instead of a blank canvas.
func buildScene(n int, s Settings) (*sceneRun, error) {
	if n < 1 || n > SceneCount {
		return nil, fmt.Errorf("no scene %d; scenes are 1 to %d", n, SceneCount)
	}
	def := scenes[n-1]
	var src string
	if n == SceneCount {
		src = s.Sandbox.Source(s.Seed)
	} else {
		b, err := assets.Scenario(def.scenario)
		if err != nil {
			return nil, err
		}
		src = b.Source
	}
	sc, err := scenario.Parse(src)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %w", def.scenario, err)
	}
	if n != SceneCount {
		sc.Seed = s.Seed
	}
	if def.profileLive && s.Profile != "" {
		for i := range sc.Hosts {
			if isClient(sc, sc.Hosts[i].Name) {
				sc.Hosts[i].Profile = s.Profile
			}
		}
	}
	p, err := newPlayer(sc)
	if err != nil {
		return nil, err
	}
	r := &sceneRun{n: n, def: def, sc: sc, play: p, pace: pace{idle: def.idle, flight: def.idle}}
	if def.flight > 0 {
		r.pace.flight = sc.Latency.Seconds() / def.flight
	}
	if def.compare {
		if r.with, err = runAll(sc, true); err != nil {
			return nil, err
		}
		if r.without, err = runAll(sc, false); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func isClient(sc *scenario.Scenario, name string) bool {
	for _, c := range sc.Connects {
		if c.From == name {
			return true
		}
	}
	return false
}

// runAll runs a copy of sc to the end with ephemeral ports on or off.
func runAll(sc *scenario.Scenario, ephemeral bool) (sim.Stats, error) {
	cp := *sc
	cp.Ephemeral = ephemeral
	s, err := sim.New(&cp)
	if err != nil {
		return sim.Stats{}, err
	}
	s.Run(cp.Duration, nil)
	return s.Stats(), nil
}

// Sandbox holds scene 6's knobs. Zero values mean "the profile's own"; the
// scenario they make is built-in scenario 6 when they are the defaults.
// The clients' profiles mix linux, freebsd, windows and macos unless the
// Profile setting names one for all.
type Sandbox struct {
	Range    string        // every client's ephemeral range, "LO-HI"; "" for the profile's
	Strategy string        // every client's connect() strategy; "" for the profile's
	TimeWait time.Duration // every host's TIME_WAIT; 0 for the profile's
	Clients  int           // client hosts, 1 to 6
	Rate     int           // new connections per second from each client
	Dests    int           // servers, 1 to 3; client i connects to server i mod Dests
}

// DefaultSandbox is the sandbox as it opens.
func DefaultSandbox() Sandbox { return Sandbox{Clients: 3, Rate: 50, Dests: 3} }

// The knobs' choices, in the order a click or a key cycles through them.
var (
	sandboxRanges    = []string{"", "49152-50175", "40000-40099", "40000-40009"}
	sandboxTimeWaits = []time.Duration{0, time.Second, 10 * time.Second, 30 * time.Second, 60 * time.Second, 240 * time.Second}
	sandboxRates     = []int{1, 10, 50, 100, 200, 500}
	sandboxMixed     = []string{"linux", "freebsd", "windows", "macos"}
	sandboxServers   = []struct {
		name, addr string
		port       int
	}{{"web", "10.0.0.10", 80}, {"api", "10.0.0.20", 443}, {"db", "10.0.0.30", 5432}}
)

// sandboxDuration is how long the sandbox runs: long enough to fill a
// small range through four minutes of TIME_WAIT many times over, and to
// watch it at top speed for a while.
const sandboxDuration = 10 * time.Minute

// Source writes the sandbox as a scenario file.
func (sb Sandbox) Source(seed uint64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Lesson 6: the sandbox. Many clients, several servers, every knob.\n")
	fmt.Fprintf(&b, "title \"Sandbox\"\nseed %d\nduration %ds\nlatency 5ms\n\n", seed, int(sandboxDuration.Seconds()))
	for i := range sb.Clients {
		fmt.Fprintf(&b, "host c%d 192.168.1.%d profile %s", i+1, 11+i, sandboxMixed[i%len(sandboxMixed)])
		if sb.Range != "" {
			fmt.Fprintf(&b, " range %s", sb.Range)
		}
		if sb.Strategy != "" {
			fmt.Fprintf(&b, " strategy %s", sb.Strategy)
		}
		if sb.TimeWait > 0 {
			fmt.Fprintf(&b, " timewait %s", sb.TimeWait)
		}
		b.WriteString("\n")
	}
	for _, s := range sandboxServers[:sb.Dests] {
		fmt.Fprintf(&b, "host %s %s", s.name, s.addr)
		if sb.TimeWait > 0 {
			fmt.Fprintf(&b, " timewait %s", sb.TimeWait)
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
	for _, s := range sandboxServers[:sb.Dests] {
		fmt.Fprintf(&b, "listen %s %d service 5ms\n", s.name, s.port)
	}
	b.WriteString("\n")
	count := sb.Rate * int(sandboxDuration/time.Second)
	for i := range sb.Clients {
		s := sandboxServers[i%sb.Dests]
		fmt.Fprintf(&b, "connect c%d -> %s:%d rate %d/s count %d hold 100ms\n", i+1, s.name, s.port, sb.Rate, count)
	}
	return b.String()
}

// capacity is the most new connections per second one client can open to
// one destination: every port of its range is held for a TIME_WAIT after
// it closes first (facts/ports.md §7 and fact 10).
func capacity(p engine.Profile) float64 {
	return float64(p.Ephemeral.Size()) / p.TimeWait.Seconds()
}
