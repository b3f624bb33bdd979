package pcap

import (
	"bytes"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

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
		upload     int
		prefix     string
	}{
		{sim.RequestLen, true, 0, "GET / HTTP/1.1\r\nHost: 10.0.0.10\r\n"},
		{sim.RequestLen, true, 16800, "POST / HTTP/1.1\r\nHost: 10.0.0.10\r\nUser-Agent: portsim\r\nContent-Length: 16800\r\n"},
		{sim.ResponseLen, false, 0, "HTTP/1.1 200 OK\r\n"},
		{99, false, 0, "HTTP/1.1 200 OK\r\n"}, // the body's length changes digits
		{10, true, 0, "\x00"},                 // too short for a request: zero bytes
		// The shortest request and response: no padding, an empty body.
		{len("GET / HTTP/1.1\r\nHost: 10.0.0.10\r\nUser-Agent: portsim\r\nX-Padding: \r\n\r\n"), true, 0, "GET / HTTP/1.1\r\n"},
		{len("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n"), false, 0, "HTTP/1.1 200 OK\r\n"},
		{10, false, 0, "\x00"},
	}
	for _, tt := range tests {
		p := payload(tt.n, tt.fromClient, server, tt.upload)
		assert.Len(t, p, tt.n)
		assert.True(t, bytes.HasPrefix(p, []byte(tt.prefix)), "%q", p)
	}
	assert.Equal(t, make([]byte, 50), payload(50, true, netip.MustParseAddrPort("10.0.0.10:5432"), 0), "zero bytes off port 80")
	resp := string(payload(99, false, server, 0))
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

// A capture read back as Wireshark reads it: each record is its event's
// segment at its time, with sequence and acknowledgement numbers as TCP
// counts them (RFC 9293 §3.4: SYN and FIN take one number, payload its
// length; an ACK names the next number expected of what has arrived).
func TestCaptureReadsAsTCP(t *testing.T) {
	sc, err := scenario.Parse(twoServers)
	require.NoError(t, err)
	s, err := sim.New(sc)
	require.NoError(t, err)
	var events []sim.Event
	s.Run(sc.Duration, func(e sim.Event) {
		if e.Kind == sim.Packet {
			events = append(events, e)
		}
	})
	var b bytes.Buffer
	_, err = Write(&b, sc, sc.Duration)
	require.NoError(t, err)
	r, err := pcapgo.NewReader(&b)
	require.NoError(t, err)

	type end struct {
		isn, sent uint32
	}
	type side struct {
		conn int
		from netip.AddrPort
	}
	ends := map[side]*end{}
	var segs []struct {
		from   side
		arrive time.Duration
		end    uint32
	}
	subSecond := false
	for i, e := range events {
		data, ci, err := r.ReadPacketData()
		require.NoError(t, err, "packet %d", i)
		assert.Equal(t, Epoch.Add(e.At).Truncate(time.Microsecond), ci.Timestamp.UTC(), "packet %d: %s", i, e)
		subSecond = subSecond || e.At%time.Second != 0
		p := gopacket.NewPacket(data, layers.LayerTypeEthernet, gopacket.Default)
		tcp, ok := p.Layer(layers.LayerTypeTCP).(*layers.TCP)
		require.True(t, ok, "packet %d", i)
		assert.Equal(t, e.Tuple.Local.Port(), uint16(tcp.SrcPort))
		assert.Equal(t, e.Tuple.Remote.Port(), uint16(tcp.DstPort))
		for _, f := range []struct {
			sim sim.Flags
			set bool
		}{{sim.SYN, tcp.SYN}, {sim.ACK, tcp.ACK}, {sim.FIN, tcp.FIN}, {sim.RST, tcp.RST}, {sim.PSH, tcp.PSH}} {
			assert.Equal(t, e.Flags&f.sim != 0, f.set, "packet %d: %s: flag %s", i, e, f.sim)
		}
		assert.Len(t, tcp.Payload, e.Len)
		if e.Len > 0 {
			// Port 80: the client's payload is a request, the server's a response.
			want := "HTTP/1.1 200 OK\r\n"
			if e.Tuple.Remote.Port() == 80 {
				want = "GET / HTTP/1.1\r\n"
			}
			assert.True(t, bytes.HasPrefix(tcp.Payload, []byte(want)), "packet %d: %q", i, tcp.Payload)
		}

		me := ends[side{e.Conn, e.Tuple.Local}]
		if me == nil {
			me = &end{isn: tcp.Seq}
			ends[side{e.Conn, e.Tuple.Local}] = me
		}
		assert.Equal(t, me.isn+me.sent, tcp.Seq, "packet %d: %s: seq", i, e)
		me.sent += uint32(e.Len)
		if tcp.SYN || tcp.FIN {
			me.sent++
		}
		segs = append(segs, struct {
			from   side
			arrive time.Duration
			end    uint32
		}{side{e.Conn, e.Tuple.Local}, e.Arrive, me.sent})
		if tcp.ACK {
			peer := ends[side{e.Conn, e.Tuple.Remote}]
			require.NotNil(t, peer, "packet %d: an ACK before the peer sent anything", i)
			var got uint32
			for _, sg := range segs {
				if sg.from == (side{e.Conn, e.Tuple.Remote}) && sg.arrive <= e.At {
					got = max(got, sg.end)
				}
			}
			assert.Equal(t, peer.isn+got, tcp.Ack, "packet %d: %s: ack", i, e)
		}
	}
	_, _, err = r.ReadPacketData()
	assert.ErrorIs(t, err, io.EOF, "one record per Packet event")
	assert.True(t, subSecond, "some packet is sent between whole seconds")
}

