package lesson

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
	"github.com/portplay/portplay/engine/sim"
	"github.com/portplay/portplay/lesson/phrase"
)

// player runs a scenario's simulation for a front end. It owns the
// simulated time shown and keeps, from the events so far, what the view
// needs: each host's sockets, the packets in flight, recent failures and a
// history of port counts. It decides nothing itself: every port, state and
// error in it came from an event.
type player struct {
	sc  *scenario.Scenario
	sim *sim.Sim
	// engines are the simulation's hosts, in scenario order.
	engines []*engine.Host
	now     time.Duration
	hosts   []hostState
	// flights are the packets sent and not yet delivered at now.
	flights []sim.Event
	// events counts the events seen so far; kinds counts them by kind.
	events int
	kinds  [sim.GaveUp + 1]int
	// watch, if set, is a lesson's pause condition: the first event it
	// accepts is kept in hit.
	watch func(sim.Event) bool
	hit   *sim.Event
	// hitPrev is hit's host's port before hit of the same kind: the last
	// port it was given, or the source port of the last packet it sent.
	hitPrev uint16
	// tap, if set, sees every event (a terminal prints them).
	tap func(sim.Event)
	// recent are the latest events, for the log.
	recent eventRing
	// names are the connections as people name them: their client and
	// which of its connections each is, by connection number.
	names map[int]connName
	// sink is p.observe, made once: a method value made at every run of
	// the simulation would be garbage every frame.
	sink func(sim.Event)
	// until is where the advance in progress stops.
	until time.Duration
	// samples hold the client hosts' port counts every sampleEvery.
	samples     []Sample
	sampleEvery time.Duration
}

// hostState is one host's sockets as the events describe them.
type hostState struct {
	Name    string
	Addr    netip.Addr     // the first of Addrs
	Addrs   []netip.Addr   // every address, the first first
	Profile engine.Profile // with the scenario's overrides
	client  bool           // it opens connections
	server  bool           // it listens
	listens []netip.AddrPort
	// listenProto is each listen's protocol: a UDP one is a bound socket.
	listenProto []engine.Proto
	conns       map[int]connState // by connection number
	nTW         int               // how many of conns are in TIME_WAIT
	nUDP        int               // how many of conns are UDP sockets, no connections
	// addrText and profileText are the box's labels: the addresses, and
	// the OS marked where the profile holds unverified claims, in the
	// language of profileBook (worded again when the language changes).
	addrText, profileText string
	profileBook           *phrase.Book
	// A frame lists a few of thousands of connections; these find them
	// without a pass over conns. active holds the numbers of those not in
	// TIME_WAIT; twOrder the numbers of those that entered TIME_WAIT, in
	// that order, from twHead on (entries that have left are skipped).
	active  map[int]struct{}
	twOrder []int
	twHead  int
	// waiting are the connections that cannot go on yet (Waiting events,
	// without ephemeral ports), by connection number.
	waiting map[int]sim.Event
	busy    bool // the simulation says its one port serves a conversation
	// The ports its first and last two connections got, for a verdict's
	// reason.
	firstPort, lastPort, prevPort uint16
	lastSent                      uint16    // the source port of its last packet
	opened                        int       // connections it began so far
	queried                       int       // UDP queries it began so far
	fail                          sim.Event // the latest failure; Kind 0 if none
	failures                      int
	// failName is failOf's name, fail.Err's, worked out once per failure
	// (errors.As allocates, and a view is made every frame).
	failOf   error
	failName string
}

// connState is one side of a connection: its 4-tuple as this host sees it,
// its TCP state and since when.
type connState struct {
	id    int
	tuple engine.FourTuple
	state engine.ConnState
	since time.Duration
}

// connName names a connection for people: "alice's 2nd connection".
type connName struct {
	client string
	n      int
	query  bool // a UDP query, not a connection
}

// in is the connection's name in b's language: conn.name.
func (c connName) in(b *phrase.Book) string {
	if c.query {
		return b.T("query.name", "client", c.client, "nth", ordinal(b, c.n))
	}
	return b.T("conn.name", "client", c.client, "nth", ordinal(b, c.n))
}

// on is the name as host h's box lists it, in b's language: short, since
// the box says whose connection it is when it is its own ("3rd
// connection": conn.own), else whose ("carol's 1st": conn.other).
func (c connName) on(b *phrase.Book, h string) string { return newConnWords(b).name(c, h) }

