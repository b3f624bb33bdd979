package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"time"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/internal/observe"
)

const observeHelp = `usage: portsim observe [--portable] [--profile NAME] [--count N] [--range LO-HI] [--dests K] [--json]

Compares an engine profile with this computer's own kernel, on loopback
only: nothing is sent off the machine and no system setting is changed.

On Linux 6.3 and later the run narrows each client socket's range with
IP_LOCAL_PORT_RANGE (a socket option, no sysctl) and compares the linux
profile on nine properties: connect until failure toward each
destination, TIME_WAIT reuse at once and after 1.1 s, bind(0) beside
them. It takes about 1.5 s.

Elsewhere (macOS, Windows, FreeBSD, or a kernel without
IP_LOCAL_PORT_RANGE), or with --portable, the run uses ordinary sockets:
a listener on 127.0.0.1 and one on 127.0.0.2 (or a second port of
127.0.0.1 where there is no 127.0.0.2), --count connections to the first
(default 48) and 16 to the second, kept open; then the last one is closed
from this side first and its port bound again at once, without and with
SO_REUSEADDR. It reads the system's range (Linux /proc, macOS and
FreeBSD sysctl, Windows netsh) and classifies the order of the ports. At
most 300 sockets; every one is closed at the end. --profile picks the
profile to compare with (default: the one for this OS).

Exact port numbers differ by design; the structure must not.

Exit status: 0 every property matches, 1 one differs (named), 2 bad
flags, 3 this system cannot be observed (why).
`

// exitUnsupported: observe cannot run here (docs/portsim.md).
const exitUnsupported = 3

// unsupportedError says observe cannot run on this system; exit status 3.
type unsupportedError struct{ msg string }

func (e *unsupportedError) Error() string { return e.msg }

// errNoPort stands for the error a connect() gives when its range is used
// up toward the destination (EADDRNOTAVAIL in both stacks).
var errNoPort = errors.New("no port")

// stack is one side of the comparison: the kernel or the engine. Every
// connect uses the per-socket range; dest is an index into the stack's
// destinations.
type stack interface {
	connect(dest int) (int, error)
	// closeLast actively closes the last connection made toward dest and
	// waits until this side holds its TIME_WAIT.
	closeLast(dest int) error
	sleep(d time.Duration)
	// bind0 binds a socket to port 0, with the per-socket range or
	// without it, and keeps it bound.
	bind0(withRange bool) (int, error)
	// reset closes the connections still open, leaving no TIME_WAIT.
	reset()
	close()
}

// observation is what the sequence measures on one stack.
type observation struct {
	PerDest      []int `json:"connects_per_destination"`
	Ports        []int `json:"ports_toward_first"`
	ParityFirst  bool  `json:"parity_first"`
	Jittered     bool  `json:"steps_vary"`
	TWAtOnce     bool  `json:"timewait_reuse_at_once"`
	TWAfter      bool  `json:"timewait_reuse_after_1100ms"`
	BindPort     int   `json:"bind0_port"`
	BindOpposite bool  `json:"bind0_opposite_parity"`
	BoundCount   int   `json:"connects_with_bound_port_held"`
	BoundSkipped bool  `json:"bound_port_never_picked"`
}

