package observe

import (
	"errors"
	"fmt"
	"net/netip"
	"runtime"

	"github.com/portplay/portplay/engine"
)

// ErrUnsupported: the observation cannot run on this system (no loopback
// listener, no profile for the OS); the error says why.
var ErrUnsupported = errors.New("cannot observe this system")

// Stack is one side of the comparison: this computer's kernel or the
// engine. Destinations are indexes into the stack's listeners.
type Stack interface {
	// Connect opens a connection toward dest from an ephemeral port the
	// system picks, keeps it open and returns that port.
	Connect(dest int) (int, error)
	// CloseFirst closes the connection from port toward dest, this side
	// first, and returns once the peer has closed too: this side then
	// holds the TIME_WAIT (facts §2 [DFLY][VB]).
	CloseFirst(dest, port int) error
	// Bind tries to bind a new TCP socket to 127.0.0.1:port, with or
	// without SO_REUSEADDR, and lets it go at once; it reports whether
	// the bind was allowed.
	Bind(port int, reuseAddr bool) (bool, error)
}

// Sample is what the sequence records on one stack.
type Sample struct {
	First  []int `json:"ports_toward_first"`
	Second []int `json:"ports_toward_second"`
	// Closed is the port whose connection this side closed first.
	Closed int `json:"closed_port"`
	// BindPlain and BindReuse: whether a bind to Closed was allowed at
	// once, without and with SO_REUSEADDR.
	BindPlain bool `json:"bind_closed_port"`
	BindReuse bool `json:"bind_closed_port_reuseaddr"`
}

// Sequence sizes: at most MaxFirst+MaxSecond connections, each two
// sockets on loopback (ours and the accepted one), plus two listeners
// and two binds: a few hundred sockets at most.
const (
	DefaultFirst  = 48
	DefaultSecond = 16
	MaxFirst      = 128
	MaxSecond     = 16
)

// Run runs the sequence on s: first connects toward destination 0, kept
// open; second toward destination 1; then the last connection toward 0
// is closed by this side first and its port bound again at once.
func Run(s Stack, first, second int) (Sample, error) {
	var o Sample
	for i := 0; i < first+second; i++ {
		d := 0
		if i >= first {
			d = 1
		}
		p, err := s.Connect(d)
		if err != nil {
			return o, err
		}
		if d == 0 {
			o.First = append(o.First, p)
		} else {
			o.Second = append(o.Second, p)
		}
	}
	o.Closed = o.First[len(o.First)-1]
	if err := s.CloseFirst(0, o.Closed); err != nil {
		return o, err
	}
	var err error
	if o.BindPlain, err = s.Bind(o.Closed, false); err != nil {
		return o, err
	}
	o.BindReuse, err = s.Bind(o.Closed, true)
	return o, err
}

// Property is one line of a comparison. NotObserved, when set, says why
// this run cannot tell; such a line neither matches nor differs.
type Property struct {
	// Key names the property whatever its wording: one of the Key*
	// constants, for a front end that words it in its own language.
	Key         string `json:"key"`
	Name        string `json:"property"`
	Kernel      string `json:"kernel"`
	Engine      string `json:"engine"`
	Match       bool   `json:"match"`
	NotObserved string `json:"not_observed,omitempty"`
}

// The properties' keys, in Compare's order.
const (
	KeyInside    = "inside"
	KeyOrder     = "order"
	KeyContinues = "continues"
	KeyShared    = "shared"
	KeyBind      = "bind"
	KeyBindReuse = "bind-reuse"
)

// The values a property other than the order takes: Kernel and Engine
// are one of these or an Order.
const (
	Yes     = "yes"
	No      = "no"
	Allowed = "allowed"
	Refused = "refused"
	Unseen  = "-"
)

