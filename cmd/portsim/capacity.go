package main

import (
	"fmt"
	"io"
	"math"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
	"github.com/portplay/portplay/engine/sim"
	"github.com/portplay/portplay/lesson"
)

const capacityHelp = `usage: portsim capacity [--profile NAME] [--range LO-HI] [--timewait DURATION] --rate N/s
       portsim capacity --proto udp [--profile NAME] [--range LO-HI] --hold DURATION --rate N/s

Prints the ceiling on new connections per second from one host to one
destination: the ephemeral range's size divided by TIME_WAIT in seconds,
since every port stays taken for TIME_WAIT after its connection closes.
Then it simulates connects at --rate, each closed at once, for twice
TIME_WAIT plus the time to use the range once, and reports when connects
start failing (EADDRNOTAVAIL; WSAENOBUFS on Windows) and how many fail, or
that none do.

With --proto udp there is no TIME_WAIT: a UDP query's port is taken for as
long as its socket is open, --hold (its round trip, or its timeout when
the reply never comes), so the ceiling is the range's size divided by
--hold; the simulation sends queries at --rate, each from a socket of its
own closed --hold after it was opened, and running out is EAGAIN on Linux.
`

// maxRate is the fastest rate a scenario can express (one connect per µs).
const maxRate = 1e6

// capacityRun is what a simulation at one rate showed.
type capacityRun struct {
	Window    time.Duration // simulated time
	Started   int
	Failed    int
	FirstFail time.Duration // when the first connect failed; valid if Failed > 0
	FirstErr  string        // and its errno
}

func capacityCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("capacity")
	profile := fs.String("profile", "linux", "the client's OS profile `NAME`: linux, linux-old, winxp, windows, freebsd, macos or iana")
	rng := fs.String("range", "", "ephemeral port range `LO-HI` (default: the profile's)")
	tw := fs.String("timewait", "", "TIME_WAIT length `DURATION`, e.g. 30s (default: the profile's)")
	rate := fs.String("rate", "", "simulate `N/s` new connections per second (required)")
	protoFlag := fs.String("proto", "tcp", "the protocol `P`: tcp or udp")
	hold := fs.String("hold", "", "with --proto udp: how long each query's socket stays open, `DURATION` (required with udp)")
	pos, err := parse(fs, args, stdout, capacityHelp)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	p, err := parseProfile(*profile)
	if err != nil {
		return err
	}
	r, err := parseRange(*rng)
	if err != nil {
		return err
	}
	if r == (engine.Range{}) {
		r = p.Ephemeral
	}
	proto, err := parseProto(*protoFlag)
	if err != nil {
		return err
	}
	timeWait := p.TimeWait
	switch {
	case proto == engine.UDP && *tw != "":
		return bad("--timewait: UDP has no TIME_WAIT; with --proto udp give --hold, how long each query's socket stays open")
	case proto == engine.UDP && *hold == "":
		return bad("--hold is missing: with --proto udp, give how long each query's socket stays open, e.g. --hold 50ms")
	case proto == engine.TCP && *hold != "":
		return bad("--hold is for --proto udp: a TCP port is held for TIME_WAIT after its connection closes (--timewait)")
	case proto == engine.UDP:
		if timeWait, err = parseDuration("hold", *hold, false, scenario.MaxDuration); err != nil {
			return err
		}
	case *tw != "":
		if timeWait, err = parseDuration("timewait", *tw, false, scenario.MaxDuration); err != nil {
			return err
		}
	}
	perSec, err := parseRate(*rate)
	if err != nil {
		return err
	}
	if proto == engine.UDP {
		return capacityUDP(stdout, stderr, p, r, timeWait, perSec)
	}

	ceiling := engine.Capacity(r, timeWait)
	fmt.Fprintf(stdout, "profile %s: range %s (%d ports), TIME_WAIT %s\n", p.Name, r, r.Size(), lesson.FmtSpan(timeWait))
	fmt.Fprintf(stdout, "ceiling: %d ports / %s = %s new connections per second to one destination\n", r.Size(), seconds(timeWait), lesson.FmtRate(ceiling)) // rounded down, as every ceiling shown
	res, err := simulateRate(p, r, engine.TCP, timeWait, perSec, newProgress(stderr))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "simulated %s/s for %s: %d connects to 10.0.0.10:80, each closed at once\n", number(perSec), seconds(res.Window), res.Started)
	if res.Failed == 0 {
		fmt.Fprintf(stdout, "no connect failed: %s/s is within the ceiling\n", number(perSec))
	} else {
		fmt.Fprintf(stdout, "first %s at %s; %d of %d connects failed\n", res.FirstErr, seconds(res.FirstFail), res.Failed, res.Started)
	}
	_, err = writeUnverified(stdout, p)
	return err
}

