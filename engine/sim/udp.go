package sim

import (
	"cmp"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"time"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
)

// Payload sizes of a UDP query and its reply: a DNS query for
// www.example.com's IPv4 address (a 12-byte header, the name in 17 bytes,
// type and class: RFC 1035 §4.1) and its answer, the question again and
// one A record of 16 bytes. Package pcap writes them as DNS on port 53.
const (
	QueryLen = 33
	ReplyLen = 49
)

// udpSock is a send line's unconnected UDP socket, shared by the send
// lines of one client that name it. It is bound on its first send
// (engine.Host.Autobind) and closed once none of its lines has a query to
// send or a reply to wait for.
type udpSock struct {
	name   string
	client int
	id     engine.SocketID
	local  netip.AddrPort // the host's address and the bound port
	bound  bool
	conn   int // the query whose send bound it: its events carry this number
	// left is how many queries its lines have yet to start; pending how
	// many sent wait for their reply.
	left, pending int
}

// icmpBucket is Linux's rate limit of ICMP errors toward one peer
// (inet_peer_xrlim_allow, net/ipv4/inetpeer.c): tokens earned with time.
type icmpBucket struct {
	tokens, last time.Duration
}

// icmpRate is net.ipv4.icmp_ratelimit, 1000 ms: one ICMP error a second
// toward a peer, in bursts of up to xrlimBurst (XRLIM_BURST_FACTOR);
// destination unreachable is in the default icmp_ratemask (0x1818).
const (
	icmpRate   = time.Second
	xrlimBurst = 6
)

// newSockets numbers the send lines' sockets: spec k's is specs[k].sock.
func (s *Sim) newSockets() {
	named := map[[2]string]int{}
	for k, c := range s.sc.Connects {
		s.specs[k].sock = -1
		if !c.Send {
			continue
		}
		name := c.Socket
		if name == "" {
			name = "of line " + strconv.Itoa(c.Pos.Line)
			if c.Pos.Line == 0 { // a scenario built in Go has no lines
				name = "of connect " + strconv.Itoa(k+1)
			}
		}
		key := [2]string{c.From, name}
		i, ok := named[key]
		if !ok || c.Socket == "" {
			i = len(s.socks)
			named[key] = i
			s.socks = append(s.socks, udpSock{name: name, client: s.specs[k].client})
		}
		s.socks[i].left += c.Count
		s.specs[k].sock = i
	}
}

// lost draws whether the network loses a UDP datagram (`loss N%`).
func (s *Sim) lost() bool {
	return s.loss != nil && s.loss.Float64()*100 < s.sc.Loss
}

// pushUDP queues action k of UDP query slot at, counting it as one of the
// actions the query still waits for.
func (s *Sim) pushUDP(at time.Duration, k actKind, slot int32) {
	s.conns[slot].live++
	s.push(at, k, slot, 0)
}

// udpDone is the end of one of query slot's actions; with none left,
// nothing more can happen to it.
func (s *Sim) udpDone(slot int32) {
	c := &s.conns[slot]
	if c.live--; c.live == 0 {
		s.endConn(slot)
	}
}

// query starts UDP query slot: from a new connected socket (a connect
// line with proto udp) or from its send line's socket, bound on its first
// send.
func (s *Sim) query(slot int32) {
	c := &s.conns[slot]
	sp := &s.specs[c.spec]
	line := &s.sc.Connects[c.spec]
	cl := s.hosts[c.client]
	dst := netip.AddrPortFrom(sp.dst, line.Port)
	e := s.engineOf(c.client)
	if !line.Send {
		// socket(), connect(): the port is bound now, and no packet goes
		// out (UDP has no handshake, RFC 768).
		t, err := e.Connect(engine.UDP, dst)
		if err != nil {
			s.stats.Failed++
			s.emit(Event{Kind: ConnectFailed, Host: cl.name, Conn: c.id, Tuple: engine.FourTuple{Proto: engine.UDP, Local: netip.AddrPortFrom(e.Addr(), 0), Remote: dst}, Err: errno(err)})
			s.endConn(slot)
			return
		}
		c.tuple = t
		s.emit(Event{Kind: PortAllocated, Host: cl.name, Conn: c.id, Tuple: t})
		s.emit(Event{Kind: State, Host: cl.name, Conn: c.id, Tuple: t, State: engine.Bound})
	} else {
		so := &s.socks[sp.sock]
		so.left--
		if !so.bound {
			// The first sendto() binds the socket (inet_autobind).
			id, a, err := e.Autobind(engine.UDP, engine.SockOpts{})
			if err != nil {
				s.stats.Failed++
				s.emit(Event{Kind: ConnectFailed, Host: cl.name, Conn: c.id, Tuple: engine.FourTuple{Proto: engine.UDP, Local: netip.AddrPortFrom(e.Addr(), 0), Remote: dst}, Err: errno(err), Socket: so.name})
				s.endConn(slot)
				return
			}
			so.id, so.bound, so.conn = id, true, c.id
			so.local = netip.AddrPortFrom(e.Addr(), a.Port())
			// Unconnected: the socket has no peer; its first datagram's
			// destination is the allocation's, as for a connect.
			t := engine.FourTuple{Proto: engine.UDP, Local: so.local, Remote: dst}
			s.emit(Event{Kind: PortAllocated, Host: cl.name, Conn: c.id, Tuple: t, Socket: so.name})
			t.Remote = netip.AddrPort{}
			s.emit(Event{Kind: State, Host: cl.name, Conn: c.id, Tuple: t, State: engine.Bound, Socket: so.name})
		}
		so.pending++
		c.tuple = engine.FourTuple{Proto: engine.UDP, Local: so.local, Remote: dst}
	}
	s.peakPorts(c.client)
	s.datagram(c.client, slot, false)
	s.pushUDP(s.now+cmp.Or(line.Timeout, scenario.DefaultTimeout), actTimeout, slot)
}

