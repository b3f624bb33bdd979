package scenario

import (
	"errors"
	"math"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
)

const lesson = `# Two web servers
title "Two web servers, both on port 80"
seed 7
duration 30s
latency 2ms

host client 192.168.1.5 profile winxp
host web-a 10.0.0.10                       # linux by default
host web-b 10.0.0.20 profile freebsd range 40000-40009 timewait 2m strategy sequential
listen web-a 80 service 20ms
listen web-b 80

connect client -> web-a:80
connect client -> web-b:80 at 1s rate 4/s count 10 hold 500ms close server
connect client -> web-a:80 at 2s every 250ms count 3 bind upload 2
`

func TestParseLesson(t *testing.T) {
	sc, err := Parse(lesson)
	require.NoError(t, err)
	assert.Equal(t, "Two web servers, both on port 80", sc.Title)
	assert.Equal(t, uint64(7), sc.Seed)
	assert.Equal(t, 30*time.Second, sc.Duration)
	assert.Equal(t, 2*time.Millisecond, sc.Latency)
	assert.Equal(t, Ephemeral, sc.Ports)
	assert.Equal(t, []Host{
		{Pos: Pos{7, 6}, Name: "client", Addr: netip.MustParseAddr("192.168.1.5"), Profile: profile(t, "winxp")},
		{Pos: Pos{8, 6}, Name: "web-a", Addr: netip.MustParseAddr("10.0.0.10"), Profile: profile(t, "linux")},
		{Pos: Pos{9, 6}, Name: "web-b", Addr: netip.MustParseAddr("10.0.0.20"), Profile: profile(t, "freebsd"),
			Range: engine.Range{Lo: 40000, Hi: 40009}, TimeWait: 2 * time.Minute, Strategy: engine.Sequential},
	}, sc.Hosts)
	assert.Equal(t, []Listen{
		{Pos: Pos{10, 1}, Host: "web-a", Port: 80, Service: 20 * time.Millisecond},
		{Pos: Pos{11, 1}, Host: "web-b", Port: 80},
	}, sc.Listens)
	assert.Equal(t, []Connect{
		{Pos: Pos{13, 1}, From: "client", To: "web-a", Port: 80, Count: 1},
		{Pos: Pos{14, 1}, From: "client", To: "web-b", Port: 80, At: time.Second, Every: 250 * time.Millisecond, Count: 10, Hold: 500 * time.Millisecond, Closer: Server},
		{Pos: Pos{15, 1}, From: "client", To: "web-a", Port: 80, At: 2 * time.Second, Every: 250 * time.Millisecond, Count: 3, Bind: true, Upload: 2},
	}, sc.Connects)
}

func profile(t *testing.T, name string) engine.Profile {
	p, err := engine.ProfileByName(name)
	require.NoError(t, err)
	return p
}

func TestParseDefaults(t *testing.T) {
	sc, err := Parse("host a 10.0.0.1\r\nhost b 10.0.0.2\r\nephemeral off\n")
	require.NoError(t, err, "CRLF line ends are fine")
	assert.Equal(t, uint64(1), sc.Seed)
	assert.Equal(t, 60*time.Second, sc.Duration)
	assert.Equal(t, 5*time.Millisecond, sc.Latency)
	assert.Equal(t, NoEphemeral, sc.Ports)
	assert.Equal(t, "linux", sc.Hosts[0].Profile.Name)
	assert.Zero(t, sc.Hosts[0].Range, "the profile's own")
	assert.Zero(t, sc.Hosts[0].TimeWait, "the profile's own")
	assert.Zero(t, sc.Hosts[0].Strategy, "the profile's own")
}

// `ephemeral` names the three modes lesson 4 compares.
func TestParsePorts(t *testing.T) {
	for _, m := range PortModes {
		sc, err := Parse("ephemeral " + m.String() + "\nhost a 10.0.0.1\n")
		require.NoError(t, err)
		assert.Equal(t, m, sc.Ports)
	}
	assert.Equal(t, []string{"serial", "off", "on"}, []string{Serial.String(), NoEphemeral.String(), Ephemeral.String()})
	assert.Equal(t, "one conversation at a time (thought experiment)", Serial.Title())
	assert.Equal(t, "real TCP without ephemeral ports", NoEphemeral.Title())
	assert.Equal(t, "with ephemeral ports", Ephemeral.Title())
	assert.Equal(t, Ports(0), Ephemeral, "the zero value is ordinary TCP")
}

// lose and duplicate name a connection by its number and what the
// network does to one of its segments.
func TestParseFaults(t *testing.T) {
	sc, err := Parse("host a 10.0.0.1\nlose 2 last-ack\nduplicate 1 response 3s\n")
	require.NoError(t, err)
	assert.Equal(t, []Fault{
		{Pos: Pos{2, 1}, Conn: 2, Kind: LoseLastAck},
		{Pos: Pos{3, 1}, Conn: 1, Kind: DuplicateResponse, Delay: 3 * time.Second},
	}, sc.Faults)
	assert.Equal(t, "lose last-ack", LoseLastAck.String())
	assert.Equal(t, "duplicate response", DuplicateResponse.String())
	bad := &Scenario{Duration: time.Minute, Faults: []Fault{{Conn: 1, Kind: DuplicateResponse}}}
	assert.ErrorContains(t, bad.Check(), "duplicate response of connection 1: delay must be more than 0")
	bad.Faults = []Fault{{Conn: 1, Kind: 9}}
	assert.ErrorContains(t, bad.Check(), "unknown fault FaultKind(9)")
}

