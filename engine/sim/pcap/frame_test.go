package pcap

import (
	"net"
	"net/netip"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gopacketFrame is the frame gopacket serializes for the same packet: the
// reference the hand-written frames must equal byte for byte (portsim
// wrote its captures with it before).
func gopacketFrame(t *testing.T, src, dst netip.Addr, id uint16, h tcpHeader, data []byte) []byte {
	sm, dm := mac(src), mac(dst)
	eth := &layers.Ethernet{SrcMAC: net.HardwareAddr(sm[:]), DstMAC: net.HardwareAddr(dm[:])}
	tcp := &layers.TCP{SrcPort: layers.TCPPort(h.src), DstPort: layers.TCPPort(h.dst), Seq: h.seq, Ack: h.ack, Window: 65535,
		FIN: h.flags&flagFIN != 0, SYN: h.flags&flagSYN != 0, RST: h.flags&flagRST != 0, PSH: h.flags&flagPSH != 0, ACK: h.flags&flagACK != 0}
	var ip gopacket.SerializableLayer
	if src.Is4() {
		eth.EthernetType = layers.EthernetTypeIPv4
		ip4 := &layers.IPv4{Version: 4, TTL: 64, Id: id, Flags: layers.IPv4DontFragment, Protocol: layers.IPProtocolTCP,
			SrcIP: net.IP(src.AsSlice()), DstIP: net.IP(dst.AsSlice())}
		require.NoError(t, tcp.SetNetworkLayerForChecksum(ip4))
		ip = ip4
	} else {
		eth.EthernetType = layers.EthernetTypeIPv6
		ip6 := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolTCP, SrcIP: net.IP(src.AsSlice()), DstIP: net.IP(dst.AsSlice())}
		require.NoError(t, tcp.SetNetworkLayerForChecksum(ip6))
		ip = ip6
	}
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{ComputeChecksums: true, FixLengths: true}
	require.NoError(t, gopacket.SerializeLayers(buf, opts, eth, ip, tcp, gopacket.Payload(data)))
	return buf.Bytes()
}

func TestFramesAreGopackets(t *testing.T) {
	v4a, v4b := netip.MustParseAddr("192.168.1.5"), netip.MustParseAddr("10.0.0.10")
	v6a, v6b := netip.MustParseAddr("2001:db8::5"), netip.MustParseAddr("2001:db8::10")
	for _, c := range []struct {
		name     string
		src, dst netip.Addr
		h        tcpHeader
		n        int
	}{
		{"SYN", v4a, v4b, tcpHeader{57102, 80, 0x12345678, 0, flagSYN}, 0},
		{"SYN-ACK", v4b, v4a, tcpHeader{80, 57102, 0xfffffff0, 0x12345679, flagSYN | flagACK}, 0},
		{"request", v4a, v4b, tcpHeader{57102, 80, 1, 2, flagPSH | flagACK}, 100},
		{"odd length", v4a, v4b, tcpHeader{57102, 80, 1, 2, flagPSH | flagACK}, 7},
		{"one byte", v4b, v4a, tcpHeader{80, 57102, 9, 9, flagACK}, 1},
		{"FIN", v4a, v4b, tcpHeader{65535, 1, 0xffffffff, 0xffffffff, flagFIN | flagACK}, 0},
		{"RST", v4b, v4a, tcpHeader{80, 1025, 0, 0, flagRST}, 0},
		// This segment's sum folds to 0xffff exactly: its checksum is 0.
		{"zero checksum", v4a, v4b, tcpHeader{57102, 80, 0x4cd, 0, flagSYN}, 0},
		{"v6 SYN", v6a, v6b, tcpHeader{49152, 80, 77, 0, flagSYN}, 0},
		{"v6 response", v6b, v6a, tcpHeader{80, 49152, 78, 79, flagPSH | flagACK}, 1400},
		{"v6 odd", v6b, v6a, tcpHeader{80, 49152, 78, 79, flagACK}, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := make([]byte, c.n)
			for i := range data {
				data[i] = byte(i*7 + 3)
			}
			capture := &Capture{ipID: map[netip.Addr]uint16{c.src: 4242}}
			got := capture.frame(c.src, c.dst, c.h, data)
			assert.Equal(t, gopacketFrame(t, c.src, c.dst, 4242, c.h, data), got)
			assert.GreaterOrEqual(t, len(got), 60, "Ethernet's minimum")
			if c.src.Is4() {
				assert.Equal(t, uint16(4243), capture.ipID[c.src], "the next identification")
			} else {
				assert.Equal(t, uint16(4242), capture.ipID[c.src], "IPv6 has no identification")
			}
		})
	}
}