// Compare sets the kernel's sample k beside the engine's e, for a
// machine whose range is sys.
func Compare(k, e Sample, sys SystemRange) []Property {
	yes := func(b bool) string {
		if b {
			return Yes
		}
		return No
	}
	allowed := func(b bool) string {
		if b {
			return Allowed
		}
		return Refused
	}
	all := func(o Sample) []int { return append(append([]int(nil), o.First...), o.Second...) }
	r := sys.Range
	where := "the configured range " + r.String()
	if sys.Inferred {
		where = "the assumed range " + r.String()
	}
	props := []Property{
		{Key: KeyInside, Name: "every port inside " + where, Kernel: yes(Inside(all(k), r)), Engine: yes(Inside(all(e), r))},
		{Key: KeyOrder, Name: "order of the ports toward one destination", Kernel: string(ClassifyOrder(k.First, r)), Engine: string(ClassifyOrder(e.First, r))},
		{Key: KeyContinues, Name: "a second destination continues the same count", Kernel: yes(ContinuesCount(k.First, k.Second, r)), Engine: yes(ContinuesCount(e.First, e.Second, r))},
		{Key: KeyShared, Name: "a port in use given again toward another destination", Kernel: Unseen, Engine: Unseen,
			NotObserved: fmt.Sprintf("seen only once the range's %d ports are used up toward one destination; this opens at most %d connections (on Linux 6.3 and later, portsim observe's IP_LOCAL_PORT_RANGE run sees it)", r.Size(), MaxFirst+MaxSecond)},
		{Key: KeyBind, Name: "closed first: its port bound again at once", Kernel: allowed(k.BindPlain), Engine: allowed(e.BindPlain)},
		{Key: KeyBindReuse, Name: "closed first: its port bound again at once with SO_REUSEADDR", Kernel: allowed(k.BindReuse), Engine: allowed(e.BindReuse)},
	}
	for i := range props {
		props[i].Match = props[i].NotObserved == "" && props[i].Kernel == props[i].Engine
	}
	return props
}

// Differ names the properties that differ.
func Differ(props []Property) []string {
	var d []string
	for _, p := range props {
		if p.NotObserved == "" && !p.Match {
			d = append(d, p.Name)
		}
	}
	return d
}

// ProfileFor is the engine profile that models goos, as runtime.GOOS
// names it.
func ProfileFor(goos string) (engine.Profile, error) {
	name, ok := map[string]string{"linux": "linux", "darwin": "macos", "windows": "windows", "freebsd": "freebsd"}[goos]
	if !ok {
		return engine.Profile{}, fmt.Errorf("%w: no engine profile models %s (name one with --profile)", ErrUnsupported, goos)
	}
	return engine.ProfileByName(name)
}

// Report is one observation: this computer beside the engine.
type Report struct {
	OS string `json:"os"`
	// Version is the OS's version where it says it ("Linux 6.1.0-18-amd64",
	// "macOS 14.5", "Windows 10.0 build 22631"), "" where not: the model
	// may hold for one version and not another.
	Version string `json:"os_version,omitempty"`
	Profile string `json:"profile"`
	System  string `json:"system_range"`
	Source  string `json:"system_range_source"`
	// Range is System as a range; Inferred says the OS did not tell it
	// and the profile's default was assumed (Source says why).
	Range    engine.Range `json:"-"`
	Inferred bool         `json:"system_range_inferred"`
	Dests    [2]string    `json:"destinations"`
	Kernel   Sample       `json:"kernel"`
	Engine   Sample       `json:"engine"`
	Props    []Property   `json:"properties"`
	Match    bool         `json:"match"`
}

// Observe runs the sequence on this computer's kernel over loopback and
// through the engine's profile p set up with this machine's range, and
// compares them. It opens at most 2(first+second)+4 sockets on loopback,
// closes every one, and changes no setting.
func Observe(p engine.Profile, first, second int) (Report, error) {
	if first < MinPorts || first > MaxFirst || second < 1 || second > MaxSecond {
		return Report{}, fmt.Errorf("observe: %d and %d connections: want %d to %d, then 1 to %d", first, second, MinPorts, MaxFirst, MaxSecond)
	}
	sys := ReadSystemRange(p)
	ks, err := newKernelStack()
	if err != nil {
		return Report{}, err
	}
	k, err := Run(ks, first, second)
	ks.close()
	if err != nil {
		return Report{}, fmt.Errorf("this computer's run: %w", err)
	}
	es, err := newEngineStack(p, sys.Range, ks.dests)
	if err != nil {
		return Report{}, err
	}
	e, err := Run(es, first, second)
	if err != nil {
		return Report{}, fmt.Errorf("the engine's run: %w", err)
	}
	props := Compare(k, e, sys)
	return Report{OS: runtime.GOOS, Version: osVersion(), Profile: p.Name, System: sys.Range.String(), Source: sys.Source, Range: sys.Range, Inferred: sys.Inferred,
		Dests:  [2]string{ks.dests[0].String(), ks.dests[1].String()},
		Kernel: k, Engine: e, Props: props, Match: len(Differ(props)) == 0}, nil
}

// loopback is the address every socket of the observation uses.
var loopback = netip.MustParseAddr("127.0.0.1")
