// Package pcap writes a simulation's packets as a pcap file that Wireshark
// and tshark open: every packet with its 4-tuple and flags, coherent
// sequence and acknowledgement numbers, valid checksums, and a small HTTP
// request and response on port 80 (zero bytes on other ports). The same
// scenario and seed always give the same bytes: `portsim pcap` and the
// app's export write through it.
package pcap

import (
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

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
type Capture struct {
	seed    uint64
	w       *pcapgo.Writer
	buf     gopacket.SerializeBuffer
	conns   map[int]*tcpConn
	ipID    map[netip.Addr]uint16 // each sender's next IPv4 identification
	packets int
	err     error // the first write error; later packets are dropped
}

// tcpConn is one connection's sequence space, kept so that the capture
// reads as one coherent conversation: SYN and FIN take one number each,
// payload its length, and each side acknowledges what has reached it by
// the time it sends.
type tcpConn struct {
	client, server netip.AddrPort
	ends           [2]tcpEnd // client, server
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
	c := &Capture{seed: seed, buf: gopacket.NewSerializeBuffer(), conns: map[int]*tcpConn{}, ipID: map[netip.Addr]uint16{}}
	c.w = pcapgo.NewWriter(w)
	return c, c.w.WriteFileHeader(65535, layers.LinkTypeEthernet)
}

// Err is the first error writing a packet met; the packets after it were
// dropped.
func (c *Capture) Err() error { return c.err }

// Packets is how many packets were written; Conns how many connections
// they belong to.
func (c *Capture) Packets() int { return c.packets }
func (c *Capture) Conns() int   { return len(c.conns) }

// Add is the simulation's sink: it writes each Packet event.
func (c *Capture) Add(e sim.Event) {
	if e.Kind != sim.Packet || c.err != nil {
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
	tcp := &layers.TCP{
		SrcPort: layers.TCPPort(e.Tuple.Local.Port()), DstPort: layers.TCPPort(e.Tuple.Remote.Port()),
		Seq: me.next, Window: 65535,
		FIN: e.Flags&sim.FIN != 0, SYN: e.Flags&sim.SYN != 0, RST: e.Flags&sim.RST != 0,
		PSH: e.Flags&sim.PSH != 0, ACK: e.Flags&sim.ACK != 0,
	}
	if tcp.ACK {
		tcp.Ack = me.rcvd
	}
	me.next += uint32(e.Len)
	if tcp.SYN {
		me.next++
	}
	if tcp.FIN {
		me.next++
	}
	me.inflight = append(me.inflight, sent{e.Arrive, me.next})

	data, err := c.frame(e.Tuple.Local.Addr(), e.Tuple.Remote.Addr(), tcp, payload(e.Len, side == 0, tc.server))
	if err == nil {
		ts := Epoch.Add(e.At)
		err = c.w.WritePacket(gopacket.CaptureInfo{Timestamp: ts, CaptureLength: len(data), Length: len(data)}, data)
	}
	c.err = err
	c.packets++
}

// frame serializes one packet with lengths and checksums filled in.
func (c *Capture) frame(src, dst netip.Addr, tcp *layers.TCP, data []byte) ([]byte, error) {
	eth := &layers.Ethernet{SrcMAC: mac(src), DstMAC: mac(dst)}
	var ip gopacket.SerializableLayer
	if src.Is4() {
		eth.EthernetType = layers.EthernetTypeIPv4
		id := c.ipID[src]
		c.ipID[src] = id + 1
		ip4 := &layers.IPv4{Version: 4, TTL: 64, Id: id, Flags: layers.IPv4DontFragment, Protocol: layers.IPProtocolTCP,
			SrcIP: net.IP(src.AsSlice()), DstIP: net.IP(dst.AsSlice())}
		if err := tcp.SetNetworkLayerForChecksum(ip4); err != nil {
			return nil, err
		}
		ip = ip4
	} else {
		eth.EthernetType = layers.EthernetTypeIPv6
		ip6 := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolTCP,
			SrcIP: net.IP(src.AsSlice()), DstIP: net.IP(dst.AsSlice())}
		if err := tcp.SetNetworkLayerForChecksum(ip6); err != nil {
			return nil, err
		}
		ip = ip6
	}
	opts := gopacket.SerializeOptions{ComputeChecksums: true, FixLengths: true}
	if err := gopacket.SerializeLayers(c.buf, opts, eth, ip, tcp, gopacket.Payload(data)); err != nil {
		return nil, err
	}
	return c.buf.Bytes(), nil
}

// mac is a made-up, locally administered Ethernet address for an IP address.
func mac(a netip.Addr) net.HardwareAddr {
	b := a.As16()
	return net.HardwareAddr{0x02, 0x00, b[12], b[13], b[14], b[15]}
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
// the client or a response from the server, padded to n bytes, so that
// Wireshark shows a web conversation; otherwise zero bytes.
func payload(n int, fromClient bool, server netip.AddrPort) []byte {
	if n == 0 {
		return nil
	}
	if server.Port() == 80 {
		var s string
		if fromClient {
			s = httpRequest(n, server.Addr())
		} else {
			s = httpResponse(n)
		}
		if len(s) == n {
			return []byte(s)
		}
	}
	return make([]byte, n)
}

func httpRequest(n int, host netip.Addr) string {
	head := "GET / HTTP/1.1\r\nHost: " + host.String() + "\r\nUser-Agent: portsim\r\nX-Padding: "
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