func TestParseErrors(t *testing.T) {
	const hosts = "host c 192.168.1.5\nhost s 10.0.0.10\n"
	tests := []struct {
		name, src string
		line, col int
		msg       string // a substring of the message
	}{
		{"unknown statement", "hots c 1.2.3.4", 1, 1, `unknown statement "hots"`},
		{"unclosed quote", `title "Two web`, 1, 7, "never closed"},
		{"title without quotes", "title Two", 1, 7, "in quotes"},
		{"title twice", "title \"a\"\ntitle \"b\"", 2, 1, "already set at line 1, column 1"},
		{"seed not a number", "seed x", 1, 6, `"x" is not a whole number`},
		{"seed missing", "seed", 1, 5, "missing a whole number"},
		{"unknown strategy", "host c 10.0.0.1 strategy lottery", 1, 26, `unknown strategy "lottery"; want one of sequential`},
		{"trailing word", "seed 1 2", 1, 8, `unexpected "2"`},
		{"bad duration", "duration 30", 1, 10, `"30" is not a duration`},
		{"zero duration", "duration 0s", 1, 10, "more than 0"},
		{"negative latency", "latency -1ms", 1, 9, "negative"},
		{"too long", "duration 48h", 1, 10, "longer than the limit"},
		{"ephemeral maybe", "ephemeral maybe", 1, 11, "want on, off or serial"},
		{"host bad name", "host 9x 1.2.3.4", 1, 6, "not a name"},
		{"host bad address", "host a 10.0.0.300", 1, 8, `"10.0.0.300" is not an IP address`},
		{"host wildcard", "host a 0.0.0.0", 1, 8, "wildcard"},
		{"host missing address", "host a", 1, 7, "missing an IPv4 or IPv6 address"},
		{"duplicate host", hosts + "host c 10.0.0.99", 3, 6, `"c" is already declared at line 1, column 6`},
		{"duplicate address", hosts + "host d 10.0.0.10", 3, 8, "already s's address"},
		{"unknown profile", "host a 1.2.3.4 profile solaris", 1, 24, "solaris"},
		{"range out of bounds", "host a 1.2.3.4 range 70000-80000", 1, 22, "70000"},
		{"reversed range", "host a 1.2.3.4 range 5000-4000", 1, 22, "5000-4000"},
		{"unknown host option", "host a 1.2.3.4 os linux", 1, 16, `unknown option "os"`},
		{"host option twice", "host a 1.2.3.4 profile linux profile macos", 1, 30, "profile is given twice"},
		{"option without value", "host a 1.2.3.4 profile", 1, 23, "missing a value after profile"},
		{"listen unknown host", "listen web 80", 1, 8, `no host named "web"`},
		{"listen port 0", hosts + "listen s 0", 3, 10, `port "0" is not a number from 1 to 65535`},
		{"listen port too big", hosts + "listen s 65536", 3, 10, "65536"},
		{"connect without arrow", hosts + "connect c s:80", 3, 11, `want "->"`},
		{"connect without port", hosts + "connect c -> s", 3, 14, "want SERVER:PORT"},
		{"connect bad port", hosts + "connect c -> s:http", 3, 16, `port "http"`},
		{"connect unknown server", hosts + "connect c -> t:80", 3, 14, `no host named "t"`},
		{"connect to itself", hosts + "connect c -> c:80", 3, 14, "connects to itself"},
		{"count without pacing", hosts + "connect c -> s:80 count 5", 3, 1, "needs every D or rate N/s"},
		{"every and rate", hosts + "connect c -> s:80 every 1s rate 2/s count 2", 3, 28, "either every or rate"},
		{"bad rate", hosts + "connect c -> s:80 rate fast count 2", 3, 24, `rate "fast"`},
		{"zero rate", hosts + "connect c -> s:80 rate 0/s count 2", 3, 24, "connections per second"},
		{"absurd rate", hosts + "connect c -> s:80 rate 1e9/s count 2", 3, 24, "more than 1000000/s"},
		{"count zero", hosts + "connect c -> s:80 count 0", 3, 25, `count "0"`},
		{"count huge", hosts + "connect c -> s:80 count 99999999 every 1ms", 3, 25, "from 1 to 10000000"},
		{"upload not a number", hosts + "connect c -> s:80 upload big", 3, 26, `upload "big" is not a whole number of segments from 0 to 1000`},
		{"upload huge", hosts + "connect c -> s:80 upload 1001", 3, 26, `upload "1001"`},
		{"close who", hosts + "connect c -> s:80 close both", 3, 25, "want client or server"},
		{"timewait 0", "host a 1.2.3.4 timewait 0s", 1, 25, "timewait must be more than 0"},
		{"timestamps maybe", "host a 1.2.3.4 timestamps maybe", 1, 27, `timestamps "maybe": want on or off`},
		{"timewait negative", "host a 1.2.3.4 timewait -1s", 1, 25, "negative"},
		{"bind twice", hosts + "connect c -> s:80 bind bind", 3, 24, "bind is given twice"},
		{"bind with a value", hosts + "connect c -> s:80 bind yes", 3, 24, `unknown option "yes"; want at, every, rate, count, hold, close, upload, proto, timeout, bind`},
		{"bind without ephemeral ports", hosts + "connect c -> s:80 bind\nephemeral off", 3, 1, "bind needs ephemeral ports"},
		{"bind in the thought experiment", hosts + "connect c -> s:80 bind\nephemeral serial", 3, 1, "bind needs ephemeral ports"},
		{"second address not an address", "host a 10.0.0.1,10.0.0.x", 1, 17, `"10.0.0.x" is not an IP address`},
		{"second address with a space", "host a 10.0.0.1, 10.0.0.2", 1, 17, `"" is not an IP address`},
		{"second address twice", "host a 10.0.0.1,10.0.0.2,10.0.0.2", 1, 26, "10.0.0.2 is given twice"},
		{"second address the wildcard", "host a 10.0.0.1,0.0.0.0", 1, 17, "wildcard"},
		{"second address another host's", hosts + "host d 10.0.0.11,10.0.0.10", 3, 18, "already s's address"},
		{"a host's second address again", "host a 10.0.0.1,10.0.0.2\nhost b 10.0.0.2", 2, 8, "already a's address"},
		{"listen on another host's address", hosts + "listen s 192.168.1.5:80", 3, 10, "192.168.1.5 is not one of s's addresses (10.0.0.10)"},
		{"listen on a bad address", hosts + "listen s 10.0.0:80", 3, 10, `"10.0.0:80" is not ADDRESS:PORT`},
		{"listen address bad port", hosts + "listen s 10.0.0.10:0", 3, 20, `port "0" is not a number`},
		{"listen address port not a number", hosts + "listen s 0.0.0.0:http", 3, 10, "is not ADDRESS:PORT"},
		{"connect to an unknown address", hosts + "connect c -> 10.0.0.99:80", 3, 14, "no host has the address 10.0.0.99"},
		{"connect to its own address", hosts + "connect c -> 192.168.1.5:80", 3, 14, "connects to itself"},
		// Socket options: only those the host's OS has (Profile.CheckOpts).
		{"exclusive on linux", hosts + "listen s 80 exclusive", 3, 13, "exclusive (SO_EXCLUSIVEADDRUSE, Windows') is not an option on linux, s's OS"},
		{"exclusive on macos", "host m 10.0.0.1 profile macos\nlisten m 80 reuseaddr exclusive", 2, 23, "is not an option on macos, m's OS"},
		{"reuseport on windows", "host w 10.0.0.1 profile windows\nlisten w 80 reuseport", 2, 13, "reuseport (SO_REUSEPORT) is not an option on windows, w's OS"},
		{"a client's option on its OS", "host w 10.0.0.1 profile windows\nhost s 10.0.0.2\nconnect w -> s:80 bind reuseport", 3, 24, "not an option on windows, w's OS"},
		{"option twice", hosts + "listen s 80 reuseaddr reuseaddr", 3, 23, "reuseaddr is given twice"},
		{"option with a value", hosts + "listen s 80 reuseaddr yes", 3, 23, `unknown option "yes"; want proto, service, reuseaddr, reuseport, exclusive`},
		{"connect option without bind", hosts + "connect c -> s:80 reuseaddr count 2 every 1s", 3, 19, "reuseaddr is an option of the socket bind() makes; add bind"},
		{"bind-no-port without bind", hosts + "connect c -> s:80 bind-no-port", 3, 19, "add bind"},
		{"bind-no-port before 4.2", "host c 192.168.1.5 profile linux-old\nhost s 10.0.0.10\nconnect c -> s:80 bind bind-no-port", 3, 24, "bind-no-port (IP_BIND_ADDRESS_NO_PORT, Linux 4.2 and later) is not an option on linux-old, c's OS"},
		{"bind-no-port on a listener", hosts + "listen s 80 bind-no-port", 3, 13, `unknown option "bind-no-port"`},
		{"lose without a number", "lose", 1, 5, "lose: missing a connection's number, then last-ack"},
		{"lose connection 0", "lose 0 last-ack", 1, 6, `lose: "0" is not a connection's number`},
		{"lose what", "lose 1 syn", 1, 8, `lose: want last-ack, not "syn"`},
		{"lose twice", "lose 1 last-ack\nlose 1 last-ack", 2, 1, "lose last-ack of connection 1 is given twice"},
		{"lose with more", "lose 1 last-ack 2s", 1, 17, `unexpected "2s"`},
		{"duplicate without a delay", "duplicate 1 response", 1, 21, "missing a connection's number, response, then how much later its copy arrives"},
		{"duplicate at once", "duplicate 1 response 0s", 1, 22, "more than 0"},
		{"duplicate what", "duplicate 2 request 1s", 1, 13, `duplicate: want response, not "request"`},
		{"listen on a port after a bare colon", hosts + "listen s :80", 3, 10, `":80" is not ADDRESS:PORT`},
		{"connect to a port after a bare colon", hosts + "connect c -> :80", 3, 14, `no host named ""`},
		{"an address with a zone", "host a fe80::1%eth0", 1, 8, `"fe80::1%eth0" is not an IP address`},
		{"listen on an address with a zone", "host a fe80::1\nlisten a [fe80::1%eth0]:80", 2, 10, "is not ADDRESS:PORT"},
		{"count over the limit", hosts + "connect c -> s:80 count 10000001 every 1ms", 3, 25, "from 1 to 10000000"},
		{"rate over the limit", hosts + "connect c -> s:80 rate 1000001/s count 2", 3, 24, "more than 1000000/s"},
		{"a name starting with a digit", "host 0a 10.0.0.1", 1, 6, "not a name"},
		{"a name with a dot", "host a.b 10.0.0.1", 1, 6, "not a name"},
		// UDP (proto udp, send, loss).
		{"proto what", hosts + "listen s 53 proto sctp", 3, 19, `listen: proto "sctp": want tcp or udp`},
		{"udp with close", hosts + "connect c -> s:53 proto udp close server", 3, 29, "close is TCP's; a UDP socket has no handshake"},
		{"udp with bind", hosts + "connect c -> s:53 bind proto udp", 3, 19, "bind is TCP's"},
		{"udp with upload", hosts + "connect c -> s:53 upload 2 proto udp", 3, 19, "upload is TCP's"},
		{"timeout without udp", hosts + "connect c -> s:53 timeout 2s", 3, 19, "timeout is a UDP query's wait for its reply; add proto udp"},
		{"timeout zero", hosts + "connect c -> s:53 proto udp timeout 0s", 3, 37, "must be more than 0"},
		{"send with proto", hosts + "send c -> s:53 proto udp", 3, 16, `send: unknown option "proto"; want at, every, rate, count, timeout, socket`},
		{"send with bind", hosts + "send c -> s:53 bind", 3, 16, `send: unknown option "bind"`},
		{"send without an arrow", hosts + "send c s:53", 3, 8, `send: want "->" between the client and the server, e.g. send client -> web-a:80`},
		{"send count without pace", hosts + "send c -> s:53 count 3", 3, 1, "send: count 3 needs every D"},
		{"socket not a name", hosts + "send c -> s:53 socket 1x", 3, 23, `socket "1x" is not a name`},
		{"socket of another host", hosts + "send c -> s:53 socket q\nsend s -> c:53 socket q", 4, 23, `socket "q" is c's (line 3, column 1)`},
		{"udp without ephemeral ports", hosts + "send c -> s:53\nephemeral off", 3, 1, "a UDP line needs ephemeral ports"},
		{"loss without percent", "loss 10", 1, 6, `loss: "10" is not a share from 0% to 100%`},
		{"loss over 100", "loss 120%", 1, 6, "is not a share"},
		{"loss twice", "loss 1%\nloss 2%", 2, 1, "loss is already set at line 1, column 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.src)
			require.Error(t, err)
			var perr *Error
			require.True(t, errors.As(err, &perr), "error %v is an *Error", err)
			assert.Equal(t, Pos{tc.line, tc.col}, perr.Pos, "%v", err)
			assert.Contains(t, err.Error(), tc.msg)
			assert.True(t, strings.HasPrefix(err.Error(), perr.Pos.String()+": "))
		})
	}
}

