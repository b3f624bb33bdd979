package pcap

import (
	"bytes"
	"net"
	"net/netip"
	"slices"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
	"github.com/portplay/portplay/engine/sim"
)

// UDP and ICMP frames equal gopacket's for the same headers, checksums
// included (a UDP checksum of 0 sent as 0xffff, as both do).
func TestUDPAndICMPFramesAreGopackets(t *testing.T) {
	for _, c := range []struct {
		name     string
		src, dst string
	}{{"v4", "192.168.1.5", "10.0.0.53"}, {"v6", "2001:db8::5", "2001:db8::53"}} {
		t.Run(c.name, func(t *testing.T) {
			src, dst := netip.MustParseAddr(c.src), netip.MustParseAddr(c.dst)
			sm, dm := mac(src), mac(dst)
			eth := &layers.Ethernet{SrcMAC: net.HardwareAddr(sm[:]), DstMAC: net.HardwareAddr(dm[:])}
			serialize := func(ls ...gopacket.SerializableLayer) []byte {
				buf := gopacket.NewSerializeBuffer()
				require.NoError(t, gopacket.SerializeLayers(buf, gopacket.SerializeOptions{ComputeChecksums: true, FixLengths: true}, ls...))
				b := buf.Bytes()
				for len(b) < 60 {
					b = append(b, 0)
				}
				return b
			}
			ipFor := func(proto layers.IPProtocol, df bool) (gopacket.SerializableLayer, gopacket.NetworkLayer) {
				if src.Is4() {
					eth.EthernetType = layers.EthernetTypeIPv4
					ip := &layers.IPv4{Version: 4, TTL: 64, Id: 7, Protocol: proto, SrcIP: net.IP(src.AsSlice()), DstIP: net.IP(dst.AsSlice())}
					if df {
						ip.Flags = layers.IPv4DontFragment
					}
					return ip, ip
				}
				eth.EthernetType = layers.EthernetTypeIPv6
				ip := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: proto, SrcIP: net.IP(src.AsSlice()), DstIP: net.IP(dst.AsSlice())}
				return ip, ip
			}

			query := dnsMessage(0xbeef, false)
			e := sim.Event{Kind: sim.Packet, Conn: 1, Tuple: tuple(src, 40001, dst, 53), Len: sim.QueryLen}
			capture := &Capture{ipID: map[netip.Addr]uint16{src: 7}, queries: map[int]bool{}, sentIP: map[datagramKey][]byte{}, seed: 1}
			var out bytes.Buffer
			capture.w = &out
			capture.datagram(e)
			udp := &layers.UDP{SrcPort: 40001, DstPort: 53}
			ip, nl := ipFor(layers.IPProtocolUDP, true)
			require.NoError(t, udp.SetNetworkLayerForChecksum(nl))
			want := serialize(eth, ip, udp, gopacket.Payload(dnsMessage(dnsID(1, 1), false)))
			assert.Equal(t, want, out.Bytes()[16:], "the UDP frame")
			assert.Len(t, query, sim.QueryLen)

			// The server's host answers it with a port unreachable that
			// quotes it: IPv4 without DF, as Linux's ICMP socket sends.
			sm, dm = mac(dst), mac(src)
			eth = &layers.Ethernet{SrcMAC: net.HardwareAddr(sm[:]), DstMAC: net.HardwareAddr(dm[:])}
			src, dst = dst, src
			capture.ipID[src] = 7
			quoted := capture.sentIP[datagramKey{1, false}]
			out.Reset()
			capture.unreachable(sim.Event{Kind: sim.Unreachable, Conn: 1, Tuple: tuple(src, 53, dst, 40001)})
			if src.Is4() {
				ip, _ = ipFor(layers.IPProtocolICMPv4, false)
				want = serialize(eth, ip, &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(3, 3)}, gopacket.Payload(quoted))
			} else {
				ip, nl = ipFor(layers.IPProtocolICMPv6, false)
				icmp := &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(1, 4)}
				require.NoError(t, icmp.SetNetworkLayerForChecksum(nl))
				want = serialize(eth, ip, icmp, gopacket.Payload(append([]byte{0, 0, 0, 0}, quoted...)))
			}
			assert.Equal(t, want, out.Bytes()[16:], "the ICMP frame")
			assert.Empty(t, capture.sentIP, "quoted once")
		})
	}
}

