// Package pcap writes a simulation's packets as a pcap file that Wireshark
// and tshark open: every packet with its 4-tuple and flags, coherent
// sequence and acknowledgement numbers, valid checksums, and a small HTTP
// request and response on port 80 (zero bytes on other ports); UDP
// datagrams, DNS queries and answers on port 53 (zero bytes on other
// ports), and the ICMP port unreachable messages a datagram that found no
// socket got. The same scenario and seed always give the same bytes:
// `portsim pcap` and the app's export write through it.
package pcap

import (
	"encoding/binary"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
	"github.com/portplay/portplay/engine/sim"
)

// Epoch is simulated time 0 in a capture: fixed, so that the same
// scenario and seed always give the same file.
var Epoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// Write runs sc from its start to until and writes its packets to w.
func Write(w io.Writer, sc *scenario.Scenario, until time.Duration) (*Capture, error) {
	s, err := sim.New(sc)
	if err != nil {
		return nil, err
	}
	c, err := New(w, sc.Seed)
	if err != nil {
		return nil, err
	}
	s.Run(until, c.Add)
	return c, c.Err()
}

// Capture turns Packet events into Ethernet/IP/TCP frames in a pcap file.
// The frames are written by hand, not with gopacket: its layers package
// would add 4.6 MB to the browser's download for these three headers.
type Capture struct {
	seed    uint64
	w       io.Writer
	buf     []byte // the frame being written
	conns   map[int]*tcpConn
	ipID    map[netip.Addr]uint16 // each sender's next IPv4 identification
	packets int
	err     error  // the first write error; later packets are dropped
	l4      []byte // the transport segment being written
	// queries are the UDP queries seen; sentIP holds the IP packet of
	// each UDP datagram that may yet be answered with an ICMP error (it
	// quotes it), until its fate is known.
	queries map[int]bool
	sentIP  map[datagramKey][]byte
}

// datagramKey names a UDP datagram: its query's number, and whether it is
// the reply.
type datagramKey struct {
	conn  int
	reply bool
}

// tcpConn is one connection's sequence space, kept so that the capture
// reads as one coherent conversation: SYN and FIN take one number each,
// payload its length, and each side acknowledges what has reached it by
// the time it sends.
type tcpConn struct {
	client, server netip.AddrPort
	ends           [2]tcpEnd // client, server
	// body is how many bytes of the request's body (sim.Event.Upload) the
	// client has yet to send: its next data segments carry them.
	body int
}

type tcpEnd struct {
	next     uint32 // sequence number of the next byte to send
	rcvd     uint32 // next sequence number expected from the peer
	inflight []sent // sent, not yet arrived at the peer, oldest first
}

type sent struct {
	arrive time.Duration
	end    uint32
}

// New starts a capture of a run with seed (which fixes its sequence
// numbers) on w, writing the file's header.
func New(w io.Writer, seed uint64) (*Capture, error) {
	c := &Capture{seed: seed, w: w, conns: map[int]*tcpConn{}, ipID: map[netip.Addr]uint16{}, queries: map[int]bool{}, sentIP: map[datagramKey][]byte{}}
	// The classic libpcap header, little-endian, microsecond times:
	// version 2.4, UTC, snaplen 65535, link type 1 (Ethernet).
	var h [24]byte
	binary.LittleEndian.PutUint32(h[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], 65535)
	binary.LittleEndian.PutUint32(h[20:], 1)
	_, err := w.Write(h[:])
	return c, err
}

// TCP header flag bits (RFC 9293 §3.1).
const (
	flagFIN = 0x01
	flagSYN = 0x02
	flagRST = 0x04
	flagPSH = 0x08
	flagACK = 0x10
)

// tcpHeader is what a segment's TCP header says.
type tcpHeader struct {
	src, dst uint16
	seq, ack uint32
	flags    byte
}

// Err is the first error writing a packet met; the packets after it were
// dropped.
func (c *Capture) Err() error { return c.err }

// Packets is how many packets were written; Conns how many TCP
// connections and Queries how many UDP queries they belong to.
func (c *Capture) Packets() int { return c.packets }
func (c *Capture) Conns() int   { return len(c.conns) }
func (c *Capture) Queries() int { return len(c.queries) }