// connWords are the messages a box's connection names are made of, in
// one language, read once: a box names its new rows every frame at high
// speed, each name in one allocation, the string's.
type connWords struct {
	own, other string
	queryOwn   string    // a UDP query's own name: query.own
	ord        [4]string // ordinal, ordinal.1, ordinal.2, ordinal.3
}

func newConnWords(b *phrase.Book) *connWords {
	raw := func(id string) string { s, _ := b.Raw(id); return s }
	return &connWords{own: raw("conn.own"), other: raw("conn.other"), queryOwn: raw("query.own"),
		ord: [4]string{raw("ordinal"), raw("ordinal.1"), raw("ordinal.2"), raw("ordinal.3")}}
}

// name is connection c's name on host h's box (connName.on).
func (w *connWords) name(c connName, h string) string {
	var buf [96]byte
	tmpl := w.other
	switch {
	case h == c.client && c.query:
		tmpl = w.queryOwn
	case h == c.client:
		tmpl = w.own
	}
	return string(w.fill(buf[:0], tmpl, c))
}

// fill appends tmpl to out, its {client}, {nth} and {n} filled in for
// c (phrase.Fill's rule, without its garbage: no func value, so that out
// stays on the caller's stack).
func (w *connWords) fill(out []byte, tmpl string, c connName) []byte {
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			return append(out, tmpl...)
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			return append(out, tmpl...)
		}
		out = append(out, tmpl[:i]...)
		switch tmpl[i+1 : i+j] {
		case "client":
			out = append(out, c.client...)
		case "nth":
			out = w.fill(out, w.ord[ordinalForm(c.n)], c)
		case "n":
			out = strconv.AppendInt(out, int64(c.n), 10)
		default:
			out = append(out, tmpl[i:i+j+1]...)
		}
		tmpl = tmpl[i+j+1:]
	}
}

// ordinal writes n as an ordinal in b's language: 1st, 2nd, 3rd, 4th,
// 11th, 21st. The messages ordinal.1, ordinal.2 and ordinal.3 are for the
// n ending in those digits (not in 11, 12, 13: English's CLDR ordinal
// rule), ordinal for the rest; a language whose ordinals do not vary so
// writes the same in all four.
func ordinal(b *phrase.Book, n int) string {
	return b.T([...]string{"ordinal", "ordinal.1", "ordinal.2", "ordinal.3"}[ordinalForm(n)], "n", n)
}

// ordinalForm is which ordinal message n takes: 1, 2 or 3, else 0.
func ordinalForm(n int) int {
	if d := n % 10; d >= 1 && d <= 3 && (n%100 < 11 || n%100 > 13) {
		return d
	}
	return 0
}

// Sample is how many of the client hosts' 4-tuples were in use and in
// TIME_WAIT at a moment, as the engine counts them.
type Sample struct {
	At          time.Duration
	InUse, Wait int
}

// samplesPerRun is how many samples a whole run is cut into for the chart.
const samplesPerRun = 240

func newPlayer(sc *scenario.Scenario) (*player, error) {
	s, err := sim.New(sc)
	if err != nil {
		return nil, err
	}
	p := &player{sc: sc, sim: s, engines: s.Hosts(), sampleEvery: max(sc.Duration/samplesPerRun, time.Millisecond), names: map[int]connName{}}
	for i, e := range s.Hosts() {
		name := sc.Hosts[i].Name
		p.hosts = append(p.hosts, hostState{
			Name: e.Name(), Addr: e.Addr(), Addrs: e.Addrs(), Profile: e.Profile(),
			addrText: addrText(e.Addrs()),
			client:   isClient(sc, name),
			server:   isServer(sc, name),
			conns:    map[int]connState{}, active: map[int]struct{}{}, waiting: map[int]sim.Event{},
		})
	}
	p.sink = p.observe
	// What happens at time 0 (the listeners) is there from the start; from
	// here on, every event at or before now has been observed.
	s.Run(0, p.sink)
	p.sample()
	return p, nil
}

// end is when the scenario stops: its duration.
func (p *player) end() time.Duration { return p.sc.Duration }

// finished says the run has reached the end of the scenario.
func (p *player) finished() bool { return p.now >= p.end() }