// peakPorts counts host i's ports in use toward Stats.PeakPorts: its TCP
// connections (open or in TIME_WAIT), its connected UDP sockets and its
// send lines' bound sockets.
func (s *Sim) peakPorts(i int) {
	e := s.hosts[i].e
	est, tw := e.Conns(engine.TCP)
	udp, _ := e.Conns(engine.UDP)
	n := est + tw + udp
	for k := range s.socks {
		if s.socks[k].client == i && s.socks[k].bound {
			n++
		}
	}
	s.stats.PeakPorts = max(s.stats.PeakPorts, n)
}

// datagram sends query slot's query (from its client) or reply (from its
// server); the network may lose it (`loss`).
func (s *Sim) datagram(i int, slot int32, reply bool) {
	c := &s.conns[slot]
	n, arrive := QueryLen, actQueryArrive
	if reply {
		n, arrive = ReplyLen, actReplyArrive
	}
	t := c.view(i)
	s.emit(Event{Kind: Packet, Host: s.hosts[i].name, Conn: c.id, Tuple: t, Len: n, Arrive: s.now + s.sc.Latency, Reply: reply})
	if s.lost() {
		arrive = actDatagramLost
		if reply {
			arrive = actReplyLost
		}
	}
	c.live++
	s.pushArrival(arrive, slot)
}

// silent says whether action a is a UDP query's that emits no event: a
// query that reaches its socket, to be answered after the service time;
// a late reply that a send line's open socket takes; an ICMP error that
// no socket hears; a timeout whose query is over. Next does these at
// once, so that a player stepping from event to event never lands on a
// moment without one. They read only the engine's sockets, never its
// clock, and do the same whenever they are done.
func (s *Sim) silent(a action) bool {
	if a.kind < actQueryArrive {
		return false
	}
	c := &s.conns[a.a]
	line := &s.sc.Connects[c.spec]
	switch a.kind {
	case actQueryArrive:
		return s.specs[c.spec].service > 0 && s.hosts[c.server].e.Receives(c.view(c.server))
	case actReplyArrive:
		return (c.gaveUp || c.closed) && s.hosts[c.client].e.Receives(c.tuple)
	case actICMPArrive:
		return line.Send || c.replied || c.gaveUp || c.closed
	case actTimeout:
		return c.replied || c.closed
	}
	return false
}

// udpStep moves UDP query slot on by one action.
func (s *Sim) udpStep(k actKind, slot int32) {
	c := &s.conns[slot]
	line := &s.sc.Connects[c.spec]
	defer s.udpDone(slot)
	switch k {
	case actQueryArrive:
		// Receives reads sockets, not the clock (silent).
		st := c.view(c.server)
		if !s.hosts[c.server].e.Receives(st) {
			s.unreachable(c.server, slot, st)
			return
		}
		s.pushUDP(s.now+s.specs[c.spec].service, actReplySend, slot)
	case actReplySend:
		s.datagram(c.server, slot, true)
	case actDatagramLost, actReplyLost:
		i := c.client
		if k == actReplyLost {
			i = c.server
		}
		s.emit(Event{Kind: Lost, Host: s.hosts[i].name, Conn: c.id, Tuple: c.view(i), Reply: k == actReplyLost})
	case actReplyArrive:
		if c.gaveUp || c.closed {
			// The client stopped waiting: a socket that is still open
			// (a send line's, for its other queries) takes the reply and
			// the program drops it; with none, the host answers ICMP.
			if !s.hosts[c.client].e.Receives(c.tuple) {
				s.unreachable(c.client, slot, c.tuple)
			}
			return
		}
		c.replied = true
		s.stats.Completed++
		s.stats.LastDone = s.now
		s.emit(Event{Kind: Done, Host: s.hosts[c.client].name, Conn: c.id, Tuple: c.tuple})
		switch {
		case line.Send:
			s.answered(slot)
		case line.Hold > 0:
			s.pushUDP(s.now+line.Hold, actUDPClose, slot)
		default:
			s.closeUDP(slot)
		}
	case actTimeout:
		if c.replied || c.closed {
			return
		}
		c.gaveUp = true
		s.stats.Failed++
		s.emit(Event{Kind: GaveUp, Host: s.hosts[c.client].name, Conn: c.id, Tuple: c.tuple, Wait: cmp.Or(line.Timeout, scenario.DefaultTimeout)})
		if line.Send {
			s.answered(slot)
		} else {
			s.closeUDP(slot)
		}
	case actUDPClose:
		s.closeUDP(slot)
	case actICMPArrive:
		// An ICMP port unreachable for the query: Linux reports it to a
		// connected socket, whose recv() fails with ECONNREFUSED
		// (__udp4_lib_err: only to a connected socket, or with
		// IP_RECVERR); an unconnected one never hears of it and waits out
		// its timeout. The server drops one for its late reply.
		if line.Send || c.replied || c.gaveUp || c.closed {
			return
		}
		s.stats.Failed++
		s.emit(Event{Kind: ConnectFailed, Host: s.hosts[c.client].name, Conn: c.id, Tuple: c.tuple, Err: engine.ErrConnRefused})
		s.closeUDP(slot)
	}
}

