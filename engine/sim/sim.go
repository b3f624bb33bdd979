// Package sim runs a scenario as a deterministic discrete-event network on
// top of the allocation engine: hosts, listeners, clients that open TCP
// connections (three-way handshake, one request, one response, the close
// with TIME_WAIT on the side that closes first; with an upload, the
// request's body flowing to the server while its response comes back),
// link latency and server time. It reports what happens as a stream of Events with simulated
// timestamps; the same scenario gives the same events, every time.
//
// Without ephemeral ports (lesson 4's counterfactuals, scenario.Ports)
// every connection uses port 80 at both ends. In real TCP (NoEphemeral)
// the rules then imply one conversation per client-server pair at a time:
// the 4-tuple must be unique, so a client's next connection to a server
// waits until the last one's 4-tuple is free, TIME_WAIT included unless
// the engine's takeover rule ends it (reported as such); different clients
// still talk to the server at once; and a host that listens on :80 cannot
// bind :80 to fetch from another :80 server (EADDRINUSE). The thought
// experiment (Serial) adds a server that serves one conversation at a time
// on its one port, from its SYN to its response, while the other SYNs
// wait (Serving events). Complete runs a
// scenario in each mode to its end, for comparing them.
package sim

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"net/netip"
	"slices"
	"time"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
	"github.com/portplay/portplay/internal/u64map"
)

// linux is the profile of a host without one (as engine.NewHost takes it).
var linux, _ = engine.ProfileByName("linux")

// Payload sizes of the one request and one response of a connection, and
// of each segment of an upload (a connect line's upload option).
const (
	RequestLen  = 120
	ResponseLen = 1400
	BodyLen     = 1400
)

// BodyGap is the time between an upload's segments: a pace of the
// simulation's, slow enough to watch (a real sender sends as fast as its
// window and the network allow).
const BodyGap = 18 * time.Millisecond

// Stats sum up a run.
type Stats struct {
	Started   int           // connections whose client tried to connect
	Completed int           // connections that got their response
	Failed    int           // connections whose connect() failed
	LastDone  time.Duration // when the last response arrived: the completion time
	TotalWait time.Duration // time connections spent waiting to start (for their 4-tuple)
	// For UDP, Started counts queries, Completed those answered and
	// Failed those whose send failed or that got no reply in time.
	// ServerWait is the time SYNs spent queued for the server's one
	// port (scenario.Serial only; 0 otherwise). TotalWait+ServerWait is
	// all the waiting a run did.
	ServerWait time.Duration
	// PeakPorts is the most 4-tuples any one client host held at once
	// (established or in TIME_WAIT), and ports its UDP sockets held.
	PeakPorts int
}

// Sim is one run of a scenario. It is not safe for concurrent use.
type Sim struct {
	sc    *scenario.Scenario
	hosts []*host
	// addrs are every host's addresses, numbered (for twKey and actRetry)
	// in the order of the hosts and of each host's addresses.
	addrs  []netip.Addr
	byAddr map[netip.Addr]int // the inverse of addrs
	now    time.Duration
	seq    uint64
	q      queue
	conns  []conn
	free   []int32 // reusable conn slots
	nextID int
	specs  []spec
	sink   func(Event)
	stats  Stats
	// The scenario's faults, by connection number: whose last ACK is
	// lost (until it is), and how late a copy of whose response arrives;
	// copies are those sent, until they arrive.
	lose   map[int]bool
	dup    map[int]time.Duration
	copies []copied
	// UDP: the send lines' sockets, the source of `loss`'s draws (nil
	// without loss), and each host's ICMP rate limit per peer.
	socks []udpSock
	loss  *rand.Rand
	icmp  map[[2]int]*icmpBucket
}

// copied is a copy of a connection's response held in the network: the
// connection as it was when the copy left, for its arrival long after.
type copied struct {
	id             int
	client, server int
	tuple          engine.FourTuple // as the client sees it
}

// RetransmitAfter is when an unacknowledged FIN is sent again: the
// retransmission timeout (RTO) after one round-trip measurement R is
// R + 4·R/2 = 3R (RFC 6298 §2.2), and never less than 1 s (§2.4).
func RetransmitAfter(latency time.Duration) time.Duration {
	return max(time.Second, 6*latency)
}

// spec is a connect line with its hosts resolved and its starts counted.
type spec struct {
	client, server int
	dst            netip.Addr    // the server's address it connects to
	service        time.Duration // the server's time per request: its listener's
	// serviceExact: service is that of a listener on dst itself, which a
	// wildcard one does not override.
	serviceExact bool
	started      int
	sock         int // a send line's socket: its index in Sim.socks; -1 for others
}

type host struct {
	name string
	e    *engine.Host
	// tw names the connection of each of the host's TIME_WAIT 4-tuples,
	// keyed by twKey: the engine reports an end (expiry or takeover) with
	// the 4-tuple alone.
	tw u64map.Map[int]
	// For the thought experiment (scenario.Serial): whether the one port
	// is serving a conversation, and the connections whose SYN waits for
	// it to listen again (conn slots), in arrival order.
	busy    bool
	backlog []int32
	// expiring: an actExpire is queued for the host's earliest TIME_WAIT.
	// One at a time: TIME_WAIT has one length per host, so they end in
	// the order they began and one wake-up can chain to the next.
	expiring bool
	// waiting: conn slots whose client waits for its 4-tuple to free up,
	// per server address.
	waiting map[netip.Addr][]int32
}