// capacityUDP is capacity for UDP queries whose sockets are open hold
// each.
func capacityUDP(stdout, stderr io.Writer, p engine.Profile, r engine.Range, hold time.Duration, perSec float64) error {
	ceiling := engine.Capacity(r, hold)
	fmt.Fprintf(stdout, "profile %s, UDP: range %s (%d ports), no TIME_WAIT; each query's socket open %s\n", p.Name, r, r.Size(), lesson.FmtSpan(hold))
	fmt.Fprintf(stdout, "ceiling: %d ports / %s = %s new queries per second", r.Size(), seconds(hold), lesson.FmtRate(ceiling))
	if p.ShareUDPAcrossDestinations {
		fmt.Fprintln(stdout, " to one destination")
	} else {
		// Linux's udp_lib_get_port gives each socket a port of its own.
		fmt.Fprintln(stdout, " to all destinations together: each UDP socket's port is its own")
	}
	res, err := simulateRate(p, r, engine.UDP, hold, perSec, newProgress(stderr))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "simulated %s/s for %s: %d queries to 10.0.0.10:53, each socket closed %s after it opened\n", number(perSec), seconds(res.Window), res.Started, lesson.FmtSpan(hold))
	if res.Failed == 0 {
		fmt.Fprintf(stdout, "no query failed: %s/s is within the ceiling\n", number(perSec))
	} else {
		fmt.Fprintf(stdout, "first %s at %s; %d of %d queries failed\n", res.FirstErr, seconds(res.FirstFail), res.Failed, res.Started)
	}
	_, err = writeUnverified(stdout, p)
	return err
}

// simulateRate runs one client with profile p and range r connecting to
// one server at perSec, over proto: TCP, each connection closed at once
// and its port held hold, the TIME_WAIT; or UDP, each query's socket open
// hold. The link has no latency and the server no service time, so a
// port is held for exactly hold, as the ceiling's rule assumes. prog may
// be nil.
func simulateRate(p engine.Profile, r engine.Range, proto engine.Proto, hold time.Duration, perSec float64, prog *progress) (capacityRun, error) {
	tw := hold
	// Twice TIME_WAIT plus one pass over the range shows both the first
	// exhaustion and the steady state after ports start to free.
	window := 2*tw + time.Duration(float64(r.Size())/perSec*float64(time.Second))
	window = min(window, scenario.MaxDuration)
	count := math.Ceil(perSec * window.Seconds())
	if count > scenario.MaxCount {
		count = scenario.MaxCount
		window = time.Duration((count - 1) / perSec * float64(time.Second))
	}
	sc := &scenario.Scenario{
		Title: "portsim capacity", Seed: 1, Duration: window,
		Hosts: []scenario.Host{
			{Name: "client", Addr: netip.AddrFrom4([4]byte{192, 168, 1, 5}), Profile: p, Range: r, TimeWait: tw},
			{Name: "server", Addr: netip.AddrFrom4([4]byte{10, 0, 0, 10})},
		},
		Listens: []scenario.Listen{{Host: "server", Port: 80}},
		Connects: []scenario.Connect{{
			From: "client", To: "server", Port: 80, Count: int(count),
			Every: time.Duration(float64(time.Second) / perSec), // as a scenario file reads `rate N/s`
		}},
	}
	if proto == engine.UDP {
		sc.Hosts[0].TimeWait = 0
		sc.Listens[0] = scenario.Listen{Host: "server", Port: 53, Proto: engine.UDP}
		c := &sc.Connects[0]
		c.Port, c.Proto, c.Hold = 53, engine.UDP, hold
	}
	s, err := sim.New(sc)
	if err != nil {
		return capacityRun{}, fmt.Errorf("capacity scenario: %w", err) // a bug: the flags were checked
	}
	res := capacityRun{Window: window}
	sink := func(e sim.Event) {
		if e.Kind == sim.ConnectFailed && res.FirstErr == "" {
			res.FirstFail, res.FirstErr = e.At, engine.ErrnoName(e.Err)
		}
	}
	const steps = 100
	for i := time.Duration(1); i <= steps; i++ {
		s.Run(window*i/steps, sink)
		prog.update(float64(i) / steps)
	}
	prog.done()
	st := s.Stats()
	res.Started, res.Failed = st.Started, st.Failed
	return res, nil
}

func parseRate(s string) (float64, error) {
	if s == "" {
		return 0, bad("--rate is missing: give new connections per second, e.g. --rate 100/s")
	}
	n, err := strconv.ParseFloat(strings.TrimSuffix(s, "/s"), 64)
	if err != nil || !(n > 0) || n > maxRate {
		return 0, bad("--rate %s: want new connections per second, more than 0 and at most %d, e.g. 100/s or 0.5/s", s, int(maxRate))
	}
	return n, nil
}

// number prints x with at most two decimals and no trailing zeros.
func number(x float64) string {
	return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64)
}

// seconds prints a duration in seconds, to the millisecond as the traces
// do, without trailing zeros.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(math.Round(d.Seconds()*1000)/1000, 'f', -1, 64) + "s"
}

// progress shows how far a simulation has got, on a terminal only and only
// once it has taken more than a second. A nil *progress shows nothing.
type progress struct {
	w     io.Writer
	start time.Time
	shown bool
}

func newProgress(w io.Writer) *progress {
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return &progress{w: w, start: time.Now()}
		}
	}
	return nil
}

func (p *progress) update(frac float64) {
	if p == nil || time.Since(p.start) < time.Second {
		return
	}
	fmt.Fprintf(p.w, "\rsimulating: %3.0f%%", frac*100)
	p.shown = true
}

// done erases the progress line.
func (p *progress) done() {
	if p != nil && p.shown {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