// UDP lines: proto udp on listen and connect (one socket per query), send
// (an unconnected socket, shared by the lines that name it), loss.
func TestParseUDP(t *testing.T) {
	sc, err := Parse(`host c 192.168.1.5
host dns 10.0.0.53
listen dns 53 proto udp service 10ms
listen dns 53
connect c -> dns:53 proto udp count 3 every 1s timeout 2s
send c -> dns:53 socket q at 5s
send c -> 10.0.0.53:53 socket q at 6s every 1s count 2
send c -> dns:53
loss 12.5%
`)
	require.NoError(t, err)
	assert.Equal(t, 12.5, sc.Loss)
	require.Len(t, sc.Listens, 2)
	assert.Equal(t, engine.UDP, sc.Listens[0].Transport())
	assert.Equal(t, engine.TCP, sc.Listens[1].Transport(), "a listen line without proto is TCP")
	assert.Equal(t, 10*time.Millisecond, sc.Listens[0].Service)
	require.Len(t, sc.Connects, 4)
	q := sc.Connects[0]
	assert.Equal(t, engine.UDP, q.Transport())
	assert.False(t, q.Send)
	assert.Equal(t, 2*time.Second, q.Timeout)
	assert.Equal(t, 3, q.Count)
	for _, c := range sc.Connects[1:] {
		assert.True(t, c.Send)
		assert.Equal(t, engine.UDP, c.Transport(), "send is UDP")
		assert.Zero(t, c.Timeout, "DefaultTimeout applies")
	}
	assert.Equal(t, "q", sc.Connects[1].Socket)
	assert.Equal(t, "q", sc.Connects[2].Socket)
	assert.Empty(t, sc.Connects[3].Socket, "its own socket")
	assert.Equal(t, 2, sc.Connects[2].Count)
	assert.Equal(t, 5*time.Second, DefaultTimeout, "glibc's RES_TIMEOUT, one try (facts: resolv/resolv.h)")
}