// observeSequence runs the fixed sequence on s for a per-socket range r,
// a system range sys, dests destinations and at most count connects each.
func observeSequence(s stack, r, sys engine.Range, dests, count int) (observation, error) {
	var o observation
	picks := make([][]int, dests)
	for d := 0; d < dests; d++ {
		n := 0
		for n < count {
			p, err := s.connect(d)
			if errors.Is(err, errNoPort) {
				break
			}
			if err != nil {
				return o, err
			}
			picks[d] = append(picks[d], p)
			n++
		}
		o.PerDest = append(o.PerDest, n)
	}
	o.Ports = picks[0]
	o.ParityFirst, o.Jittered = order(picks, r)

	// TIME_WAIT: one port freed into TIME_WAIT toward the first destination.
	if err := s.closeLast(0); err != nil {
		return o, err
	}
	var err error
	if o.TWAtOnce, err = reconnected(s); err == nil && !o.TWAtOnce {
		s.sleep(1100 * time.Millisecond) // more than the 1 s reuse delay
		o.TWAfter, err = reconnected(s)
	}
	if err != nil {
		return o, err
	}
	o.TWAfter = o.TWAfter || o.TWAtOnce
	s.reset()

	// bind(0): its parity over the system range, then a port bound in the
	// per-socket range, which connect() must never pick (facts fact 4).
	p, err := s.bind0(false)
	if err != nil {
		return o, err
	}
	o.BindPort, o.BindOpposite = p, p%2 != int(sys.Lo)%2
	b, err := s.bind0(true)
	if err != nil {
		return o, err
	}
	o.BoundSkipped = true
	for o.BoundCount < count {
		p, err := s.connect(dests) // a fresh destination
		if errors.Is(err, errNoPort) {
			break
		}
		if err != nil {
			return o, err
		}
		o.BoundCount++
		o.BoundSkipped = o.BoundSkipped && p != b
	}
	return o, nil
}

// reconnected connects once more toward the first destination.
func reconnected(s stack) (bool, error) {
	_, err := s.connect(0)
	if errors.Is(err, errNoPort) {
		return false, nil
	}
	return err == nil, err
}

// order judges the picks toward every destination together: parity first
// only if every destination's picks show it, steps varying if any
// destination's do. One destination's ten picks or fewer can look either
// way by chance (a run of +1 jitters, or jitters that all land on one
// parity), which a whole run's 20 to 256 picks do not.
func order(picks [][]int, r engine.Range) (parity, varying bool) {
	parity = len(picks) > 0
	for _, p := range picks {
		parity = parity && parityFirst(p, r)
		varying = varying || jittered(p, r)
	}
	return parity, varying
}

// parityFirst: the picks take every port of the range's low parity before
// any of the other (Linux's step-2 connect without IP_LOCAL_PORT_RANGE).
func parityFirst(ports []int, r engine.Range) bool {
	low := int(r.Lo) % 2
	seenOther := false
	for _, p := range ports {
		if p%2 != low {
			seenOther = true
		} else if seenOther {
			return false
		}
	}
	return seenOther && len(ports) > 2 && ports[0]%2 == low
}

// jittered: the steps between picks (with wrap-around) are not all +1.
// Linux since 4.2 moves table_perturb on by max(i, rand(0..7)) + step
// after each pick (facts §2 [IH]); before, one hint moved by i, so
// consecutive picks toward one destination were +1 apart. The exact steps
// are random, so only this much is compared.
func jittered(ports []int, r engine.Range) bool {
	n := r.Size()
	for i := 1; i < len(ports); i++ {
		if ((ports[i]-ports[i-1])%n+n)%n != 1 {
			return true
		}
	}
	return false
}

// property is one line of the comparison, as the ordinary-sockets run
// prints it too.
type property = observe.Property

func compare(k, e observation) []property {
	yes := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	props := []property{
		{Name: "connects before EADDRNOTAVAIL, per destination", Kernel: fmt.Sprint(k.PerDest), Engine: fmt.Sprint(e.PerDest)},
		{Name: "sharing across destinations (every destination gets the whole range)", Kernel: yes(allEqual(k.PerDest)), Engine: yes(allEqual(e.PerDest))},
		{Name: "low-parity ports first", Kernel: yes(k.ParityFirst), Engine: yes(e.ParityFirst)},
		{Name: "steps between picks vary (not +1 each time)", Kernel: yes(k.Jittered), Engine: yes(e.Jittered)},
		{Name: "TIME_WAIT taken over at once", Kernel: yes(k.TWAtOnce), Engine: yes(e.TWAtOnce)},
		{Name: "TIME_WAIT taken over after 1.1 s", Kernel: yes(k.TWAfter), Engine: yes(e.TWAfter)},
		{Name: "bind(0) port of the other parity than the system range's low end", Kernel: yes(k.BindOpposite), Engine: yes(e.BindOpposite)},
		{Name: "connects with a bind(0) port held in the range", Kernel: strconv.Itoa(k.BoundCount), Engine: strconv.Itoa(e.BoundCount)},
		{Name: "the bound port is never picked by connect()", Kernel: yes(k.BoundSkipped), Engine: yes(e.BoundSkipped)},
	}
	for i := range props {
		props[i].Match = props[i].Kernel == props[i].Engine
	}
	return props
}