// answered is the end of a send line's query (replied or given up): its
// socket closes once it has nothing left to send or wait for.
func (s *Sim) answered(slot int32) {
	c := &s.conns[slot]
	so := &s.socks[s.specs[c.spec].sock]
	c.closed = true
	if so.pending--; so.pending > 0 || so.left > 0 {
		return
	}
	e := s.engineOf(c.client)
	_ = e.CloseSocket(so.id) // bound, never connected: it closes
	so.bound = false
	t := engine.FourTuple{Proto: engine.UDP, Local: so.local}
	h := s.hosts[c.client].name
	s.emit(Event{Kind: State, Host: h, Conn: so.conn, Tuple: t, State: engine.Closed, Socket: so.name})
	s.emit(Event{Kind: PortReleased, Host: h, Conn: so.conn, Tuple: t, Socket: so.name})
}

// closeUDP closes query slot's connected socket: the port is free at once
// (no TIME_WAIT; engine.Host.Close).
func (s *Sim) closeUDP(slot int32) {
	c := &s.conns[slot]
	c.closed = true
	_ = s.engineOf(c.client).Close(c.tuple) // open until now: it closes
	h := s.hosts[c.client].name
	s.emit(Event{Kind: State, Host: h, Conn: c.id, Tuple: c.tuple, State: engine.Closed})
	s.emit(Event{Kind: PortReleased, Host: h, Conn: c.id, Tuple: c.tuple})
}

// unreachable is host i's answer to a datagram of query slot that found
// no socket at t.Local (t as host i sees it): an ICMP port unreachable
// (RFC 1122 §4.1.3.1; Linux's __udp4_lib_rcv), unless the rate limit
// holds it back.
func (s *Sim) unreachable(i int, slot int32, t engine.FourTuple) {
	c := &s.conns[slot]
	ok := s.icmpAllowed(i, t.Remote.Addr())
	s.emit(Event{Kind: Unreachable, Host: s.hosts[i].name, Conn: c.id, Tuple: t, Arrive: s.now + s.sc.Latency, Limited: !ok, Reply: i == c.client})
	if ok {
		c.live++
		s.pushArrival(actICMPArrive, slot)
	}
}

// icmpAllowed is Linux's rate limit of ICMP errors from host i toward
// dst: a bucket of tokens that grows by the time passed, up to
// xrlimBurst seconds' worth, and pays icmpRate per message; a new peer's
// bucket starts full (inet_getpeer sets rate_last 60 s back). The global
// limit (icmp_msgs_per_sec, 1000/s) is far above a scenario's rates.
func (s *Sim) icmpAllowed(i int, dst netip.Addr) bool {
	if s.icmp == nil {
		s.icmp = map[[2]int]*icmpBucket{}
	}
	key := [2]int{i, s.addrNum(dst)}
	b := s.icmp[key]
	if b == nil {
		b = &icmpBucket{last: s.now - 60*time.Second}
		s.icmp[key] = b
	}
	b.tokens = min(b.tokens+s.now-b.last, xrlimBurst*icmpRate)
	b.last = s.now
	if b.tokens < icmpRate {
		return false
	}
	b.tokens -= icmpRate
	return true
}

// newLoss is the random source of `loss`: its own, from the seed, so that
// a scenario's other random choices stay as they are.
func newLoss(sc *scenario.Scenario) *rand.Rand {
	if sc.Loss == 0 {
		return nil
	}
	return rand.New(rand.NewPCG(sc.Seed, 0x5b0b_1055))
}
