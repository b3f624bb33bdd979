package lesson

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"time"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
	"github.com/portplay/portplay/lesson/phrase"
)

// Sandbox holds the sandbox's knobs. Zero values mean "the profile's
// own"; its scenario is built-in scenario 6 when they are the defaults.
// The clients' profiles mix linux, freebsd, windows and macos unless the
// Profile setting names one for all.
type Sandbox struct {
	Range    engine.Range    // every client's ephemeral range; zero for the profile's
	Strategy engine.Strategy // every client's connect() strategy; zero for the profile's
	TimeWait time.Duration   // every host's TIME_WAIT; 0 for the profile's
	Clients  int             // client hosts, 1 to maxClients
	Rate     int             // new connections per second from each client
	Dests    int             // servers; client i connects to server i mod Dests
	// UDP is the share, in percent, of each client's Rate that are DNS
	// queries over UDP to a resolver (dns, 10.0.0.53:53), each from a
	// socket of its own, as a stub resolver sends them; the rest are TCP
	// connections. 0: none, and no resolver.
	UDP int
}

// DefaultSandbox is the sandbox as it opens.
func DefaultSandbox() Sandbox { return Sandbox{Clients: 3, Rate: 50, Dests: 3} }

const (
	maxClients = 6
	maxRate    = 1000
)

// The knobs' choices, in the order a click or a key cycles through them.
var (
	sandboxRanges    = []engine.Range{{}, {Lo: 49152, Hi: 50175}, {Lo: 40000, Hi: 40099}, {Lo: 40000, Hi: 40009}}
	sandboxTimeWaits = []time.Duration{0, time.Second, 10 * time.Second, 30 * time.Second, 60 * time.Second, 240 * time.Second}
	sandboxRates     = []int{1, 10, 50, 100, 200, 500}
	sandboxUDPShares = []int{0, 10, 25, 50, 100}
	sandboxMixed     = []string{"linux", "freebsd", "windows", "macos"}
	sandboxServers   = []struct {
		name, addr string
		port       uint16
	}{{"web", "10.0.0.10", 80}, {"api", "10.0.0.20", 443}, {"db", "10.0.0.30", 5432}}
)

// sandboxDuration is how long the sandbox runs: long enough to fill a
// small range through four minutes of TIME_WAIT many times over, and to
// watch it at top speed for a while.
const sandboxDuration = 10 * time.Minute

// Scenario builds the sandbox's scenario as a value; profile, if named,
// is every client's.
func (sb Sandbox) Scenario(seed uint64, profile engine.Profile) (*scenario.Scenario, error) {
	sc := &scenario.Scenario{Title: "Sandbox", Seed: seed, Duration: sandboxDuration, Latency: 5 * time.Millisecond}
	for i := range sb.Clients {
		p := profile
		if p.Name == "" {
			var err error
			if p, err = engine.ProfileByName(sandboxMixed[i%len(sandboxMixed)]); err != nil {
				return nil, err
			}
		}
		sc.Hosts = append(sc.Hosts, scenario.Host{
			Name: fmt.Sprintf("c%d", i+1), Addr: netip.AddrFrom4([4]byte{192, 168, 1, byte(11 + i)}),
			Profile: p, Range: sb.Range, Strategy: sb.Strategy, TimeWait: sb.TimeWait,
		})
	}
	linux, err := engine.ProfileByName("linux")
	if err != nil {
		return nil, err
	}
	for _, s := range sandboxServers[:sb.Dests] {
		sc.Hosts = append(sc.Hosts, scenario.Host{Name: s.name, Addr: netip.MustParseAddr(s.addr), Profile: linux, TimeWait: sb.TimeWait})
		sc.Listens = append(sc.Listens, scenario.Listen{Host: s.name, Port: s.port, Service: 5 * time.Millisecond})
	}
	if sb.UDP > 0 {
		sc.Hosts = append(sc.Hosts, scenario.Host{Name: "dns", Addr: netip.MustParseAddr("10.0.0.53"), Profile: linux})
		sc.Listens = append(sc.Listens, scenario.Listen{Host: "dns", Port: 53, Proto: engine.UDP, Service: 2 * time.Millisecond})
	}
	// Rate in hundredths of a connection per second: each protocol's share.
	perSecond := map[engine.Proto]int{engine.TCP: sb.Rate * (100 - sb.UDP), engine.UDP: sb.Rate * sb.UDP}
	for i := range sb.Clients {
		s := sandboxServers[i%sb.Dests]
		if n := perSecond[engine.TCP]; n > 0 {
			sc.Connects = append(sc.Connects, scenario.Connect{
				From: fmt.Sprintf("c%d", i+1), To: s.name, Port: s.port,
				Every: 100 * time.Second / time.Duration(n), Count: n * int(sandboxDuration/time.Second) / 100,
				Hold: 100 * time.Millisecond, Closer: scenario.Client,
			})
		}
		if n := perSecond[engine.UDP]; n > 0 {
			sc.Connects = append(sc.Connects, scenario.Connect{
				From: fmt.Sprintf("c%d", i+1), To: "dns", Port: 53, Proto: engine.UDP,
				Every: 100 * time.Second / time.Duration(n), Count: max(n*int(sandboxDuration/time.Second)/100, 1),
			})
		}
	}
	return sc, sc.Check()
}