// The edges of loss and upload parse: 0% and 100% are shares, 0 segments
// an upload.
func TestParseEdges(t *testing.T) {
	const hosts = "host c 192.168.1.5\nhost s 10.0.0.10\nlisten s 80\n"
	for _, tc := range []struct {
		src    string
		loss   float64
		upload int
	}{
		{hosts + "connect c -> s:80 upload 0\nloss 0%", 0, 0},
		{hosts + "connect c -> s:80 upload 1000\nloss 100%", 100, 1000},
		{hosts + "connect c -> s:80 upload 1\nloss 0.5%", 0.5, 1},
	} {
		sc, err := Parse(tc.src)
		require.NoError(t, err, tc.src)
		assert.Equal(t, tc.loss, sc.Loss, tc.src)
		assert.Equal(t, tc.upload, sc.Connects[0].Upload, tc.src)
	}
}

func TestParseComments(t *testing.T) {
	sc, err := Parse("# only a comment\n   \n\ttitle \"a # not a comment\" # a comment\n")
	require.NoError(t, err)
	assert.Equal(t, "a # not a comment", sc.Title)
}

// FuzzParse: any input either parses into a scenario whose references hold,
// or fails with an *Error pointing inside the input. Never a panic.
func FuzzParse(f *testing.F) {
	f.Add(lesson)
	f.Add("host a 1.2.3.4\nhost b ::1 profile macos range 1-2\nconnect a -> b:1 rate 0.5/s count 3")
	f.Add(`title "`)
	f.Add("host a 1.2.3.4\nhost b 1.2.3.5\nconnect a -> b:80 bind count 2 every 1s\nephemeral off")
	f.Add("host a 1.2.3.4\nhost b 1.2.3.5,1.2.3.6\nlisten b 80\nlisten b 1.2.3.6:80\nlisten b 0.0.0.0:80\nconnect a -> 1.2.3.6:80")
	f.Add("host a ::1,fd00::2\nhost b fd00::1\nlisten a [fd00::2]:80\nconnect b -> [fd00::2]:80")
	f.Add("host w 10.0.0.1 profile windows\nhost f 10.0.0.2 profile freebsd\nlisten w 0.0.0.0:80 exclusive\nlisten w 80 reuseaddr\nlisten f 80 reuseport reuseaddr\nconnect f -> w:80 bind reuseaddr count 2 every 1s")
	f.Add("host a 10.0.0.1\nhost b 10.0.0.2 profile macos\nlisten b 80 exclusive\nconnect a -> b:80 reuseport")
	f.Add("host a 10.0.0.1 timestamps off\nhost b 10.0.0.2 timestamps on\nlisten b 80\nconnect a -> b:80 bind reuseaddr")
	f.Add("host a 10.0.0.1 range 40000-40001\nhost b 10.0.0.2,10.0.0.3\nlisten b 0.0.0.0:80\nconnect a -> b:80 bind bind-no-port every 1s count 3\nconnect a -> 10.0.0.3:80 bind-no-port bind")
	f.Add("host a 10.0.0.1\nhost b 10.0.0.2\nlisten b 80\nconnect a -> b:80 count 2 every 1s\nlose 1 last-ack\nduplicate 2 response 3s\nlose 2 last-ack")
	f.Add("host a 10.0.0.1\nhost b 10.0.0.2\nlisten b 80\nconnect a -> b:80 count 2 every 1s upload 3\nephemeral serial")
	f.Add("host a 10.0.0.1\nhost b 10.0.0.2\nlisten b 53 proto udp\nlisten b 53\nconnect a -> b:53 proto udp count 2 every 1s timeout 2s\nsend a -> b:53 socket q\nsend a -> 10.0.0.2:5353 socket q at 1s\nloss 10%")
	f.Add("host a 10.0.0.1\nhost b 10.0.0.2\nlisten b 0.0.0.0:53 proto udp service 20ms reuseport\nsend a -> b:53 rate 2/s count 4 timeout 50ms\nconnect a -> b:53 proto tcp")
	f.Fuzz(func(t *testing.T, src string) {
		sc, err := Parse(src)
		if err != nil {
			var perr *Error
			require.True(t, errors.As(err, &perr))
			lines := strings.Split(src, "\n")
			require.GreaterOrEqual(t, perr.Pos.Line, 1)
			require.LessOrEqual(t, perr.Pos.Line, len(lines))
			require.GreaterOrEqual(t, perr.Pos.Col, 1)
			require.LessOrEqual(t, perr.Pos.Col, len(lines[perr.Pos.Line-1])+2)
			return
		}
		names := map[string]bool{}
		owner := map[netip.Addr]string{}
		for _, h := range sc.Hosts {
			require.False(t, names[h.Name], "duplicate host %q", h.Name)
			names[h.Name] = true
			for _, a := range h.Addrs() {
				require.Empty(t, owner[a], "%v belongs to two hosts", a)
				owner[a] = h.Name
			}
		}
		for _, l := range sc.Listens {
			require.True(t, names[l.Host])
			require.NotZero(t, l.Port)
			at := l.At(sc.Hosts)
			require.True(t, at.IsUnspecified() || owner[at] == l.Host, "listen on %v, not %s's", at, l.Host)
			require.NoError(t, hostOf(sc, l.Host).Profile.CheckOpts(l.Opts), "an option the host's OS lacks")
		}
		for _, c := range sc.Connects {
			require.True(t, names[c.From] && names[c.To])
			require.NotEqual(t, c.From, c.To)
			require.Equal(t, c.To, owner[c.Dst(sc.Hosts)], "connect to %v, %s's", c.Dst(sc.Hosts), c.To)
			require.GreaterOrEqual(t, c.Count, 1)
			require.True(t, c.Count == 1 || c.Every > 0)
			require.True(t, c.Bind || c.Opts == (engine.SockOpts{}), "socket options without bind")
			if c.Transport() == engine.UDP {
				require.False(t, c.Bind || c.Upload > 0 || c.Closer != Client, "a UDP line with TCP's options")
			} else {
				require.False(t, c.Send || c.Socket != "" || c.Timeout != 0, "a TCP line with UDP's options")
			}
			require.NoError(t, hostOf(sc, c.From).Profile.CheckOpts(c.Opts), "an option the client's OS lacks")
		}
	})
}