func allEqual(ns []int) bool {
	for _, n := range ns {
		if n != ns[0] {
			return false
		}
	}
	return len(ns) > 0
}

// engineStack runs the sequence through the engine's linux profile, set
// up as this machine is: its system range and tcp_tw_reuse, loopback
// addresses.
type engineStack struct {
	h, bound *engine.Host // bound: a host whose system range is the per-socket one, for bind(0) in it
	r        engine.Range
	dests    []netip.AddrPort
	last     map[int]engine.FourTuple
}

func newEngineStack(sys, r engine.Range, reuse engine.TWReuse, dests []netip.AddrPort) (*engineStack, error) {
	linux, _ := engine.ProfileByName("linux")
	cfg := engine.HostConfig{Name: "engine", Addr: netip.MustParseAddr("127.0.0.1"), Profile: linux, Seed: 1,
		Range: sys, TWReuse: reuse, HasTWReuse: true}
	h, err := engine.NewHost(cfg)
	if err != nil {
		return nil, err
	}
	cfg.Range = r
	b, err := engine.NewHost(cfg)
	if err != nil {
		return nil, err
	}
	return &engineStack{h: h, bound: b, r: r, dests: dests, last: map[int]engine.FourTuple{}}, nil
}

func (s *engineStack) connect(dest int) (int, error) {
	h := s.h
	if dest == len(s.dests)-1 {
		h = s.bound // the fresh destination of the bind(0) phase
	}
	t, err := h.ConnectRange(engine.TCP, s.dests[dest], s.r)
	if errors.Is(err, engine.ErrAddrNotAvail) {
		return 0, errNoPort
	}
	if err != nil {
		return 0, err
	}
	s.last[dest] = t
	return int(t.Local.Port()), nil
}

func (s *engineStack) closeLast(dest int) error { return s.h.Close(s.last[dest]) }

func (s *engineStack) sleep(d time.Duration) { s.h.Advance(d) }

func (s *engineStack) bind0(withRange bool) (int, error) {
	h := s.h
	if withRange {
		h = s.bound
	}
	_, a, err := h.Bind(engine.TCP, netip.AddrPortFrom(h.Addr(), 0), engine.SockOpts{})
	return int(a.Port()), err
}

// reset has nothing to do: the bind(0) phase runs on its own host.
func (s *engineStack) reset() {}

func (s *engineStack) close() {}

func observeCmd(args []string, stdout, _ io.Writer) error {
	fs := newFlags("observe")
	rng := fs.String("range", "", "IP_LOCAL_PORT_RANGE run: the client sockets' range `LO-HI`, 8 to 64 ports inside this machine's ip_local_port_range (default: 10 ports in its middle)")
	count := fs.String("count", "", "IP_LOCAL_PORT_RANGE run: connect at most `N` times per destination, 1 to 65 (default: the range's size + 1); ordinary sockets: connections to the first destination, 8 to 128 (default 48)")
	dests := fs.String("dests", "", "IP_LOCAL_PORT_RANGE run: the number of destinations `K`, 1 to 4 (default 2)")
	profile := fs.String("profile", "", "compare with profile `NAME` (default: this OS's: linux, macos, windows or freebsd); any but linux means ordinary sockets")
	portable := fs.Bool("portable", false, "use ordinary sockets even where IP_LOCAL_PORT_RANGE is there")
	asJSON := fs.Bool("json", false, "print the comparison as one JSON object")
	pos, err := parse(fs, args, stdout, observeHelp)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	var prof engine.Profile
	if *profile != "" {
		if prof, err = engine.ProfileByName(*profile); err != nil {
			return bad("--profile %s: %v", *profile, err)
		}
	}
	why := "--portable"
	if !*portable && (*profile == "" || *profile == "linux") {
		err := kernelObserve(*rng, *count, *dests, *asJSON, stdout)
		var un *unsupportedError
		if !errors.As(err, &un) {
			return err
		}
		why = un.msg
	} else if *profile != "" && *profile != "linux" && !*portable {
		why = "--profile " + *profile
	}
	if *rng != "" || *dests != "" {
		return bad("--range and --dests are for the IP_LOCAL_PORT_RANGE run, and this run uses ordinary sockets (%s)", why)
	}
	return portableObserve(prof, *count, why, *asJSON, stdout)
}