// advanceTo runs the simulation on to t (never back; see seek), recording
// what the view needs and a sample at every sampleEvery on the way.
func (p *player) advanceTo(t time.Duration) {
	t = min(t, p.end())
	p.until = t
	for p.now < t {
		next := (p.now/p.sampleEvery + 1) * p.sampleEvery
		step := min(next, t)
		p.sim.Run(step, p.sink)
		p.now = step
		if step == next {
			p.sample()
		}
	}
	kept := p.flights[:0]
	for _, e := range p.flights {
		if e.Arrive > p.now {
			kept = append(kept, e)
		}
	}
	clear(p.flights[len(kept):])
	p.flights = kept
}

// seek shows the network at time t: forward by running on, backward by
// running a fresh simulation (deterministic, so it repeats itself) to t.
func (p *player) seek(t time.Duration) {
	t = max(0, min(t, p.end()))
	if t < p.now {
		fresh, err := newPlayer(p.sc)
		if err != nil {
			return // the same scenario built once already; it cannot fail now
		}
		fresh.watch = p.watch
		*p = *fresh
		p.sink = p.observe // fresh's was bound to fresh
	}
	p.advanceTo(t)
}

// runUntil steps from event to event until watch accepts one (or the run
// ends) and returns it: a lesson's way to reach its next pause exactly.
func (p *player) runUntil(watch func(sim.Event) bool) (sim.Event, bool) {
	p.watch, p.hit = watch, nil
	defer func() { p.watch = nil }()
	for p.hit == nil && !p.finished() {
		p.stepForward()
	}
	if p.hit == nil {
		return sim.Event{}, false
	}
	return *p.hit, true
}

// nextEvent is when the next event happens, if one does before the end.
func (p *player) nextEvent() (time.Duration, bool) {
	at, ok := p.sim.Next()
	if !ok || at > p.end() {
		return 0, false
	}
	return at, true
}

// stepForward moves to the next moment something happens.
func (p *player) stepForward() {
	if at, ok := p.nextEvent(); ok {
		p.advanceTo(at)
	} else {
		p.advanceTo(p.end())
	}
}

// stepBack moves to the latest moment before now at which something
// happened, by replaying the run up to now.
func (p *player) stepBack() {
	if p.now == 0 {
		return
	}
	s, err := sim.New(p.sc)
	if err != nil {
		return
	}
	prev := time.Duration(0)
	s.Run(p.now-1, func(e sim.Event) { prev = e.At })
	p.seek(prev)
}

// observe folds one event into the view's state.
func (p *player) observe(e sim.Event) {
	if p.tap != nil {
		p.tap(e)
	}
	p.events++
	p.recent.add(e)
	if _, ok := p.names[e.Conn]; !ok && e.Conn > 0 {
		// A connection's first event is its client's: the connect.
		h := &p.hosts[p.hostIndex(e.Host)]
		if e.Tuple.Proto == engine.UDP {
			// A UDP query is no connection: its own count, its own noun.
			h.queried++
			p.names[e.Conn] = connName{e.Host, h.queried, true}
		} else {
			h.opened++
			p.names[e.Conn] = connName{e.Host, h.opened, false}
		}
	}
	if int(e.Kind) < len(p.kinds) {
		p.kinds[e.Kind]++
	}
	h := &p.hosts[p.hostIndex(e.Host)]
	if p.watch != nil && p.hit == nil && p.watch(e) {
		hit := e // a copy: taking e's own address would put every event on the heap
		p.hit = &hit
		// The host's port of the same kind before it (AnswerPortStep).
		p.hitPrev = h.lastPort
		if e.Kind == sim.Packet {
			p.hitPrev = h.lastSent
		}
	}
	switch e.Kind {
	case sim.Listen:
		if e.Err == nil {
			h.listens = append(h.listens, e.Tuple.Local)
			h.listenProto = append(h.listenProto, e.Tuple.Proto)
		} else {
			h.fail, h.failures = e, h.failures+1
		}
	case sim.Waiting:
		h.waiting[e.Conn] = e
	case sim.Serving:
		h.busy = e.Busy
	case sim.PortAllocated:
		h.unwait(e.Conn)
		h.prevPort, h.lastPort = h.lastPort, e.Tuple.Local.Port()
		if h.firstPort == 0 {
			h.firstPort = h.lastPort
		}
	case sim.ConnectFailed:
		h.fail, h.failures = e, h.failures+1
		h.drop(e.Conn)
	case sim.State:
		switch e.State {
		case engine.Closed:
			h.drop(e.Conn)
		case engine.TimeWait:
			// Again for a connection in TIME_WAIT: its peer's FIN came
			// again and TIME_WAIT starts over; it is listed once.
			old, ok := h.conns[e.Conn]
			again := ok && old.state == engine.TimeWait
			h.drop(e.Conn)
			h.conns[e.Conn] = connState{id: e.Conn, tuple: e.Tuple, state: e.State, since: e.At}
			h.nTW++
			if !again {
				h.twOrder = append(h.twOrder, e.Conn)
			}
		default:
			h.unwait(e.Conn) // a waiting SYN was taken (the thought experiment)
			old, ok := h.conns[e.Conn]
			if ok && old.state == engine.TimeWait {
				h.nTW--
			}
			if !ok && e.Tuple.Proto == engine.UDP {
				h.nUDP++
			}
			h.conns[e.Conn] = connState{id: e.Conn, tuple: e.Tuple, state: e.State, since: e.At}
			h.active[e.Conn] = struct{}{}
		}
	case sim.Packet:
		h.lastSent = e.Tuple.Local.Port()
		if e.Arrive > p.until { // one delivered before the view is shown is never drawn
			p.flights = append(p.flights, e)
		}
	case sim.Unreachable:
		// The ICMP message flies back to the datagram's sender.
		if !e.Limited && e.Arrive > p.until {
			p.flights = append(p.flights, e)
		}
	}
}