func hostOf(sc *Scenario, name string) *Host { return hostNamed(sc.Hosts, name) }

// A scenario built as a Go value gets the checks a file gets, in messages
// that name the host or line rather than a position.
func TestCheck(t *testing.T) {
	valid := func() *Scenario {
		return &Scenario{
			Duration: time.Minute,
			Hosts: []Host{
				{Name: "client", Addr: netip.MustParseAddr("192.168.1.5"), Range: engine.Range{Lo: 40000, Hi: 40009}},
				{Name: "web", Addr: netip.MustParseAddr("10.0.0.10"), Profile: profile(t, "freebsd")},
			},
			Listens:  []Listen{{Host: "web", Port: 80}},
			Connects: []Connect{{From: "client", To: "web", Port: 80, Count: 3, Every: time.Second, Bind: true}},
		}
	}
	require.NoError(t, valid().Check())
	// The edges that hold: a share of 0% and 100% lost, no upload, and a
	// line that names TCP rather than leaving it implied.
	for name, change := range map[string]func(*Scenario){
		"loss 0%":      func(sc *Scenario) { sc.Loss = 0 },
		"loss 100%":    func(sc *Scenario) { sc.Loss = 100 },
		"upload 0":     func(sc *Scenario) { sc.Connects[0].Upload = 0 },
		"upload limit": func(sc *Scenario) { sc.Connects[0].Upload = MaxUpload },
		"proto TCP":    func(sc *Scenario) { sc.Connects[0].Proto, sc.Listens[0].Proto = engine.TCP, engine.TCP },
	} {
		sc := valid()
		change(sc)
		assert.NoError(t, sc.Check(), name)
	}
	tests := []struct {
		name   string
		change func(*Scenario)
		msg    string
	}{
		{"no duration", func(sc *Scenario) { sc.Duration = 0 }, "duration must be more than 0"},
		{"negative latency", func(sc *Scenario) { sc.Latency = -time.Millisecond }, "latency -1ms is negative"},
		{"bad name", func(sc *Scenario) { sc.Hosts[0].Name = "9x" }, `host "9x": not a name`},
		{"no address", func(sc *Scenario) { sc.Hosts[0].Addr = netip.Addr{} }, `host "client": invalid IP is not a host's IP address`},
		{"wildcard", func(sc *Scenario) { sc.Hosts[0].Addr = netip.IPv4Unspecified() }, "0.0.0.0 is not a host's IP address"},
		{"same name", func(sc *Scenario) { sc.Hosts[1].Name = "client" }, `host "client" is declared twice`},
		{"same address", func(sc *Scenario) { sc.Hosts[1].Addr = sc.Hosts[0].Addr }, `host "web": 192.168.1.5 is already client's address`},
		{"reversed range", func(sc *Scenario) { sc.Hosts[0].Range = engine.Range{Lo: 5000, Hi: 4000} }, "range 5000-4000 is reversed"},
		{"range with 0", func(sc *Scenario) { sc.Hosts[0].Range = engine.Range{Hi: 10} }, "0 is outside 1-65535"},
		{"negative timewait", func(sc *Scenario) { sc.Hosts[0].TimeWait = -time.Second }, `host "client": timewait -1s is negative`},
		{"unknown strategy", func(sc *Scenario) { sc.Hosts[0].Strategy = 9 }, "unknown strategy Strategy(9)"},
		{"broken profile", func(sc *Scenario) { sc.Hosts[1].Profile.Ephemeral = engine.Range{} }, "profile freebsd: range 0-0"},
		{"listen unknown host", func(sc *Scenario) { sc.Listens[0].Host = "nobody" }, `listen nobody 80: no host named "nobody"`},
		{"listen port 0", func(sc *Scenario) { sc.Listens[0].Port = 0 }, "port 0"},
		{"negative service", func(sc *Scenario) { sc.Listens[0].Service = -1 }, "service -1ns is negative"},
		{"connect unknown client", func(sc *Scenario) { sc.Connects[0].From = "x" }, `no host named "x"`},
		{"connect unknown server", func(sc *Scenario) { sc.Connects[0].To = "x" }, `no host named "x"`},
		{"connect to itself", func(sc *Scenario) { sc.Connects[0].To = "client" }, "client connects to itself"},
		{"connect port 0", func(sc *Scenario) { sc.Connects[0].Port = 0 }, "port 0 is not a destination port"},
		{"count 0", func(sc *Scenario) { sc.Connects[0].Count = 0 }, "count 0 is not from 1 to 10000000"},
		{"count without pacing", func(sc *Scenario) { sc.Connects[0].Every = 0 }, "count 3 needs every D"},
		{"negative hold", func(sc *Scenario) { sc.Connects[0].Hold = -time.Second }, "hold -1s is negative"},
		{"negative upload", func(sc *Scenario) { sc.Connects[0].Upload = -1 }, "upload -1 is not from 0 to 1000"},
		{"too late", func(sc *Scenario) { sc.Connects[0].At = 25 * time.Hour }, "at 25h0m0s is longer than the limit"},
		{"unknown closer", func(sc *Scenario) { sc.Connects[0].Closer = 7 }, "close 7: want client or server"},
		{"bind, ephemeral off", func(sc *Scenario) { sc.Ports = NoEphemeral }, "connect client -> web:80: bind needs ephemeral ports"},
		{"unknown ports mode", func(sc *Scenario) { sc.Ports = 3 }, "ephemeral: unknown mode Ports(3)"},
		{"an option freebsd lacks", func(sc *Scenario) { sc.Listens[0].Opts.Exclusive = true }, "listen web 80: SO_EXCLUSIVEADDRUSE: no such option on freebsd"},
		{"an option linux lacks, zero profile", func(sc *Scenario) { sc.Connects[0].Opts.Exclusive = true }, "no such option on linux"},
		{"options without bind", func(sc *Scenario) { sc.Connects[0].Bind, sc.Connects[0].Opts.ReuseAddr = false, true }, "socket options need bind"},
		{"listen on another host's address", func(sc *Scenario) { sc.Listens[0].Addr = sc.Hosts[0].Addr }, "listen web 80: 192.168.1.5 is not one of web's addresses"},
		{"connect to another host's address", func(sc *Scenario) { sc.Connects[0].Addr = sc.Hosts[0].Addr }, "connect client -> web:80: 192.168.1.5 is not one of web's addresses"},
		{"an address with a zone", func(sc *Scenario) { sc.Hosts[0].Addr = netip.MustParseAddr("fe80::1%eth0") }, "fe80::1%eth0 is not a host's IP address"},
		{"a profile without a strategy", func(sc *Scenario) { sc.Hosts[1].Profile.Connect = 0 }, "profile freebsd has no strategy"},
		{"a privileged client", func(sc *Scenario) { sc.Connects[0].Opts.Privileged = true }, "a client binds port 0, which needs no privilege"},
		{"count over the limit", func(sc *Scenario) { sc.Connects[0].Count = MaxCount + 1 }, "count 10000001 is not from 1 to 10000000"},
		{"udp with bind", func(sc *Scenario) { sc.Connects[0].Proto = engine.UDP }, "bind, socket options, upload and close are TCP's"},
		{"udp without ephemeral ports", func(sc *Scenario) {
			sc.Connects[0] = Connect{From: "client", To: "web", Port: 53, Count: 1, Proto: engine.UDP}
			sc.Ports = NoEphemeral
		}, "a UDP line needs ephemeral ports"},
		{"send over TCP", func(sc *Scenario) { sc.Connects[0].Bind, sc.Connects[0].Send = false, true }, "a send line sends UDP datagrams"},
		{"socket without send", func(sc *Scenario) { sc.Connects[0].Socket = "s" }, "socket names a send line's socket"},
		{"a timeout for TCP", func(sc *Scenario) { sc.Connects[0].Timeout = time.Second }, "timeout is a UDP query's wait"},
		{"unknown protocol", func(sc *Scenario) { sc.Listens[0].Proto = 9 }, "listen web 80: unknown protocol Proto(9)"},
		{"loss over 100%", func(sc *Scenario) { sc.Loss = 101 }, "loss: 101% is not a share"},
		{"loss under 0%", func(sc *Scenario) { sc.Loss = -0.5 }, "loss: -0.5% is not a share"},
		{"loss NaN", func(sc *Scenario) { sc.Loss = math.NaN() }, "loss: NaN% is not a share"},
		{"a socket on two hosts", func(sc *Scenario) {
			sc.Connects = []Connect{{From: "client", To: "web", Port: 53, Count: 1, Proto: engine.UDP, Send: true, Socket: "s"}, {From: "web", To: "client", Port: 53, Count: 1, Proto: engine.UDP, Send: true, Socket: "s"}}
		}, `socket "s" is client's`},
		{"upload over the limit", func(sc *Scenario) { sc.Connects[0].Upload = MaxUpload + 1 }, "upload 1001 is not from 0 to 1000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := valid()
			tc.change(sc)
			err := sc.Check()
			require.Error(t, err)
			var cerr *Error
			require.True(t, errors.As(err, &cerr))
			assert.Contains(t, err.Error(), tc.msg)
			assert.False(t, strings.HasPrefix(err.Error(), "line "), "no position for a Go value: %v", err)
		})
	}
}