// Add is the simulation's sink: it writes each Packet event, and the ICMP
// message of each Unreachable one.
func (c *Capture) Add(e sim.Event) {
	if c.err != nil {
		return
	}
	switch {
	case e.Kind == sim.Packet && e.Tuple.Proto == engine.UDP:
		c.datagram(e)
		return
	case e.Kind == sim.Unreachable && !e.Limited:
		c.unreachable(e)
		return
	case e.Kind == sim.Done || e.Kind == sim.Lost:
		// The query was answered (or a datagram lost): no ICMP error
		// will quote its datagrams.
		delete(c.sentIP, datagramKey{e.Conn, false})
		delete(c.sentIP, datagramKey{e.Conn, e.Kind == sim.Done || e.Reply})
		return
	case e.Kind != sim.Packet:
		return
	}
	tc := c.conns[e.Conn]
	if tc == nil {
		// A connection's first packet is the client's SYN.
		tc = &tcpConn{client: e.Tuple.Local, server: e.Tuple.Remote}
		for i := range tc.ends {
			tc.ends[i].next = isn(c.seed, e.Conn, i)
		}
		c.conns[e.Conn] = tc
	}
	side := 0
	if e.Tuple.Local != tc.client {
		side = 1
	}
	me, peer := &tc.ends[side], &tc.ends[1-side]
	for len(peer.inflight) > 0 && peer.inflight[0].arrive <= e.At {
		me.rcvd = peer.inflight[0].end
		peer.inflight = peer.inflight[1:]
	}
	tcp := tcpHeader{src: e.Tuple.Local.Port(), dst: e.Tuple.Remote.Port(), seq: me.next}
	for _, f := range []struct {
		sim sim.Flags
		bit byte
	}{{sim.FIN, flagFIN}, {sim.SYN, flagSYN}, {sim.RST, flagRST}, {sim.PSH, flagPSH}, {sim.ACK, flagACK}} {
		if e.Flags&f.sim != 0 {
			tcp.flags |= f.bit
		}
	}
	if tcp.flags&flagACK != 0 {
		tcp.ack = me.rcvd
	}
	n := uint32(e.Len)
	if tcp.flags&flagSYN != 0 {
		n++
	}
	if tcp.flags&flagFIN != 0 {
		n++
	}
	if e.Retransmit || e.Delay > 0 {
		// The same segment again (a retransmission, a copy the network
		// delivers late): its sequence number is the first one's, and it
		// brings the peer nothing new.
		tcp.seq = me.next - n
	} else {
		me.next += n
		me.inflight = append(me.inflight, sent{e.Arrive, me.next})
	}

	var data []byte
	if side == 0 && tc.body > 0 && e.Len > 0 {
		tc.body -= e.Len
		data = c.frame(e.Tuple.Local.Addr(), e.Tuple.Remote.Addr(), tcp, body(e.Len))
	} else {
		data = c.frame(e.Tuple.Local.Addr(), e.Tuple.Remote.Addr(), tcp, payload(e.Len, side == 0, tc.server, e.Upload))
		if e.Upload > 0 {
			tc.body = e.Upload
		}
	}
	c.record(e.At, data)
}

// record writes one frame sent at simulated time at.
func (c *Capture) record(at time.Duration, data []byte) {
	ts := Epoch.Add(at)
	var h [16]byte
	binary.LittleEndian.PutUint32(h[0:], uint32(ts.Unix()))
	binary.LittleEndian.PutUint32(h[4:], uint32(ts.Nanosecond()/1000))
	binary.LittleEndian.PutUint32(h[8:], uint32(len(data)))
	binary.LittleEndian.PutUint32(h[12:], uint32(len(data)))
	_, err := c.w.Write(h[:])
	if err == nil {
		_, err = c.w.Write(data)
	}
	c.err = err
	c.packets++
}

// frame writes one packet: Ethernet II, IPv4 (don't fragment, TTL 64)
// or IPv6 (hop limit 64), TCP without options, the payload, with lengths
// and checksums filled in, padded to Ethernet's 60-byte minimum.
func (c *Capture) frame(src, dst netip.Addr, tcp tcpHeader, data []byte) []byte {
	b := c.l4[:0]
	b = binary.BigEndian.AppendUint16(b, tcp.src)
	b = binary.BigEndian.AppendUint16(b, tcp.dst)
	b = binary.BigEndian.AppendUint32(b, tcp.seq)
	b = binary.BigEndian.AppendUint32(b, tcp.ack)
	b = append(b, 5<<4, tcp.flags)
	b = binary.BigEndian.AppendUint16(b, 65535) // window
	b = append(b, 0, 0, 0, 0)                   // checksum (below), urgent pointer
	b = append(b, data...)
	c.l4 = b
	return c.packet(src, dst, protoTCP, b, 16)
}

// IP protocol numbers (IANA): TCP, UDP, ICMP, ICMPv6.
const (
	protoTCP    = 6
	protoUDP    = 17
	protoICMP   = 1
	protoICMPv6 = 58
)

