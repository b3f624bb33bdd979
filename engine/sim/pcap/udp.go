package pcap

import (
	"encoding/binary"
	"net/netip"
	"slices"

	"github.com/portplay/portplay/engine/sim"
)

// datagram writes a UDP Packet event: on port 53 a DNS query or its
// answer, otherwise zero bytes.
func (c *Capture) datagram(e sim.Event) {
	c.queries[e.Conn] = true
	var data []byte
	if e.Tuple.Local.Port() == 53 || e.Tuple.Remote.Port() == 53 {
		data = dnsMessage(dnsID(c.seed, e.Conn), e.Reply)
	}
	if len(data) != e.Len {
		data = make([]byte, e.Len)
	}
	b := c.l4[:0]
	b = binary.BigEndian.AppendUint16(b, e.Tuple.Local.Port())
	b = binary.BigEndian.AppendUint16(b, e.Tuple.Remote.Port())
	b = binary.BigEndian.AppendUint16(b, uint16(8+len(data)))
	b = append(b, 0, 0) // checksum, filled in by packet
	b = append(b, data...)
	c.l4 = b
	frame := c.packet(e.Tuple.Local.Addr(), e.Tuple.Remote.Addr(), protoUDP, b, 6)
	// Kept for an ICMP error that would quote it: the IP packet, without
	// the Ethernet header and padding.
	c.sentIP[datagramKey{e.Conn, e.Reply}] = slices.Clone(frame[14 : 14+ipHeaderLen(e.Tuple.Local.Addr())+len(b)])
	c.record(e.At, frame)
}

func ipHeaderLen(a netip.Addr) int {
	if a.Is4() {
		return 20
	}
	return 40
}

// unreachable writes the ICMP port unreachable of an Unreachable event:
// destination unreachable, code 3 (port) for IPv4 (RFC 792), type 1 code 4
// for IPv6 (RFC 4443 §3.1), quoting the datagram that found no socket:
// as much of it as keeps the message within 576 bytes for IPv4 (RFC 1812
// §4.3.2.3, as Linux's icmp_send does) or 1280 for IPv6 (RFC 4443 §2.4).
func (c *Capture) unreachable(e sim.Event) {
	k := datagramKey{e.Conn, e.Reply}
	orig, ok := c.sentIP[k]
	if !ok {
		return // a datagram written before this capture began
	}
	delete(c.sentIP, k)
	src, dst := e.Tuple.Local.Addr(), e.Tuple.Remote.Addr()
	typ, code, proto, limit := byte(3), byte(3), byte(protoICMP), 576-20-8
	if !src.Is4() {
		typ, code, proto, limit = 1, 4, protoICMPv6, 1280-40-8
	}
	b := append(c.l4[:0], typ, code, 0, 0, 0, 0, 0, 0) // type, code, checksum, unused
	b = append(b, orig[:min(len(orig), limit)]...)
	c.l4 = b
	c.record(e.At, c.packet(src, dst, proto, b, 2))
}

// dnsMessage is a DNS query for www.example.com's IPv4 address with
// recursion desired, or its answer (RFC 1035 §4.1): 192.0.2.1, an address
// kept for documentation (RFC 5737), for 300 s. Its length is
// sim.QueryLen or sim.ReplyLen.
func dnsMessage(id uint16, reply bool) []byte {
	b := binary.BigEndian.AppendUint16(nil, id)
	flags, answers := uint16(0x0100), uint16(0) // RD
	if reply {
		flags, answers = 0x8180, 1 // QR, RD, RA, no error
	}
	b = binary.BigEndian.AppendUint16(b, flags)
	b = binary.BigEndian.AppendUint16(b, 1) // one question
	b = binary.BigEndian.AppendUint16(b, answers)
	b = append(b, 0, 0, 0, 0) // no authority or additional records
	b = append(b, "\x03www\x07example\x03com\x00"...)
	b = append(b, 0, 1, 0, 1) // type A, class IN
	if reply {
		b = append(b, 0xc0, 12)                   // the name: a pointer to the question's
		b = append(b, 0, 1, 0, 1)                 // A, IN
		b = binary.BigEndian.AppendUint32(b, 300) // TTL
		b = append(b, 0, 4, 192, 0, 2, 1)         // 4 bytes of address
	}
	return b
}

// dnsID is a query's ID: random-looking, as RFC 5452 §9.2 asks of a
// resolver, fixed by the seed; its reply carries the same.
func dnsID(seed uint64, conn int) uint16 { return uint16(isn(seed, conn, 2)) }