// Knob is one of the sandbox's settings as a control: its name and its
// value as shown.
type Knob struct {
	Name, Value string
}

// ownKnobs: the first knobs (profile, range, strategy, TIME_WAIT) are
// the ones that apply to the learner's own scenario's clients.
const ownKnobs = 4

// cycle moves i by dir through n choices, wrapping around.
func cycle(i, dir, n int) int { return ((i+dir)%n + n) % n }

// knobs are the sandbox's controls for settings s, in b's language, each
// with how to move it to its next (dir 1) or previous (dir -1) choice.
func knobs(b *phrase.Book, s Settings) ([]Knob, []func(s *Settings, dir int)) {
	sb := s.Sandbox
	profiles := append([]engine.Profile{{}}, engine.Profiles()...)
	strategies := append([]engine.Strategy{0}, engine.Strategies...)
	or := func(v, def string) string {
		if v == "" {
			return def
		}
		return v
	}
	own := b.T("knob.value.profile-own")
	tw, rng, strat := own, own, own
	if sb.TimeWait > 0 {
		tw = FmtSpanIn(b, sb.TimeWait)
	}
	if sb.Range != (engine.Range{}) {
		rng = sb.Range.String()
	}
	if sb.Strategy != 0 {
		strat = sb.Strategy.String()
	}
	ranges := sandboxRanges
	if slices.Index(ranges, sb.Range) < 0 {
		ranges = append([]engine.Range{sb.Range}, ranges...) // a range from the link stays one choice
	}
	pos := func(i int) int { return max(i, 0) }
	ks := []Knob{
		{b.T("knob.profile"), or(s.Profile.Name, b.T("knob.value.mixed"))},
		{b.T("knob.range"), rng},
		{b.T("knob.strategy"), strat},
		{b.T("knob.timewait"), tw},
		{b.T("knob.clients"), strconv.Itoa(sb.Clients)},
		{b.T("knob.rate"), b.T("knob.value.rate", "n", sb.Rate)},
		{b.T("knob.servers"), strconv.Itoa(sb.Dests)},
		{b.T("knob.udp"), b.T("knob.value.udp", "n", sb.UDP)},
	}
	steps := []func(*Settings, int){
		func(s *Settings, d int) {
			i := pos(slices.IndexFunc(profiles, func(p engine.Profile) bool { return p.Name == s.Profile.Name }))
			s.Profile = profiles[cycle(i, d, len(profiles))]
		},
		func(s *Settings, d int) {
			s.Sandbox.Range = ranges[cycle(pos(slices.Index(ranges, s.Sandbox.Range)), d, len(ranges))]
		},
		func(s *Settings, d int) {
			s.Sandbox.Strategy = strategies[cycle(pos(slices.Index(strategies, s.Sandbox.Strategy)), d, len(strategies))]
		},
		func(s *Settings, d int) {
			s.Sandbox.TimeWait = sandboxTimeWaits[cycle(pos(slices.Index(sandboxTimeWaits, s.Sandbox.TimeWait)), d, len(sandboxTimeWaits))]
		},
		func(s *Settings, d int) { s.Sandbox.Clients = 1 + cycle(s.Sandbox.Clients-1, d, maxClients) },
		func(s *Settings, d int) {
			s.Sandbox.Rate = sandboxRates[cycle(pos(slices.Index(sandboxRates, s.Sandbox.Rate)), d, len(sandboxRates))]
		},
		func(s *Settings, d int) { s.Sandbox.Dests = 1 + cycle(s.Sandbox.Dests-1, d, len(sandboxServers)) },
		func(s *Settings, d int) {
			shares := sandboxUDPShares
			if slices.Index(shares, s.Sandbox.UDP) < 0 {
				shares = append([]int{s.Sandbox.UDP}, shares...) // a share from the link stays one choice
			}
			s.Sandbox.UDP = shares[cycle(pos(slices.Index(shares, s.Sandbox.UDP)), d, len(shares))]
		},
	}
	return ks, steps
}