func tuple(src netip.Addr, sport uint16, dst netip.Addr, dport uint16) (t engine.FourTuple) {
	t.Proto = engine.UDP
	t.Local, t.Remote = netip.AddrPortFrom(src, sport), netip.AddrPortFrom(dst, dport)
	return t
}

// A capture of a UDP run: each datagram its event's, DNS on port 53 (a
// reply with its query's ID), and an ICMP port unreachable for each one
// that found no socket, quoting it.
func TestCaptureReadsAsDNS(t *testing.T) {
	sc, err := scenario.Parse(`seed 9
host laptop 192.168.1.5
host dns 10.0.0.53
host tcp 10.0.0.54
listen dns 53 proto udp service 100ms
listen tcp 53
connect laptop -> dns:53 proto udp every 50ms count 4 timeout 80ms
send laptop -> dns:53 socket q at 1s every 10ms count 2
send laptop -> tcp:53 socket q at 1s
`)
	require.NoError(t, err)
	s, err := sim.New(sc)
	require.NoError(t, err)
	var events []sim.Event
	s.Run(sc.Duration, func(e sim.Event) {
		if e.Kind == sim.Packet || e.Kind == sim.Unreachable && !e.Limited {
			events = append(events, e)
		}
	})
	var b bytes.Buffer
	c, err := Write(&b, sc, sc.Duration)
	require.NoError(t, err)
	assert.Equal(t, 7, c.Queries())
	assert.Zero(t, c.Conns())
	r, err := pcapgo.NewReader(&b)
	require.NoError(t, err)
	ids := map[int]uint16{}
	icmps := 0
	for i, e := range events {
		data, _, err := r.ReadPacketData()
		require.NoError(t, err, "packet %d", i)
		p := gopacket.NewPacket(data, layers.LayerTypeEthernet, gopacket.Default)
		require.Nil(t, p.ErrorLayer(), "packet %d: %s", i, e)
		if e.Kind == sim.Unreachable {
			icmps++
			icmp, ok := p.Layer(layers.LayerTypeICMPv4).(*layers.ICMPv4)
			require.True(t, ok, "packet %d: %s", i, e)
			assert.Equal(t, layers.CreateICMPv4TypeCode(3, 3), icmp.TypeCode)
			inner := gopacket.NewPacket(icmp.Payload, layers.LayerTypeIPv4, gopacket.Default)
			udp, ok := inner.Layer(layers.LayerTypeUDP).(*layers.UDP)
			require.True(t, ok, "the quoted datagram")
			assert.Equal(t, e.Tuple.Local.Port(), uint16(udp.DstPort), "quotes the datagram to the port without a socket")
			assert.Equal(t, e.Tuple.Remote.Port(), uint16(udp.SrcPort))
			continue
		}
		udp, ok := p.Layer(layers.LayerTypeUDP).(*layers.UDP)
		require.True(t, ok, "packet %d", i)
		assert.Equal(t, e.Tuple.Local.Port(), uint16(udp.SrcPort))
		assert.Equal(t, e.Tuple.Remote.Port(), uint16(udp.DstPort))
		dns, ok := p.Layer(layers.LayerTypeDNS).(*layers.DNS)
		require.True(t, ok, "packet %d: DNS on port 53", i)
		assert.Len(t, udp.Payload, e.Len)
		assert.Equal(t, e.Reply, dns.QR)
		require.Len(t, dns.Questions, 1)
		assert.Equal(t, "www.example.com", string(dns.Questions[0].Name))
		if e.Reply {
			assert.Equal(t, ids[e.Conn], dns.ID, "a reply carries its query's ID")
			require.Len(t, dns.Answers, 1)
			assert.Equal(t, "192.0.2.1", dns.Answers[0].IP.String())
		} else {
			ids[e.Conn] = dns.ID
		}
	}
	_, _, err = r.ReadPacketData()
	assert.Error(t, err, "nothing more")
	assert.Equal(t, 5, icmps, "four late replies and one query to a TCP-only port")
	seen := map[uint16]bool{}
	for _, id := range ids {
		seen[id] = true
	}
	assert.Len(t, seen, len(ids), "each query its own ID")
}