type conn struct {
	id             int
	spec           int
	client, server int
	tuple          engine.FourTuple // as the client sees it
	// queuedAt is when it began to wait: at its start, for a port; then
	// (scenario.Serial) when its SYN joined the server's backlog.
	queuedAt time.Duration
	waited   time.Duration
	// upload is how many of the upload's segments the client has yet to
	// send; uploaded is when the last reaches the server, once it is sent;
	// answered: the response reached the client before it was, so its
	// send schedules the close.
	upload   int
	uploaded time.Duration
	answered bool
	// UDP: how many of the query's actions are queued (its slot is free
	// once none is), and whether its reply came, it gave up waiting, or
	// its socket closed (or it stopped waiting on a send line's socket).
	live                    int32
	replied, gaveUp, closed bool
}

// New prepares a run of sc, which it checks first (scenario.Check: a
// scenario built as a Go value gets the checks a parsed one had).
func New(sc *scenario.Scenario) (*Sim, error) {
	if err := sc.Check(); err != nil {
		return nil, err
	}
	s := &Sim{sc: sc, byAddr: map[netip.Addr]int{}}
	// Whether a peer answers TCP timestamps is its own profile's matter
	// (Linux's TIME_WAIT takeover needs them); most scenarios have no
	// host without, and then the engine is asked nothing.
	var peerTS func(netip.Addr) bool
	noTS := map[netip.Addr]bool{}
	for _, hs := range sc.Hosts {
		if p := cmp.Or(hs.Profile, linux); hs.NoTimestamps || !p.Timestamps {
			for _, a := range hs.Addrs() {
				noTS[a] = true
			}
		}
	}
	if len(noTS) > 0 {
		peerTS = func(a netip.Addr) bool { return !noTS[a] }
	}
	for i, hs := range sc.Hosts {
		h := &host{name: hs.Name, waiting: map[netip.Addr][]int32{}}
		e, err := engine.NewHost(engine.HostConfig{
			Name: hs.Name, Addr: hs.Addr, More: hs.More, Profile: hs.Profile, Seed: sc.Seed + uint64(i),
			Range: hs.Range, TimeWait: hs.TimeWait, Strategy: hs.Strategy,
			NoTimestamps: hs.NoTimestamps, PeerTimestamps: peerTS,
			// A connect or accept took over this 4-tuple's TIME_WAIT
			// (tcp_tw_reuse, bind then connect, a new SYN): that old
			// connection ends here, before the new one's events.
			OnTakeover: func(t engine.FourTuple) { s.timeWaitEnded(h, t, true) },
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", hs.Pos, err)
		}
		h.e = e
		s.hosts = append(s.hosts, h)
		for _, a := range hs.Addrs() {
			s.byAddr[a] = len(s.addrs)
			s.addrs = append(s.addrs, a)
		}
	}
	for _, f := range sc.Faults {
		switch f.Kind {
		case scenario.LoseLastAck:
			if s.lose == nil {
				s.lose = map[int]bool{}
			}
			s.lose[f.Conn] = true
		case scenario.DuplicateResponse:
			if s.dup == nil {
				s.dup = map[int]time.Duration{}
			}
			s.dup[f.Conn] = f.Delay
		}
	}
	for i := range sc.Listens {
		s.push(0, actListen, int32(i), 0)
	}
	for i, c := range sc.Connects {
		s.specs = append(s.specs, spec{client: s.hostIndex(c.From), server: s.hostIndex(c.To), dst: c.Dst(sc.Hosts)})
		s.push(c.At, actStart, int32(i), 0)
	}
	s.newSockets()
	s.loss = newLoss(sc)
	return s, nil
}

// Complete runs a copy of sc with its connections' ports set to ports
// until nothing is left to happen (every connection done or failed, every
// TIME_WAIT over), whatever sc's Duration, and sums it up: lesson 4
// compares scenario.PortModes this way.
func Complete(sc *scenario.Scenario, ports scenario.Ports) (Stats, error) {
	cp := *sc
	cp.Ports = ports
	s, err := New(&cp)
	if err != nil {
		return Stats{}, err
	}
	s.Run(math.MaxInt64, nil)
	return s.Stats(), nil
}

// Hosts gives the engine host of each scenario host, in scenario order,
// for views that draw their ports.
func (s *Sim) Hosts() []*engine.Host {
	out := make([]*engine.Host, len(s.hosts))
	for i, h := range s.hosts {
		out[i] = h.e
	}
	return out
}

// Now is the simulated time reached so far.
func (s *Sim) Now() time.Duration { return s.now }

// Stats sums up the run so far.
func (s *Sim) Stats() Stats { return s.stats }

// Run runs until simulated time until (inclusive) or until nothing is left
// to do, calling sink, if not nil, with each event in order. Run can be
// called again to go on; to go back, start a new Sim and run it to the
// earlier time with a nil sink, which is fast.
func (s *Sim) Run(until time.Duration, sink func(Event)) {
	s.sink = sink
	for {
		a, ok := s.q.popDue(until)
		if !ok {
			break
		}
		s.now = a.at
		s.do(a)
	}
	if until > s.now {
		s.now = until
	}
	s.sink = nil
}

// Next is when the next thing happens, if anything is left to happen: a
// player skips quiet stretches by jumping to it.
func (s *Sim) Next() (time.Duration, bool) {
	for !s.q.empty() {
		a := s.q.first()
		if s.silent(a) {
			// A UDP action that changes what is to come but shows
			// nothing (udpSilent): do it now, and wake for what shows.
			s.q.popDue(a.at)
			now := s.now
			s.now = a.at
			s.do(a)
			s.now = now
			continue
		}
		if a.kind == actExpire {
			if at, ok := s.hosts[a.a].e.NextExpiry(); !ok || at > a.at {
				// The TIME_WAIT it wakes for was taken over or started
				// again: nothing happens then. Wake for what does.
				s.q.popDue(a.at)
				s.hosts[a.a].expiring = false
				s.wakeForExpiry(int(a.a))
				continue
			}
		}
		return a.at, true
	}
	return 0, false
}

// Done reports whether nothing is left to happen.
func (s *Sim) Done() bool { return s.q.empty() }

func (s *Sim) hostIndex(name string) int {
	for i, h := range s.hosts {
		if h.name == name {
			return i
		}
	}
	panic("sim: unknown host " + name) // the scenario package checked every reference
}

// The actions a run is made of, in the order a connection goes through them.
type actKind uint8

const (
	actListen         actKind = iota + 1 // a: the listen line
	actStart                             // a: connect spec; the k-th start is computed from the spec
	actSynArrive                         // a: conn slot
	actSynAckArrive                      //
	actRstArrive                         //
	actReqArrive                         //
	actRespSend                          //
	actRespArrive                        //
	actCloseStart                        //
	actFinArrive                         //
	actFinAckArrive                      //
	actLastAckArrive                     //
	actExpire                            // a: host
	actRetry                             // a: client host, b: the server address's number
	actLostArrive                        // a: conn slot (the closer's last ACK, lost)
	actFinResend                         // a: conn slot (the peer's FIN, unacknowledged)
	actFinAgainArrive                    // a: conn slot
	actCopyArrive                        // a: index into copies
	actBodySend                          // a: conn slot (the client's next upload segment)
	// UDP queries (a: conn slot, which stays the query's while any of
	// these is queued: conn.live)
	actQueryArrive
	actReplySend
	actReplyArrive
	actDatagramLost
	actReplyLost
	actTimeout
	actUDPClose
	actICMPArrive
)

type action struct {
	at   time.Duration
	seq  uint64
	kind actKind
	a, b int32
}

// queue holds the actions to come and gives them back by (at, seq). Most
// actions are a packet's arrival, one latency after it is sent: as time
// never goes back and seq only grows, those are pushed in (at, seq) order
// already, and wait in a FIFO, the lane, that costs nothing to keep in
// order. The rest wait in a binary min-heap. The heap is written out
// rather than built on container/heap, whose interface boxes every action
// it pushes and pops: an allocation each, millions per simulated hour.
type queue struct {
	heap     heap
	lane     []action // lane[laneHead:] are in (at, seq) order
	laneHead int
}

func (q *queue) empty() bool { return len(q.heap) == 0 && q.laneHead == len(q.lane) }

// fromLane says whether the next action is the lane's head rather than
// the heap's top; the queue must not be empty.
func (q *queue) fromLane() bool {
	return q.laneHead < len(q.lane) && (len(q.heap) == 0 || !q.heap[0].before(q.lane[q.laneHead]))
}

// first is the next action; the queue must not be empty.
func (q *queue) first() action {
	if q.fromLane() {
		return q.lane[q.laneHead]
	}
	return q.heap[0]
}

// popDue removes and returns the next action if there is one due by
// until: first and pop with one comparison of the lane and the heap.
func (q *queue) popDue(until time.Duration) (action, bool) {
	switch {
	case q.fromLane():
		if q.lane[q.laneHead].at > until {
			return action{}, false
		}
		return q.popLane(), true
	case len(q.heap) > 0 && q.heap[0].at <= until:
		return q.heap.pop(), true
	}
	return action{}, false
}

// pushLane queues a, which must come after every action in the lane.
func (q *queue) pushLane(a action) { q.lane = append(q.lane, a) }

func (q *queue) push(a action) { q.heap.push(a) }

// popLane removes and returns the lane's head; the lane must not be
// empty.
func (q *queue) popLane() action {
	a := q.lane[q.laneHead]
	q.laneHead++
	// Reuse the lane's storage once it has drained, or once most of it
	// is behind the head.
	if q.laneHead == len(q.lane) {
		q.lane, q.laneHead = q.lane[:0], 0
	} else if q.laneHead > 1024 && q.laneHead*2 > len(q.lane) {
		n := copy(q.lane, q.lane[q.laneHead:])
		q.lane, q.laneHead = q.lane[:n], 0
	}
	return a
}

// heap is a binary min-heap of actions by (at, seq).
type heap []action

func (a action) before(b action) bool {
	return a.at < b.at || a.at == b.at && a.seq < b.seq
}

func (q *heap) push(a action) {
	*q = append(*q, a)
	h := *q
	for i := len(h) - 1; i > 0; {
		up := (i - 1) / 2
		if !h[i].before(h[up]) {
			break
		}
		h[i], h[up] = h[up], h[i]
		i = up
	}
}

func (q *heap) pop() action {
	h := *q
	top := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h = h[:n]
	for i := 0; ; {
		l := 2*i + 1
		if l >= n {
			break
		}
		if r := l + 1; r < n && h[r].before(h[l]) {
			l = r
		}
		if !h[l].before(h[i]) {
			break
		}
		h[i], h[l] = h[l], h[i]
		i = l
	}
	*q = h
	return top
}

func (s *Sim) push(at time.Duration, k actKind, a, b int32) {
	s.seq++
	s.q.push(action{at: at, seq: s.seq, kind: k, a: a, b: b})
}

// pushArrival queues a packet's arrival one latency from now: the queue's
// lane, as every such arrival comes after those queued before it.
func (s *Sim) pushArrival(k actKind, slot int32) {
	s.seq++
	s.q.pushLane(action{at: s.now + s.sc.Latency, seq: s.seq, kind: k, a: slot})
}

func (s *Sim) emit(e Event) {
	if s.sink != nil {
		e.At = s.now
		s.sink(e)
	}
}

// engineOf advances host i's clock to now (reporting TIME_WAIT that ended)
// and returns it: every engine call goes through here.
func (s *Sim) engineOf(i int) *engine.Host {
	h := s.hosts[i]
	h.e.AdvanceTo(s.now, func(t engine.FourTuple) {
		s.timeWaitEnded(h, t, false)
		if len(h.waiting) > 0 && len(h.waiting[t.Remote.Addr()]) > 0 {
			// A client waits for this 4-tuple: let it try once the
			// engine call in progress is over.
			s.push(s.now, actRetry, int32(i), int32(s.byAddr[t.Remote.Addr()]))
		}
	})
	return h.e
}

// timeWaitEnded reports that the engine ended host h's TIME_WAIT entry t:
// it expired, or a new connection took it over.
func (s *Sim) timeWaitEnded(h *host, t engine.FourTuple, takeover bool) {
	id, _ := h.tw.Take(s.twKey(t))
	if s.sink != nil { // as in send: build no Event that nobody reads
		s.emit(Event{Kind: PortReleased, Host: h.name, Conn: id, Tuple: t, TakenOver: takeover})
		s.emit(Event{Kind: State, Host: h.name, Conn: id, Tuple: t, State: engine.Closed, TakenOver: takeover})
	}
}

// twKey is a TIME_WAIT 4-tuple t of one host as a number: both
// addresses' numbers and both ports. Its protocol is TCP and every peer
// is a scenario host, so no two of the host's 4-tuples share a key.
func (s *Sim) twKey(t engine.FourTuple) uint64 {
	return uint64(s.addrNum(t.Remote.Addr()))<<48 | uint64(s.addrNum(t.Local.Addr()))<<32 |
		uint64(t.Local.Port())<<16 | uint64(t.Remote.Port())
}

// addrNum is address a's number. A scenario has a handful of addresses:
// comparing them in turn is cheaper than hashing a.
func (s *Sim) addrNum(a netip.Addr) int {
	for i, b := range s.addrs {
		if a == b {
			return i
		}
	}
	panic("sim: no host has address " + a.String()) // every peer is a scenario host
}

// wakeForExpiry ends host i's TIME_WAITs that are due and, unless one is
// already queued, queues a wake-up for the next.
func (s *Sim) wakeForExpiry(i int) {
	e := s.engineOf(i)
	if s.hosts[i].expiring {
		return
	}
	if at, ok := e.NextExpiry(); ok {
		s.hosts[i].expiring = true
		s.push(at, actExpire, int32(i), 0)
	}
}

func (s *Sim) do(a action) {
	switch a.kind {
	case actListen:
		s.listen(int(a.a))
	case actStart:
		s.start(int(a.a))
	case actExpire:
		s.hosts[a.a].expiring = false
		s.wakeForExpiry(int(a.a))
	case actRetry:
		s.released(int(a.a), engine.FourTuple{Remote: netip.AddrPortFrom(s.addrs[a.b], 0)})
	case actCopyArrive:
		s.copyArrived(int(a.a))
	case actQueryArrive, actReplySend, actReplyArrive, actDatagramLost, actReplyLost, actTimeout, actUDPClose, actICMPArrive:
		s.udpStep(a.kind, a.a)
	default:
		s.step(a.kind, a.a)
	}
}

// listen runs listen line l.
func (s *Sim) listen(l int) {
	ls := &s.sc.Listens[l]
	i := s.hostIndex(ls.Host)
	h := s.hosts[i]
	local := netip.AddrPortFrom(ls.At(s.sc.Hosts), ls.Port)
	// Servers start as root to bind below 1024 (lesson 1's rule).
	opts := ls.Opts
	opts.Privileged = true
	proto := ls.Transport()
	var err error
	if proto == engine.UDP {
		// UDP has no listen(): a server binds its port and receives every
		// datagram sent to it.
		_, _, err = s.engineOf(i).Bind(proto, local, opts)
	} else {
		_, _, err = s.engineOf(i).ListenOpts(proto, local, opts)
	}
	s.emit(Event{Kind: Listen, Host: h.name, Tuple: engine.FourTuple{Proto: proto, Local: local}, Err: errno(err)})
	if err != nil {
		return // a refused listener serves nobody
	}
	// The connections this listener will accept take its service time:
	// those to its own address, and, if it is the wildcard, those to any
	// address no listener of its own serves (the exact address wins, as
	// in the engine's listener lookup). Within a SO_REUSEPORT group the
	// last listed sets it.
	for k := range s.specs {
		sp := &s.specs[k]
		if sp.server != i || s.sc.Connects[k].Port != ls.Port || s.sc.Connects[k].Transport() != proto {
			continue
		}
		if sp.dst == local.Addr() {
			sp.service, sp.serviceExact = ls.Service, true
		} else if local.Addr().IsUnspecified() && !sp.serviceExact {
			sp.service = ls.Service
		}
	}
}

// start begins one connection of spec i and schedules the next one.
func (s *Sim) start(i int) {
	sp := &s.specs[i]
	s.nextID++
	slot := s.newConn(conn{id: s.nextID, spec: i, client: sp.client, server: sp.server, queuedAt: s.now})
	s.stats.Started++
	if sp.started++; sp.started < s.sc.Connects[i].Count {
		s.push(s.now+s.sc.Connects[i].Every, actStart, int32(i), 0)
	}
	if s.sc.Connects[i].Transport() == engine.UDP {
		s.query(slot)
		return
	}
	s.open(slot)
}

// view is the connection as host i, its client or its server, sees it
// (they are never the same host: scenario.Check).
func (c *conn) view(i int) engine.FourTuple {
	if i == c.client {
		return c.tuple
	}
	return c.tuple.Reverse()
}

func (s *Sim) newConn(c conn) int32 {
	if n := len(s.free); n > 0 {
		slot := s.free[n-1]
		s.free = s.free[:n-1]
		s.conns[slot] = c
		return slot
	}
	s.conns = append(s.conns, c)
	return int32(len(s.conns) - 1)
}

func (s *Sim) endConn(slot int32) { s.free = append(s.free, slot) }

// open is the client's connect(): it takes a local port and sends the SYN,
// or fails, or (without ephemeral ports) waits for its 4-tuple.
func (s *Sim) open(slot int32) {
	c := &s.conns[slot]
	cl := s.hosts[c.client]
	dst := netip.AddrPortFrom(s.specs[c.spec].dst, s.sc.Connects[c.spec].Port)
	e := s.engineOf(c.client)
	var t engine.FourTuple
	var err error
	bind := -1 // the port bind() asked for, if it was bind() that failed
	switch {
	case s.sc.Connects[c.spec].Bind: // only with ephemeral ports (Check)
		var bindFailed bool
		if t, bindFailed, err = bindConnect(e, dst, s.sc.Connects[c.spec].Opts); bindFailed {
			bind = 0
		}
	case s.sc.Ports == scenario.Ephemeral:
		t, err = e.Connect(engine.TCP, dst)
	default:
		var busy error
		t, busy, err = s.connectFrom80(e, dst)
		if err != nil {
			bind = 80
		}
		if busy != nil {
			// The 4-tuple (client:80, server:80) is taken by this pair's
			// last conversation: wait for it to end, in start order. A
			// retry that must wait again (the 4-tuple went on to TIME_WAIT
			// that cannot be taken over) keeps its place at the front.
			w := cl.waiting[dst.Addr()]
			i := len(w)
			for i > 0 && s.conns[w[i-1]].id > c.id {
				i--
			}
			cl.waiting[dst.Addr()] = slices.Insert(w, i, slot)
			s.emit(Event{Kind: Waiting, Host: cl.name, Conn: c.id, Tuple: engine.FourTuple{Proto: engine.TCP, Local: netip.AddrPortFrom(e.Addr(), 80), Remote: dst}, Reason: TupleInUse, Err: busy})
			return
		}
	}
	if err != nil {
		s.stats.Failed++
		s.emit(Event{Kind: ConnectFailed, Host: cl.name, Conn: c.id, Tuple: engine.FourTuple{Proto: engine.TCP, Local: netip.AddrPortFrom(e.Addr(), uint16(max(bind, 0))), Remote: dst}, Err: errno(err), Bind: bind >= 0})
		s.endConn(slot)
		return
	}
	c.tuple = t
	c.waited = s.now - c.queuedAt
	s.stats.TotalWait += c.waited
	if est, tw := e.Conns(engine.TCP); est+tw > s.stats.PeakPorts {
		s.stats.PeakPorts = est + tw
	}
	if s.sink != nil {
		s.emit(Event{Kind: PortAllocated, Host: cl.name, Conn: c.id, Tuple: t})
		s.emit(Event{Kind: State, Host: cl.name, Conn: c.id, Tuple: t, State: engine.SynSent})
	}
	s.send(c.client, c, SYN, 0, actSynArrive, slot)
}

// bindConnect is bind(0) then connect() from that socket (a connect line's
// bind option); bindFailed says it was bind(0) that failed, with
// EADDRINUSE on Linux (facts §2 [AF]).
func bindConnect(e *engine.Host, dst netip.AddrPort, opts engine.SockOpts) (t engine.FourTuple, bindFailed bool, err error) {
	id, _, err := e.Bind(engine.TCP, netip.AddrPortFrom(e.Addr(), 0), opts)
	if err != nil {
		return engine.FourTuple{}, true, err
	}
	t, err = e.ConnectFrom(id, dst)
	if err != nil {
		// Give the port back; a bound, unconnected socket closes without fail.
		_ = e.CloseSocket(id)
	}
	return t, false, err
}

// errno is the engine Errno that err is or wraps, as an Event carries it;
// nil for nil.
func errno(err error) error {
	if e, ok := engine.IsErrno(err); ok {
		return e
	}
	return err
}

// connectFrom80 is the connect without ephemeral ports: bind the client to
// port 80 (as root, with SO_REUSEADDR so that its other conversations from
// :80, and a finished one's TIME_WAIT, do not block the bind), then
// connect from it. A bind that fails is final, err: the host itself
// listens on :80. A connect that fails means the 4-tuple is still taken
// (established, or in TIME_WAIT that the engine's takeover rule does not
// end: on Linux, a socket bound first takes it over at once, facts §2
// [TW]): connect() fails with busy, EADDRNOTAVAIL (Linux's
// __inet_check_established), and the client waits to try again.
func (s *Sim) connectFrom80(e *engine.Host, dst netip.AddrPort) (t engine.FourTuple, busy, err error) {
	id, _, err := e.Bind(engine.TCP, netip.AddrPortFrom(e.Addr(), 80), engine.SockOpts{Privileged: true, ReuseAddr: true})
	if err != nil {
		return t, nil, err
	}
	if t, busy = e.ConnectFrom(id, dst); busy != nil {
		return t, errno(busy), e.CloseSocket(id)
	}
	return t, nil, nil
}

// send emits a packet of connection c from host i, its client or its
// server, and schedules its arrival (arrive 0: a packet whose arrival
// changes nothing, such as the handshake's last ACK).
func (s *Sim) send(i int, c *conn, f Flags, n int, arrive actKind, slot int32) {
	if s.sink != nil { // an Event is large: build none that nobody reads
		s.emit(Event{Kind: Packet, Host: s.hosts[i].name, Conn: c.id, Tuple: c.view(i), Flags: f, Len: n, Arrive: s.now + s.sc.Latency})
	}
	if arrive != 0 {
		s.pushArrival(arrive, slot)
	}
}

// state reports that host i's side of connection c entered st.
func (s *Sim) state(i int, c *conn, st engine.ConnState) {
	if s.sink != nil {
		s.emit(Event{Kind: State, Host: s.hosts[i].name, Conn: c.id, Tuple: c.view(i), State: st})
	}
}

// step moves connection slot on by one arrival.
func (s *Sim) step(k actKind, slot int32) {
	c := &s.conns[slot]
	spec := &s.sc.Connects[c.spec]
	// The side that closes first (and holds TIME_WAIT) and its peer. Each
	// case takes the views of the connection it needs (c.view): a 4-tuple
	// is large, and most cases need one.
	closer, peer := c.client, c.server
	if spec.Closer == scenario.Server {
		closer, peer = c.server, c.client
	}
	switch k {
	case actSynArrive:
		srv := s.hosts[c.server]
		serial := s.sc.Ports == scenario.Serial
		if serial && srv.busy {
			// One port, one conversation at a time: while it serves
			// another, this SYN waits for the port to listen again.
			c.queuedAt = s.now
			srv.backlog = append(srv.backlog, slot)
			s.emit(Event{Kind: Waiting, Host: srv.name, Conn: c.id, Tuple: c.view(c.server), Reason: ServerBusy})
			return
		}
		st := c.view(c.server)
		if err := s.engineOf(c.server).Accept(st); err != nil {
			s.send(c.server, c, RST|ACK, 0, actRstArrive, slot)
			return
		}
		if serial {
			srv.busy = true
			s.emit(Event{Kind: Serving, Host: srv.name, Conn: c.id, Tuple: st, Busy: true})
		}
		s.state(c.server, c, engine.SynRcvd)
		s.send(c.server, c, SYN|ACK, 0, actSynAckArrive, slot)
	case actRstArrive:
		ct := c.tuple
		err := errno(s.engineOf(c.client).PassiveClose(ct))
		s.stats.Failed++
		if err == nil {
			err = engine.ErrConnRefused
		}
		s.emit(Event{Kind: ConnectFailed, Host: s.hosts[c.client].name, Conn: c.id, Tuple: ct, Err: err})
		s.emit(Event{Kind: PortReleased, Host: s.hosts[c.client].name, Conn: c.id, Tuple: ct})
		s.released(c.client, ct)
		s.endConn(slot)
	case actSynAckArrive:
		s.state(c.client, c, engine.Established)
		s.send(c.client, c, ACK, 0, 0, -1)
		if c.upload = spec.Upload; c.upload > 0 {
			// A request with a body: its segments follow BodyGap
			// apart, and the server does not wait for them to answer, so
			// data flows both ways at once. TCP is full duplex: each
			// direction has its own sequence numbers and window (a
			// segment carries its sender's sequence number, its
			// acknowledgment of the other direction and its own window,
			// RFC 9293 §3.1; SND and RCV variables apart, §3.3.1), and
			// neither waits for the other.
			if s.sink != nil {
				s.emit(Event{Kind: Packet, Host: s.hosts[c.client].name, Conn: c.id, Tuple: c.tuple, Flags: PSH | ACK, Len: RequestLen, Arrive: s.now + s.sc.Latency, Upload: c.upload * BodyLen})
			}
			s.pushArrival(actReqArrive, slot)
			s.push(s.now+BodyGap, actBodySend, slot, 0)
		} else {
			s.send(c.client, c, PSH|ACK, RequestLen, actReqArrive, slot)
		}
	case actBodySend:
		// The last segment's arrival changes what happens next, but is
		// no action of its own (Next would wake for a moment without an
		// event): what follows it is scheduled now.
		s.send(c.client, c, PSH|ACK, BodyLen, 0, -1)
		if c.upload--; c.upload > 0 {
			s.push(s.now+BodyGap, actBodySend, slot, 0)
			break
		}
		c.uploaded = s.now + s.sc.Latency
		if s.sc.Ports == scenario.Serial {
			// The thought experiment's port carries one direction at a
			// time (half duplex): it answers once the whole request is in.
			s.push(c.uploaded+s.specs[c.spec].service, actRespSend, slot, 0)
		}
		if c.answered {
			// The response came first: close once the last segment is in.
			s.push(c.uploaded+spec.Hold, actCloseStart, slot, 0)
		}
	case actReqArrive:
		s.state(c.server, c, engine.Established)
		if spec.Upload == 0 || s.sc.Ports != scenario.Serial {
			s.push(s.now+s.specs[c.spec].service, actRespSend, slot, 0)
		}
	case actRespSend:
		s.send(c.server, c, PSH|ACK, ResponseLen, actRespArrive, slot)
		if d, ok := s.dup[c.id]; ok {
			// The network delivers the response twice: the copy d later.
			at := s.now + s.sc.Latency + d
			s.emit(Event{Kind: Packet, Host: s.hosts[c.server].name, Conn: c.id, Tuple: c.view(c.server), Flags: PSH | ACK, Len: ResponseLen, Arrive: at, Delay: d})
			s.copies = append(s.copies, copied{c.id, c.client, c.server, c.tuple})
			s.push(at, actCopyArrive, int32(len(s.copies)-1), 0)
		}
	case actRespArrive:
		s.stats.Completed++
		s.stats.LastDone = s.now
		if s.sink != nil {
			s.emit(Event{Kind: Done, Host: s.hosts[c.client].name, Conn: c.id, Tuple: c.tuple, Wait: c.waited})
		}
		switch {
		case spec.Upload > 0 && c.upload > 0:
			c.answered = true // the upload's last segment schedules the close
		case spec.Upload > 0:
			s.push(max(s.now, c.uploaded)+spec.Hold, actCloseStart, slot, 0)
		default:
			s.push(s.now+spec.Hold, actCloseStart, slot, 0)
		}
		if srv := s.hosts[c.server]; s.sc.Ports == scenario.Serial {
			// The conversation is over: the one port listens again and
			// takes the SYN that waited longest.
			srv.busy = false
			s.emit(Event{Kind: Serving, Host: srv.name, Conn: c.id, Tuple: c.view(c.server)})
			if len(srv.backlog) > 0 {
				next := srv.backlog[0]
				srv.backlog = srv.backlog[1:]
				s.stats.ServerWait += s.now - s.conns[next].queuedAt
				s.step(actSynArrive, next)
			}
		}
	case actCloseStart:
		s.state(closer, c, engine.FinWait1)
		s.send(closer, c, FIN|ACK, 0, actFinArrive, slot)
	case actFinArrive:
		// The peer acknowledges the FIN and sends its own in one segment
		// (through CLOSE_WAIT in no time).
		s.state(peer, c, engine.LastAck)
		s.send(peer, c, FIN|ACK, 0, actFinAckArrive, slot)
		if s.lose[c.id] {
			// Its ACK will be lost: the FIN's retransmission timer fires.
			s.push(s.now+RetransmitAfter(s.sc.Latency), actFinResend, slot, 0)
		}
	case actFinAckArrive:
		// The FIN|ACK acknowledges the closer's FIN and carries the peer's:
		// FIN_WAIT_1 goes straight to TIME_WAIT, with no FIN_WAIT_2 (RFC
		// 793 §3.9). The side that closed first holds TIME_WAIT
		// (facts/ports.md §2 [DFLY]).
		i, t := closer, c.view(closer)
		e := s.engineOf(i)
		if err := e.Close(t); err == nil {
			s.hosts[i].tw.Put(s.twKey(t), c.id)
			s.wakeForExpiry(i)
		}
		s.state(i, c, engine.TimeWait)
		if s.lose[c.id] {
			delete(s.lose, c.id) // once: the next one gets through
			s.send(i, c, ACK, 0, actLostArrive, slot)
		} else {
			s.send(i, c, ACK, 0, actLastAckArrive, slot)
		}
		if i == c.client {
			s.released(c.client, t)
		}
	case actLostArrive:
		s.emit(Event{Kind: Lost, Host: s.hosts[closer].name, Conn: c.id, Tuple: c.view(closer), Flags: ACK})
	case actFinResend:
		s.emit(Event{Kind: Packet, Host: s.hosts[peer].name, Conn: c.id, Tuple: c.view(peer), Flags: FIN | ACK, Arrive: s.now + s.sc.Latency, Retransmit: true})
		s.pushArrival(actFinAgainArrive, slot)
	case actFinAgainArrive:
		// The closer still in TIME_WAIT for this connection acknowledges
		// the FIN again and restarts its 2×MSL (RFC 9293 §3.10.7.4); with
		// its TIME_WAIT over, it has no connection and answers with a RST
		// (§3.10.7.1). Either way the peer closes.
		i, t := closer, c.view(closer)
		e := s.engineOf(i)
		st, ok := e.Conn(t)
		owner, _ := s.hosts[i].tw.Get(s.twKey(t))
		if ok && st == engine.TimeWait && owner == c.id && e.RestartTimeWait(t) == nil {
			s.wakeForExpiry(i)
			s.state(i, c, engine.TimeWait)
			s.send(i, c, ACK, 0, actLastAckArrive, slot)
		} else {
			s.send(i, c, RST, 0, actLastAckArrive, slot)
		}
	case actLastAckArrive:
		i, t := peer, c.view(peer)
		if err := s.engineOf(i).PassiveClose(t); err == nil && s.sink != nil {
			s.emit(Event{Kind: PortReleased, Host: s.hosts[i].name, Conn: c.id, Tuple: t})
		}
		s.state(i, c, engine.Closed)
		if i == c.client {
			s.released(c.client, t)
		}
		s.endConn(slot)
	}
}

// released lets a client waiting for the same 4-tuple try again (without
// ephemeral ports only: with them nobody waits).
func (s *Sim) released(client int, t engine.FourTuple) {
	h := s.hosts[client]
	if len(h.waiting) == 0 {
		return
	}
	w := h.waiting[t.Remote.Addr()]
	if len(w) == 0 {
		return
	}
	next := w[0]
	if len(w) == 1 {
		delete(h.waiting, t.Remote.Addr())
	} else {
		h.waiting[t.Remote.Addr()] = w[1:]
	}
	s.open(next)
}

// copyArrived delivers copy k of a response, long after the original, to
// its client: what the client holds for that 4-tuple then decides what
// becomes of it (Event OldDuplicate).
func (s *Sim) copyArrived(k int) {
	cp := s.copies[k]
	i := cp.client
	h := s.hosts[i]
	e := Event{Kind: OldDuplicate, Host: h.name, Conn: cp.id, Tuple: cp.tuple, Flags: PSH | ACK, Len: ResponseLen}
	st, ok := s.engineOf(i).Conn(cp.tuple)
	reply := RST // no connection (RFC 9293 §3.10.7.1)
	if ok {
		e.State = st
		if st == engine.TimeWait {
			e.Into, _ = h.tw.Get(s.twKey(cp.tuple))
			reply = ACK // TIME_WAIT acknowledges and drops it (§3.10.7.4)
		} else {
			e.Into = s.connWith(cp.tuple)
			reply = 0 // the open connection's sequence numbers decide
		}
	}
	s.emit(e)
	if reply != 0 && s.sink != nil {
		c := conn{id: cp.id, client: cp.client, server: cp.server, tuple: cp.tuple}
		s.send(i, &c, reply, 0, 0, -1)
	}
}

// connWith is the number of the open connection whose client sees it as
// 4-tuple t, or 0: a look through every connection, for a rare event.
func (s *Sim) connWith(t engine.FourTuple) int {
	free := map[int32]bool{}
	for _, f := range s.free {
		free[f] = true
	}
	for k := range s.conns {
		if c := &s.conns[k]; !free[int32(k)] && c.tuple == t {
			return c.id
		}
	}
	return 0
}