// A host line may give several addresses; listen and connect name one.
func TestParseSeveralAddresses(t *testing.T) {
	sc, err := Parse("host c 192.168.1.5\nhost s 10.0.0.10,10.0.0.11,fd00::1\n" +
		"listen s 80\nlisten s 10.0.0.11:80\nlisten s [fd00::1]:443\nlisten s 0.0.0.0:8080\n" +
		"connect c -> s:80\nconnect c -> 10.0.0.11:80")
	require.NoError(t, err)
	s := sc.Hosts[1]
	assert.Equal(t, netip.MustParseAddr("10.0.0.10"), s.Addr)
	assert.Equal(t, []netip.Addr{netip.MustParseAddr("10.0.0.11"), netip.MustParseAddr("fd00::1")}, s.More)
	var at []string
	for _, l := range sc.Listens {
		at = append(at, netip.AddrPortFrom(l.At(sc.Hosts), l.Port).String())
	}
	assert.Equal(t, []string{"10.0.0.10:80", "10.0.0.11:80", "[fd00::1]:443", "0.0.0.0:8080"}, at)
	require.Len(t, sc.Connects, 2)
	for i, want := range []string{"10.0.0.10", "10.0.0.11"} {
		assert.Equal(t, "s", sc.Connects[i].To)
		assert.Equal(t, want, sc.Connects[i].Dst(sc.Hosts).String())
	}
}