// An upload's segments follow its request's head in the client's sequence
// space while the response comes back: each direction numbers its own
// bytes, and every segment acknowledges what had reached its sender (TCP
// is full duplex, RFC 9293 §3.1).
func TestUploadAndResponseShareTheConnectionBothWays(t *testing.T) {
	sc, err := scenario.Parse(`duration 10s
latency 20ms
host laptop 192.168.1.5
host web 10.0.0.10
listen web 80 service 100ms
connect laptop -> web:80 at 100ms upload 10
`)
	require.NoError(t, err)
	var b bytes.Buffer
	_, err = Write(&b, sc, sc.Duration)
	require.NoError(t, err)
	r, err := pcapgo.NewReader(&b)
	require.NoError(t, err)
	var up, down []*layers.TCP // the client's and the server's data segments
	var body []byte
	for {
		data, _, err := r.ReadPacketData()
		if err != nil {
			break
		}
		tcp := gopacket.NewPacket(data, layers.LayerTypeEthernet, gopacket.Default).Layer(layers.LayerTypeTCP).(*layers.TCP)
		switch {
		case tcp.DstPort == 80 && len(tcp.Payload) > 0:
			if len(up) > 0 {
				body = append(body, tcp.Payload...)
			}
			up = append(up, tcp)
		case tcp.SrcPort == 80 && len(tcp.Payload) > 0:
			down = append(down, tcp)
		}
	}
	require.Len(t, up, 11, "the request's head and its body's 10 segments")
	require.Len(t, down, 1)
	head := string(up[0].Payload)
	assert.Contains(t, head, "POST / HTTP/1.1\r\n")
	assert.Contains(t, head, "Content-Length: "+strconv.Itoa(10*sim.BodyLen)+"\r\n")
	assert.Equal(t, strings.Repeat("u", 10*sim.BodyLen), string(body), "the body Content-Length announced, after the head, though the response came back during it")
	assert.True(t, strings.HasPrefix(string(down[0].Payload), "HTTP/1.1 200 OK\r\n"), "the response is a response, sent during the upload: %q", down[0].Payload)
	for i := 1; i < len(up); i++ {
		assert.Equal(t, up[i-1].Seq+uint32(len(up[i-1].Payload)), up[i].Seq, "segment %d follows the one before", i)
	}
	// The response leaves while the upload goes on, and the segments after
	// it acknowledge it once it has reached the client.
	resp := down[0]
	var acked bool
	for _, u := range up {
		assert.LessOrEqual(t, u.Ack, resp.Seq+sim.ResponseLen)
		acked = acked || u.Ack == resp.Seq+sim.ResponseLen
	}
	assert.True(t, acked, "a body segment acknowledges the response")
	assert.Less(t, resp.Ack, up[len(up)-1].Seq, "the response left before the upload's last segment reached web")
}