// unwait ends connection id's wait on h.
func (h *hostState) unwait(id int) {
	delete(h.waiting, id)
}

// drop forgets connection id on h.
func (h *hostState) drop(id int) {
	if old, ok := h.conns[id]; ok && old.state == engine.TimeWait {
		h.nTW--
	} else if ok && old.tuple.Proto == engine.UDP {
		h.nUDP--
	}
	delete(h.conns, id)
	delete(h.active, id)
}

// hostIndex is the index of the host named name; every name in an event
// or the scenario is one of the hosts (the scenario package checked).
func (p *player) hostIndex(name string) int {
	for i := range p.hosts {
		if p.hosts[i].Name == name {
			return i
		}
	}
	return 0
}

// hostByAddr is the index of the host with address a, or -1.
func (p *player) hostByAddr(a netip.Addr) int {
	for i := range p.hosts {
		if p.hosts[i].Addr == a || engine.HasAddr(p.hosts[i].Addrs, a) {
			return i
		}
	}
	return -1
}

// The loops here and in view.go are slices' functions written out: a
// generic instantiation over a type that holds a netip.Addr marks the
// address used in an interface, and the browser build then keeps every
// exported method of netip's types (engine.HasAddr says more).

// firstClient is the index of the first host that connects, or 0.
func (p *player) firstClient() int {
	for i := range p.hosts {
		if p.hosts[i].client {
			return i
		}
	}
	return 0
}

// listening reports whether h listens on a.
func (h *hostState) listening(a netip.AddrPort) bool {
	for _, l := range h.listens {
		if l == a {
			return true
		}
	}
	return false
}