// The limits themselves are accepted, in a file and in a Go value: a
// port of 1 or 65535, a count of 1 or MaxCount, a rate of 1000000/s, times of
// MaxDuration, an upload of MaxUpload, an empty title, names starting with
// a, z, A or Z.
func TestParseLimits(t *testing.T) {
	sc, err := Parse(`title ""
duration 24h
latency 0s
host a 10.0.0.1 timewait 24h
host z 10.0.0.2
host A_0 10.0.0.3
host Z-9 10.0.0.4
listen z 1 service 24h
listen z 65535
connect a -> z:1 count 10000000 rate 1000000/s at 24h hold 24h
connect A_0 -> Z-9:65535 every 24h count 2
connect z -> a:80 count 1 upload 1000
`)
	require.NoError(t, err)
	assert.Empty(t, sc.Title)
	assert.Equal(t, MaxDuration, sc.Duration)
	assert.Zero(t, sc.Latency)
	assert.Equal(t, []string{"a", "z", "A_0", "Z-9"}, []string{sc.Hosts[0].Name, sc.Hosts[1].Name, sc.Hosts[2].Name, sc.Hosts[3].Name})
	assert.Equal(t, MaxDuration, sc.Hosts[0].TimeWait)
	assert.Equal(t, []uint16{1, 65535}, []uint16{sc.Listens[0].Port, sc.Listens[1].Port})
	assert.Equal(t, MaxDuration, sc.Listens[0].Service)
	assert.Equal(t, Connect{Pos: Pos{10, 1}, From: "a", To: "z", Port: 1, Count: MaxCount, Every: time.Microsecond, At: MaxDuration, Hold: MaxDuration}, sc.Connects[0])
	assert.Equal(t, MaxDuration, sc.Connects[1].Every)
	assert.Equal(t, uint16(65535), sc.Connects[1].Port)
	assert.Equal(t, 1, sc.Connects[2].Count)
	assert.Equal(t, MaxUpload, sc.Connects[2].Upload)

	// The same limits in a Go value.
	sc.Connects[1].At, sc.Connects[1].Hold = MaxDuration, MaxDuration
	require.NoError(t, sc.Check())
}

// `timestamps off` turns a host's TCP timestamps off; on is the default.
func TestParseTimestamps(t *testing.T) {
	sc, err := Parse("host a 10.0.0.1 timestamps off\nhost b 10.0.0.2 timestamps on\nhost c 10.0.0.3")
	require.NoError(t, err)
	assert.Equal(t, []bool{true, false, false}, []bool{sc.Hosts[0].NoTimestamps, sc.Hosts[1].NoTimestamps, sc.Hosts[2].NoTimestamps})
}

// The side that closes first, as a connect line's `close` names it.
func TestSideNames(t *testing.T) {
	assert.Equal(t, "client", Client.String())
	assert.Equal(t, "server", Server.String())
}
