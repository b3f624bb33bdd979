package pcap

import (
	"bytes"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine/scenario"
	"github.com/portplay/portplay/engine/sim"
)

func TestHTTPPayloadIsExactlyTheLength(t *testing.T) {
	server := netip.MustParseAddrPort("10.0.0.10:80")
	tests := []struct {
		n          int
		fromClient bool
		prefix     string
	}{
		{sim.RequestLen, true, "GET / HTTP/1.1\r\nHost: 10.0.0.10\r\n"},
		{sim.ResponseLen, false, "HTTP/1.1 200 OK\r\n"},
		{99, false, "HTTP/1.1 200 OK\r\n"}, // the body's length changes digits
		{10, true, "\x00"},                 // too short for a request: zero bytes
		{10, false, "\x00"},
	}
	for _, tt := range tests {
		p := payload(tt.n, tt.fromClient, server)
		assert.Len(t, p, tt.n)
		assert.True(t, bytes.HasPrefix(p, []byte(tt.prefix)), "%q", p)
	}
	assert.Equal(t, make([]byte, 50), payload(50, true, netip.MustParseAddrPort("10.0.0.10:5432")), "zero bytes off port 80")
	resp := string(payload(99, false, server))
	head, body, ok := strings.Cut(resp, "\r\n\r\n")
	require.True(t, ok)
	assert.Contains(t, head, "Content-Length: "+strconv.Itoa(len(body)))
}

const twoServers = `seed 3
duration 10s
host laptop 192.168.1.5 profile macos
host web-a 10.0.0.10
host web-b 10.0.0.20
listen web-a 80
listen web-b 80
connect laptop -> web-a:80 at 1s every 2s count 3
connect laptop -> web-b:80 at 2s
`

// Write gives every Packet event of the run, and the same bytes for the
// same scenario and seed; another seed, other ports and so other bytes.
func TestWriteIsTheRunsPackets(t *testing.T) {
	write := func(seed uint64) ([]byte, *Capture) {
		sc, err := scenario.Parse(twoServers)
		require.NoError(t, err)
		sc.Seed = seed
		var b bytes.Buffer
		c, err := Write(&b, sc, sc.Duration)
		require.NoError(t, err)
		return b.Bytes(), c
	}
	sc, err := scenario.Parse(twoServers)
	require.NoError(t, err)
	s, err := sim.New(sc)
	require.NoError(t, err)
	packets, conns := 0, map[int]bool{}
	s.Run(sc.Duration, func(e sim.Event) {
		if e.Kind == sim.Packet {
			packets++
			conns[e.Conn] = true
		}
	})
	a, c := write(3)
	assert.Equal(t, packets, c.Packets())
	assert.Equal(t, len(conns), c.Conns())
	b, _ := write(3)
	assert.Equal(t, a, b)
	other, _ := write(4)
	assert.NotEqual(t, a, other)
}

// A retransmitted FIN and a copy of a response delivered late carry the
// sequence number of the segment they repeat, and the segments after them
// go on from where the first left off.
func TestRepeatedSegmentsKeepTheirSequenceNumbers(t *testing.T) {
	sc, err := scenario.Parse(`duration 10s
latency 20ms
host laptop 192.168.1.5
host web 10.0.0.10
listen web 80
connect laptop -> web:80 at 100ms hold 500ms
lose 1 last-ack
duplicate 1 response 3s
`)
	require.NoError(t, err)
	var b bytes.Buffer
	_, err = Write(&b, sc, sc.Duration)
	require.NoError(t, err)
	r, err := pcapgo.NewReader(&b)
	require.NoError(t, err)
	var fins, responses []uint32
	var lastAck []uint32 // the acknowledgement numbers of the laptop's ACKs of web's FIN
	for {
		data, _, err := r.ReadPacketData()
		if err != nil {
			break
		}
		p := gopacket.NewPacket(data, layers.LayerTypeEthernet, gopacket.Default)
		tcp := p.Layer(layers.LayerTypeTCP).(*layers.TCP)
		switch {
		case tcp.SrcPort == 80 && tcp.FIN:
			fins = append(fins, tcp.Seq)
		case tcp.SrcPort == 80 && len(tcp.Payload) == sim.ResponseLen:
			responses = append(responses, tcp.Seq)
		case tcp.DstPort == 80 && tcp.ACK && !tcp.FIN && !tcp.PSH && len(fins) > 0:
			lastAck = append(lastAck, tcp.Ack)
		}
	}
	require.Len(t, fins, 2, "web's FIN and its retransmission")
	assert.Equal(t, fins[0], fins[1])
	require.Len(t, responses, 2, "the response and its late copy")
	assert.Equal(t, responses[0], responses[1])
	assert.Equal(t, fins[0], responses[0]+sim.ResponseLen, "the FIN follows the response's bytes once")
	require.NotEmpty(t, lastAck)
	for _, a := range lastAck {
		assert.Equal(t, fins[0]+1, a, "every ACK of the FIN acknowledges it once")
	}
}