// An ICMP port unreachable quotes as much of a long datagram as keeps the
// whole error within 576 bytes over IPv4 (RFC 1812 §4.3.2.3, Linux's
// icmp_send) and within 1280 over IPv6 (RFC 4443 §2.4), and a short
// datagram whole. The frames are read back with gopacket.
func TestICMPQuoteIsBounded(t *testing.T) {
	for _, c := range []struct {
		name     string
		src, dst string
		payload  int // the datagram's UDP payload
		ipTotal  int // the ICMP error's IP packet, headers included
	}{
		{"v4 short", "192.168.1.5", "10.0.0.9", 100, 20 + 8 + 20 + 8 + 100},
		{"v4 at the limit", "192.168.1.5", "10.0.0.9", 576 - 20 - 8 - 20 - 8, 576},
		{"v4 long", "192.168.1.5", "10.0.0.9", 1000, 576},
		{"v6 short", "2001:db8::5", "2001:db8::9", 100, 40 + 8 + 40 + 8 + 100},
		{"v6 at the limit", "2001:db8::5", "2001:db8::9", 1280 - 40 - 8 - 40 - 8, 1280},
		{"v6 long", "2001:db8::5", "2001:db8::9", 1400, 1280},
	} {
		t.Run(c.name, func(t *testing.T) {
			src, dst := netip.MustParseAddr(c.src), netip.MustParseAddr(c.dst)
			capture := &Capture{ipID: map[netip.Addr]uint16{}, queries: map[int]bool{}, sentIP: map[datagramKey][]byte{}, seed: 1}
			var out bytes.Buffer
			capture.w = &out
			capture.datagram(sim.Event{Kind: sim.Packet, Conn: 1, Tuple: tuple(src, 40001, dst, 9), Len: c.payload})
			sent := slices.Clone(capture.sentIP[datagramKey{1, false}])
			require.Len(t, sent, ipHeaderLen(src)+8+c.payload)
			out.Reset()
			capture.unreachable(sim.Event{Kind: sim.Unreachable, Conn: 1, Tuple: tuple(dst, 9, src, 40001)})

			p := gopacket.NewPacket(out.Bytes()[16:], layers.LayerTypeEthernet, gopacket.Default)
			require.Nil(t, p.ErrorLayer(), "the ICMP frame decodes")
			var quoted []byte
			if src.Is4() {
				ip := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
				assert.Equal(t, c.ipTotal, int(ip.Length), "the IPv4 packet's total length")
				quoted = p.Layer(layers.LayerTypeICMPv4).(*layers.ICMPv4).Payload
			} else {
				ip := p.Layer(layers.LayerTypeIPv6).(*layers.IPv6)
				assert.Equal(t, c.ipTotal-40, int(ip.Length), "the IPv6 payload length")
				quoted = p.Layer(layers.LayerTypeICMPv6).(*layers.ICMPv6).Payload[4:] // after the unused word
			}
			assert.Equal(t, sent[:len(quoted)], quoted, "the quote is the datagram's first bytes")
		})
	}
}

// A capture keeps a datagram only while an ICMP error could still quote
// it: once its query is answered, or lost, it is let go, so a long run
// holds none of its answered queries (memory bounded by those in flight).
func TestCaptureLetsAnsweredDatagramsGo(t *testing.T) {
	for _, c := range []struct{ name, lines string }{
		{"answered", "connect laptop -> dns:53 proto udp every 10ms count 200\n"},
		{"some lost", "connect laptop -> dns:53 proto udp every 10ms count 200 timeout 50ms\nloss 20%\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			sc, err := scenario.Parse("seed 3\nhost laptop 192.168.1.5\nhost dns 10.0.0.53\nlisten dns 53 proto udp service 1ms\n" + c.lines)
			require.NoError(t, err)
			var b bytes.Buffer
			capture, err := Write(&b, sc, sc.Duration)
			require.NoError(t, err)
			assert.Equal(t, 200, capture.Queries())
			assert.Zero(t, len(capture.sentIP), "datagrams kept after their queries ended")
		})
	}
}
