package scenario

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
connect client -> web-a:80 at 2s every 250ms count 3
`

func TestParseLesson(t *testing.T) {
	sc, err := Parse(lesson)
	require.NoError(t, err)
	assert.Equal(t, "Two web servers, both on port 80", sc.Title)
	assert.Equal(t, uint64(7), sc.Seed)
	assert.Equal(t, 30*time.Second, sc.Duration)
	assert.Equal(t, 2*time.Millisecond, sc.Latency)
	assert.True(t, sc.Ephemeral)
	assert.Equal(t, []Host{
		{Pos: Pos{7, 6}, Name: "client", Addr: netip.MustParseAddr("192.168.1.5"), Profile: "winxp"},
		{Pos: Pos{8, 6}, Name: "web-a", Addr: netip.MustParseAddr("10.0.0.10"), Profile: "linux"},
		{Pos: Pos{9, 6}, Name: "web-b", Addr: netip.MustParseAddr("10.0.0.20"), Profile: "freebsd", Range: "40000-40009", TimeWait: 2 * time.Minute, Strategy: "sequential", HasTimeWait: true},
	}, sc.Hosts)
	assert.Equal(t, []Listen{
		{Pos: Pos{10, 1}, Host: "web-a", Port: 80, Service: 20 * time.Millisecond},
		{Pos: Pos{11, 1}, Host: "web-b", Port: 80},
	}, sc.Listens)
	assert.Equal(t, []Connect{
		{Pos: Pos{13, 1}, From: "client", To: "web-a", Port: 80, Count: 1},
		{Pos: Pos{14, 1}, From: "client", To: "web-b", Port: 80, At: time.Second, Every: 250 * time.Millisecond, Count: 10, Hold: 500 * time.Millisecond, Closer: Server},
		{Pos: Pos{15, 1}, From: "client", To: "web-a", Port: 80, At: 2 * time.Second, Every: 250 * time.Millisecond, Count: 3},
	}, sc.Connects)
}

func TestParseDefaults(t *testing.T) {
	sc, err := Parse("host a 10.0.0.1\r\nhost b 10.0.0.2\r\nephemeral off\n")
	require.NoError(t, err, "CRLF line ends are fine")
	assert.Equal(t, uint64(1), sc.Seed)
	assert.Equal(t, 60*time.Second, sc.Duration)
	assert.Equal(t, 5*time.Millisecond, sc.Latency)
	assert.False(t, sc.Ephemeral)
	assert.Equal(t, "linux", sc.Hosts[0].Profile)
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
		{"ephemeral maybe", "ephemeral maybe", 1, 11, "want on or off"},
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
		{"option twice", "host a 1.2.3.4 profile linux profile macos", 1, 30, "profile is given twice"},
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
		{"close who", hosts + "connect c -> s:80 close both", 3, 25, "want client or server"},
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
		for _, h := range sc.Hosts {
			require.False(t, names[h.Name], "duplicate host %q", h.Name)
			names[h.Name] = true
		}
		for _, l := range sc.Listens {
			require.True(t, names[l.Host])
			require.NotZero(t, l.Port)
		}
		for _, c := range sc.Connects {
			require.True(t, names[c.From] && names[c.To])
			require.NotEqual(t, c.From, c.To)
			require.GreaterOrEqual(t, c.Count, 1)
			require.True(t, c.Count == 1 || c.Every > 0)
		}
	})
}