// kernelObserve is the run with IP_LOCAL_PORT_RANGE (Linux 6.3 and
// later), comparing the linux profile.
func kernelObserve(rng, count, dests string, asJSON bool, stdout io.Writer) error {
	if dests == "" {
		dests = "2"
	}
	sys, reuse, err := systemSettings()
	if err != nil {
		return err
	}
	mid := sys.Lo + engine.Port((sys.Size()/2)&^1)
	r := engine.Range{Lo: mid, Hi: mid + 9}
	if rng != "" {
		if r, err = parseRange(rng); err != nil {
			return err
		}
	}
	// Fewer than 8 ports give too few picks to tell an order from chance.
	if r.Size() < 8 || r.Size() > 64 || !sys.Contains(r.Lo) || !sys.Contains(r.Hi) {
		return bad("--range %s: want 8 to 64 ports inside this machine's ip_local_port_range %s", r, sys)
	}
	n := r.Size() + 1
	if count != "" {
		if n, err = strconv.Atoi(count); err != nil || n < 1 || n > 65 {
			return bad("--count %s: want a whole number from 1 to 65", count)
		}
	}
	k, err := strconv.Atoi(dests)
	if err != nil || k < 1 || k > 4 {
		return bad("--dests %s: want a whole number from 1 to 4", dests)
	}

	ks, addrs, err := newKernelStack(r, k+1)
	if err != nil {
		return err
	}
	kobs, kerr := observeSequence(ks, r, sys, k, n)
	ks.close()
	if kerr != nil {
		return fmt.Errorf("the kernel's run: %w", kerr)
	}
	es, err := newEngineStack(sys, r, reuse, addrs)
	if err != nil {
		return err
	}
	eobs, err := observeSequence(es, r, sys, k, n)
	if err != nil {
		return fmt.Errorf("the engine's run: %w", err)
	}
	props := compare(kobs, eobs)

	w := bufio.NewWriter(stdout)
	var differ []string
	for _, p := range props {
		if !p.Match {
			differ = append(differ, p.Name)
		}
	}
	if asJSON {
		_ = json.NewEncoder(w).Encode(struct {
			Range      string      `json:"range"`
			System     string      `json:"system_range"`
			TWReuse    int         `json:"tcp_tw_reuse"`
			Kernel     observation `json:"kernel"`
			Engine     observation `json:"engine"`
			Properties []property  `json:"properties"`
			Match      bool        `json:"match"`
		}{r.String(), sys.String(), int(reuse), kobs, eobs, props, len(differ) == 0})
	} else {
		fmt.Fprintf(w, "this kernel against the engine's linux profile: loopback, IP_LOCAL_PORT_RANGE %s (%d ports), ip_local_port_range %s, tcp_tw_reuse %d\n",
			r, r.Size(), sys, reuse)
		fmt.Fprintf(w, "ports toward the first destination: kernel %v, engine %v (numbers differ by design)\n\n", kobs.Ports, eobs.Ports)
		fmt.Fprintf(w, "%-70s  %-12s  %-12s  %s\n", "property", "kernel", "engine", "verdict")
		for _, p := range props {
			v := "same"
			if !p.Match {
				v = "DIFFERS"
			}
			fmt.Fprintf(w, "%-70s  %-12s  %-12s  %s\n", p.Name, p.Kernel, p.Engine, v)
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if len(differ) > 0 {
		return fmt.Errorf("%d of %d properties differ: %v", len(differ), len(props), differ)
	}
	return nil
}