// packet writes Ethernet II and IPv4 (TTL 64) or IPv6
// (hop limit 64) around the transport segment l4, whose checksum at
// offset ck it fills in, and pads the frame to Ethernet's 60-byte
// minimum. The checksum covers a pseudo-header of the addresses, the
// protocol and the length, then the segment (TCP: RFC 9293 §3.1; UDP: RFC
// 768; IPv6: RFC 8200 §8.1), except ICMP's over IPv4, which covers the
// message alone (RFC 792). A UDP checksum that comes out 0 is sent as
// 0xffff, 0 meaning none (RFC 768).
func (c *Capture) packet(src, dst netip.Addr, proto byte, l4 []byte, ck int) []byte {
	b := c.buf[:0]
	dm, sm := mac(dst), mac(src)
	b = append(b, dm[:]...)
	b = append(b, sm[:]...)
	if src.Is4() {
		b = binary.BigEndian.AppendUint16(b, 0x0800)
		ip := len(b)
		id := c.ipID[src]
		c.ipID[src] = id + 1
		b = append(b, 0x45, 0)
		b = binary.BigEndian.AppendUint16(b, uint16(20+len(l4)))
		b = binary.BigEndian.AppendUint16(b, id)
		// Don't fragment, except on an ICMP error: Linux's ICMP socket
		// sends with IP_PMTUDISC_DONT (icmp_sk_init).
		if proto == protoICMP {
			b = append(b, 0, 0)
		} else {
			b = binary.BigEndian.AppendUint16(b, 0x4000)
		}
		b = append(b, 64, proto, 0, 0) // TTL, protocol, the checksum below
		s4, d4 := src.As4(), dst.As4()
		b = append(b, s4[:]...)
		b = append(b, d4[:]...)
		binary.BigEndian.PutUint16(b[ip+10:], ^fold(sum(b[ip:ip+20], 0)))
	} else {
		b = binary.BigEndian.AppendUint16(b, 0x86dd)
		b = append(b, 0x60, 0, 0, 0)
		b = binary.BigEndian.AppendUint16(b, uint16(len(l4)))
		b = append(b, proto, 64) // next header, hop limit
		s16, d16 := src.As16(), dst.As16()
		b = append(b, s16[:]...)
		b = append(b, d16[:]...)
	}
	t := len(b)
	b = append(b, l4...)
	var pseudo uint32
	switch {
	case proto == protoICMP:
	case src.Is4():
		s4, d4 := src.As4(), dst.As4()
		pseudo = sum(s4[:], sum(d4[:], uint32(proto)+uint32(len(l4))))
	default:
		s16, d16 := src.As16(), dst.As16()
		pseudo = sum(s16[:], sum(d16[:], uint32(proto)+uint32(len(l4))))
	}
	check := ^fold(sum(b[t:], pseudo))
	if proto == protoUDP && check == 0 {
		check = 0xffff
	}
	binary.BigEndian.PutUint16(b[t+ck:], check)
	for len(b) < 60 {
		b = append(b, 0)
	}
	c.buf = b
	return b
}

// sum adds b to acc as big-endian 16-bit words (the Internet checksum's
// sum, RFC 1071), an odd last byte as its high half.
func sum(b []byte, acc uint32) uint32 {
	for len(b) >= 2 {
		acc += uint32(b[0])<<8 | uint32(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		acc += uint32(b[0]) << 8
	}
	return acc
}

// fold folds the carries of a sum into 16 bits.
func fold(acc uint32) uint16 {
	for acc > 0xffff {
		acc = acc>>16 + acc&0xffff
	}
	return uint16(acc)
}

// mac is a made-up, locally administered Ethernet address for an IP address.
func mac(a netip.Addr) [6]byte {
	b := a.As16()
	return [6]byte{0x02, 0x00, b[12], b[13], b[14], b[15]}
}

// isn is a connection end's initial sequence number: random-looking, as
// real ones are, but fixed by the seed.
func isn(seed uint64, conn, end int) uint32 {
	x := seed ^ uint64(conn)<<1 ^ uint64(end)
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return uint32(x >> 32)
}

// payload is n bytes of application data: on port 80, an HTTP request from
// the client (a POST with a body of upload bytes to follow, if upload) or a
// response from the server, padded to n bytes, so that Wireshark shows a
// web conversation; otherwise zero bytes.
func payload(n int, fromClient bool, server netip.AddrPort, upload int) []byte {
	if n == 0 {
		return nil
	}
	if server.Port() == 80 {
		var s string
		if fromClient {
			s = httpRequest(n, server.Addr(), upload)
		} else {
			s = httpResponse(n)
		}
		if len(s) == n {
			return []byte(s)
		}
	}
	return make([]byte, n)
}

// body is n bytes of a request's body, following its head.
func body(n int) []byte { return []byte(strings.Repeat("u", n)) }

func httpRequest(n int, host netip.Addr, upload int) string {
	head := "GET / HTTP/1.1\r\nHost: " + host.String() + "\r\nUser-Agent: portsim\r\nX-Padding: "
	if upload > 0 {
		head = "POST / HTTP/1.1\r\nHost: " + host.String() + "\r\nUser-Agent: portsim\r\nContent-Length: " + strconv.Itoa(upload) + "\r\nX-Padding: "
	}
	const end = "\r\n\r\n"
	if pad := n - len(head) - len(end); pad >= 0 {
		return head + strings.Repeat("x", pad) + end
	}
	return ""
}

func httpResponse(n int) string {
	head := func(body int) string {
		return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + strconv.Itoa(body) + "\r\n\r\n"
	}
	// The header's length depends on the body's, which depends on the
	// header's: two rounds settle it.
	body := n - len(head(n))
	body = n - len(head(max(body, 0)))
	if body < 0 || len(head(body))+body != n {
		return ""
	}
	return head(body) + strings.Repeat("portplay\n", body/9+1)[:body]
}