// waitingIDs are the connections h holds waiting, in order.
func (h *hostState) waitingIDs() []int {
	ids := make([]int, 0, len(h.waiting))
	for id := range h.waiting {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// addrText writes a host's addresses for its label: "10.0.0.10", or
// "10.0.0.10, 10.0.0.11" for a host with several.
func addrText(addrs []netip.Addr) string {
	s := make([]string, len(addrs))
	for i, a := range addrs {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

// profileText is a host's OS as its box names it: the profile's title,
// a proper name ("Linux (4.2 and later)"), or where the profile holds
// claims no primary source supports (engine.Profile.Unverified;
// docs/facts-extra.md) its short proper name marked "partly unverified"
// ("Windows (partly unverified)"), so that a learner does not take them
// for facts and the box's line keeps room for the range after it. The
// help says what the mark means; the text mirror lists the claims.
func profileText(b *phrase.Book, p engine.Profile) string {
	if p.Unverified == "" {
		return osTitle(b, p)
	}
	return b.T("host.profile.unverified", "os", shortOSIn(b, p))
}

func (p *player) sample() { p.samples = append(p.samples, p.counts()) }

// counts are the client hosts' connections established and in TIME_WAIT
// now, as the engines hold them.
func (p *player) counts() Sample {
	s := Sample{At: p.now}
	for i, e := range p.engines {
		if p.hosts[i].client {
			est, tw := e.Conns(engine.TCP)
			udp, _ := e.Conns(engine.UDP) // connected UDP sockets: no TIME_WAIT
			s.InUse += est + udp + e.Unconnected(engine.UDP)
			s.Wait += tw
		}
	}
	return s
}

// firstConns returns, in the order they began, the first k of h's
// connections that keep accepts, and how many it accepts in all. A busy
// host holds thousands (most in TIME_WAIT) and a frame shows a few: this
// picks them in one pass, without sorting or copying them all.
func (h *hostState) firstConns(k int, keep func(connState) bool) ([]connState, int) {
	out := make([]connState, 0, k+1)
	n := 0
	for _, c := range h.conns {
		if keep(c) {
			n++
			out = insertFirst(out, c, k)
		}
	}
	return out, n
}

// firstRows is firstConns for the two lists a host box shows, without a
// pass over all connections: the first k at work (by number) and the first
// k to have entered TIME_WAIT (by number among themselves).
// They are appended to active[:0] and tw[:0], so that a caller's buffers
// are reused.
func (h *hostState) firstRows(k int, active, tw []connState) ([]connState, []connState) {
	active = active[:0]
	for id := range h.active {
		active = insertFirst(active, h.conns[id], k)
	}
	// Entries whose connection has left TIME_WAIT are dropped from the
	// front, where they gather: TIME_WAIT has one length per host.
	inTW := func(id int) bool { c, ok := h.conns[id]; return ok && c.state == engine.TimeWait }
	for h.twHead < len(h.twOrder) && !inTW(h.twOrder[h.twHead]) {
		h.twHead++
	}
	if h.twHead > 1024 && h.twHead*2 > len(h.twOrder) {
		n := copy(h.twOrder, h.twOrder[h.twHead:])
		h.twOrder, h.twHead = h.twOrder[:n], 0
	}
	tw = tw[:0]
	for _, id := range h.twOrder[h.twHead:] {
		if len(tw) == k {
			break
		}
		if inTW(id) {
			tw = insertFirst(tw, h.conns[id], k)
		}
	}
	return active, tw
}

// insertFirst puts c into out, kept sorted by id and at most k long.
func insertFirst(out []connState, c connState, k int) []connState {
	if len(out) == k && (k == 0 || c.id > out[k-1].id) {
		return out
	}
	i := len(out)
	out = append(out, c)
	for ; i > 0 && out[i-1].id > c.id; i-- {
		out[i] = out[i-1]
	}
	out[i] = c
	if len(out) > k {
		out = out[:k]
	}
	return out
}

// pace is how fast simulated time runs at speed 1: slowly while a packet is
// in flight, so that it can be followed along its link, and quickly through
// quiet stretches (a TIME_WAIT of a minute).
type pace struct {
	flight float64 // simulated seconds per real second while packets fly
	idle   float64 // simulated seconds per real second otherwise
}

// play moves time on by dt of real time at speed, within budget b. A
// quiet stretch ends at the next event, so that the slow motion starts
// with the packet it sends. It returns the part of the asked advance that
// was made: 1 unless the budget cut it short.
func (p *player) play(dt time.Duration, speed float64, pc pace, b Budget) float64 {
	rate := pc.idle
	// Slow motion while a packet crosses its link; a copy held in the
	// network for seconds (a scenario's duplicate) does not hold it up.
	flying := false
	for _, e := range p.flights {
		if e.Delay == 0 {
			flying = true
			break
		}
	}
	if flying {
		rate = pc.flight
	}
	target := p.now + time.Duration(float64(dt)*rate*speed)
	if !flying {
		if at, ok := p.nextEvent(); ok && at < target && pc.flight < pc.idle {
			target = at
		}
	}
	if target == p.now && target < p.end() {
		target++ // always move: a speed too low for one nanosecond still plays
	}
	from := p.now
	if !p.advanceWithin(target, b) {
		return 1
	}
	return float64(p.now-from) / float64(min(target, p.end())-from)
}
