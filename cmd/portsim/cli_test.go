package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/assets"
	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
	"github.com/portplay/portplay/engine/sim"
)

// binary is the portsim built once by TestMain, so that the tests see what
// a user sees: the exit status, and stdout and stderr apart.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "portsim-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "portsim")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0") // as the Makefile builds
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building portsim: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

// portsim runs the binary in dir ("" for the package's folder).
func portsim(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return portsimIn(t, dir, "", args...)
}

// portsimIn runs the binary in dir with input on its standard input.
func portsimIn(t *testing.T, dir, input string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(input)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		require.NoError(t, err)
	}
	return result{out.String(), errb.String(), cmd.ProcessState.ExitCode()}
}

// inProcess runs the same arguments through run, as main does.
func inProcess(args ...string) result {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return result{out.String(), errb.String(), code}
}

func lines(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") }

// simulate runs a built-in scenario in-process, with seed if not 0, until
// a duration if not "".
func simulate(t *testing.T, name string, seed uint64, until string) []sim.Event {
	t.Helper()
	b, err := assets.Scenario(name)
	require.NoError(t, err)
	sc, err := scenario.Parse(b.Source)
	require.NoError(t, err)
	if seed != 0 {
		sc.Seed = seed
	}
	d := sc.Duration
	if until != "" {
		d, err = time.ParseDuration(until)
		require.NoError(t, err)
	}
	s, err := sim.New(sc)
	require.NoError(t, err)
	var evs []sim.Event
	s.Run(d, func(e sim.Event) { evs = append(evs, e) })
	return evs
}

func TestList(t *testing.T) {
	r := portsim(t, "", "list")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stderr)
	got := lines(r.stdout)
	builtins := assets.Scenarios()
	require.NotEmpty(t, builtins)
	require.Len(t, got, len(builtins))
	for i, b := range builtins {
		assert.Regexp(t, "^"+regexp.QuoteMeta(b.Name)+" +"+regexp.QuoteMeta(b.Title)+"$", got[i])
	}
}

func TestHelp(t *testing.T) {
	tests := []struct {
		args []string
		want string // the start of stdout
	}{
		{[]string{"--help"}, "usage: portsim COMMAND"},
		{[]string{"help"}, "usage: portsim COMMAND"},
		{[]string{"help", "alloc"}, "usage: portsim alloc"},
		{[]string{"list", "--help"}, "usage: portsim list"},
		{[]string{"run", "--help"}, "usage: portsim run"},
		{[]string{"run", "2", "-h"}, "usage: portsim run"},
		{[]string{"alloc", "--help"}, "usage: portsim alloc"},
		{[]string{"capacity", "--help"}, "usage: portsim capacity"},
		{[]string{"pcap", "--help"}, "usage: portsim pcap"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := portsim(t, "", tt.args...)
			assert.Equal(t, 0, r.code)
			assert.Empty(t, r.stderr)
			assert.True(t, strings.HasPrefix(r.stdout, tt.want), r.stdout)
			assert.Equal(t, r, inProcess(tt.args...))
		})
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{nil, {"frobnicate"}} {
		r := portsim(t, "", args...)
		assert.Equal(t, 2, r.code)
		assert.Empty(t, r.stdout)
		assert.Contains(t, r.stderr, "usage: portsim COMMAND")
		assert.Equal(t, r, inProcess(args...))
	}
	assert.Contains(t, portsim(t, "", "frobnicate").stderr, `portsim: unknown command "frobnicate"`)
}

func TestRunTrace(t *testing.T) {
	tests := []struct {
		args     []string
		scenario string
		seed     uint64
		until    string
	}{
		{[]string{"run", "2"}, "2", 0, ""},
		{[]string{"run", "2-two-servers"}, "2", 0, ""},
		{[]string{"run", "--seed", "7", "3"}, "3", 7, ""},
		{[]string{"run", "3", "--seed=7", "--until", "2s"}, "3", 7, "2s"},
		{[]string{"run", "5", "--until", "0s"}, "5", 0, "0s"},
		{[]string{"run", "--until", "1s", "--", "6"}, "6", 0, "1s"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := portsim(t, "", tt.args...)
			require.Equal(t, 0, r.code, r.stderr)
			assert.Empty(t, r.stderr)
			evs := simulate(t, tt.scenario, tt.seed, tt.until)
			got := lines(r.stdout)
			require.Greater(t, len(got), len(evs), "one line per event, then the summary")
			for i, e := range evs {
				assert.Equal(t, sim.Trace(e), got[i])
			}
			assert.Regexp(t, `^summary: \d+ connections? started, \d+ completed, \d+ failed;`, got[len(evs)])
			for _, l := range got[len(evs)+1:] {
				assert.True(t, strings.HasPrefix(l, "unverified in profile "), "after the summary, only unverified claims: %q", l)
			}
		})
	}
}

// A scenario without ephemeral ports ends with lesson 4's comparison: the
// completion time in each mode, every run taken to its end.
func TestRunCompletion(t *testing.T) {
	b, err := assets.Scenario("4")
	require.NoError(t, err)
	sc, err := scenario.Parse(b.Source)
	require.NoError(t, err)
	require.NotEqual(t, scenario.Ephemeral, sc.Ports, "lesson 4 runs without ephemeral ports")
	var want []string
	for _, m := range scenario.PortModes {
		st, err := sim.Complete(sc, m)
		require.NoError(t, err)
		want = append(want, fmt.Sprintf("%.3f s %s", st.LastDone.Seconds(), m.Title()))
	}
	r := portsim(t, "", "run", "4")
	require.Equal(t, 0, r.code, r.stderr)
	got := lines(r.stdout)
	require.Len(t, got, len(simulate(t, "4", 0, ""))+2, "one line per event, the summary, the completion times")
	assert.Regexp(t, `^summary: `, got[len(got)-2])
	assert.Equal(t, "completion: "+strings.Join(want, ", "), got[len(got)-1])
	assert.Regexp(t, `^completion: [0-9.]+ s one conversation at a time \(thought experiment\), [0-9.]+ s real TCP without ephemeral ports, [0-9.]+ s with ephemeral ports$`, got[len(got)-1])

	for _, args := range [][]string{{"run", "2"}, {"run", "4", "--json"}} {
		r := portsim(t, "", args...)
		require.Equal(t, 0, r.code, r.stderr)
		assert.NotContains(t, r.stdout, "completion:", "%v: only for a scenario without ephemeral ports, as text", args)
	}
}

func TestRunJSONMatchesTheEvents(t *testing.T) {
	tests := []struct {
		args            []string
		scenario, until string
	}{
		{[]string{"run", "2", "--json"}, "2", ""},
		{[]string{"run", "--json", "4"}, "4", ""},
		{[]string{"run", "5", "--json", "--until", "30s"}, "5", "30s"},
		{[]string{"run", "3", "--json", "--until", "5s"}, "3", "5s"}, // a lost ACK, an old duplicate
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := portsim(t, "", tt.args...)
			require.Equal(t, 0, r.code, r.stderr)
			evs := simulate(t, tt.scenario, 0, tt.until)
			got := lines(r.stdout)
			require.Len(t, got, len(evs))
			for i, e := range evs {
				var m map[string]any
				require.NoError(t, json.Unmarshal([]byte(got[i]), &m), got[i])
				assert.Equal(t, wantJSON(e), m, "line %d: %s", i+1, e)
			}
		})
	}
}

// wantJSON is the documented JSON form of an event (docs/portsim.md), built
// from the event's fields as encoding/json decodes it into a map.
func wantJSON(e sim.Event) map[string]any {
	m := map[string]any{"t": e.At.Seconds(), "kind": e.Kind.String(), "host": e.Host}
	set := func(k string, v any, ok bool) {
		if ok {
			m[k] = v
		}
	}
	set("conn", float64(e.Conn), e.Conn != 0)
	set("proto", e.Tuple.Proto.String(), e.Tuple.Proto != 0)
	set("src", e.Tuple.Local.String(), e.Tuple.Local.IsValid())
	set("dst", e.Tuple.Remote.String(), e.Tuple.Remote.IsValid())
	set("flags", e.Flags.String(), e.Flags != 0)
	set("len", float64(e.Len), e.Len != 0)
	set("arrive", e.Arrive.Seconds(), e.Kind == sim.Packet)
	switch e.Kind {
	case sim.State:
		m["state"] = e.State.String()
	case sim.Waiting:
		m["state"] = e.Reason.String()
	case sim.Serving:
		m["state"] = map[bool]string{true: "SERVING", false: "LISTENING"}[e.Busy]
	case sim.OldDuplicate:
		m["state"] = "none"
		if e.State != 0 {
			m["state"] = e.State.String()
		}
	}
	set("err", engine.ErrnoName(e.Err), e.Err != nil)
	set("wait", e.Wait.Seconds(), e.Wait != 0)
	set("call", map[bool]string{true: "bind", false: "connect"}[e.Bind], e.Kind == sim.ConnectFailed)
	set("takeover", true, e.TakenOver)
	set("retransmit", true, e.Retransmit)
	set("delay", e.Delay.Seconds(), e.Delay != 0)
	set("into", float64(e.Into), e.Into != 0)
	return m
}

// engineAlloc is what alloc should print, straight from the engine.
func engineAlloc(t *testing.T, profile string, rng string, to []string, count int) []allocResult {
	return engineAllocProto(t, engine.TCP, profile, rng, to, count)
}

func engineAllocProto(t *testing.T, proto engine.Proto, profile string, rng string, to []string, count int) []allocResult {
	p, err := engine.ProfileByName(profile)
	require.NoError(t, err)
	cfg := engine.HostConfig{Name: "client", Addr: netip.MustParseAddr("192.168.1.5"), Profile: p, Seed: 1}
	if rng != "" {
		cfg.Range, err = engine.ParseRange(rng)
		require.NoError(t, err)
	}
	h, err := engine.NewHost(cfg)
	require.NoError(t, err)
	var out []allocResult
	for n := 1; n <= count; n++ {
		r := allocResult{N: n, Dst: to[(n-1)%len(to)]}
		tuple, err := h.Connect(proto, netip.MustParseAddrPort(r.Dst))
		if e, ok := engine.IsErrno(err); ok {
			r.Err = e.Name
		} else {
			require.NoError(t, err)
			r.Port = tuple.Local.Port()
		}
		out = append(out, r)
	}
	return out
}

func TestAllocRunsOut(t *testing.T) {
	args := []string{"alloc", "--profile", "winxp", "--range", "1025-1034", "--to", "10.0.0.10:80", "--count", "12"}
	want := engineAlloc(t, "winxp", "1025-1034", []string{"10.0.0.10:80"}, 12)

	r := portsim(t, "", args...)
	require.Equal(t, 0, r.code, r.stderr)
	got := lines(r.stdout)
	require.Len(t, got, 1+12+1+1, "a header, one line per attempt, a summary, winxp's unverified claims")
	assert.Equal(t, "client 192.168.1.5, profile winxp (sequential), range 1025-1034 (10 ports)", got[0])
	for i, w := range want {
		f := strings.Fields(got[1+i])
		assert.Equal(t, []string{strconv.Itoa(w.N), w.Dst}, f[:2])
		if w.Err != "" {
			assert.Equal(t, w.Err, f[2])
		} else {
			assert.Equal(t, []string{"port", strconv.Itoa(int(w.Port))}, f[2:])
		}
	}
	assert.Equal(t, "10 of 12 connects got a port; 2 failed, the first at attempt 11", got[13])

	r = portsim(t, "", append(args, "--json")...)
	require.Equal(t, 0, r.code, r.stderr)
	var results []allocResult
	for _, l := range lines(r.stdout) {
		var a allocResult
		require.NoError(t, json.Unmarshal([]byte(l), &a), l)
		results = append(results, a)
	}
	require.Equal(t, want, results)
	// What the lesson shows: the range handed out in order, then nothing.
	for i, a := range results[:10] {
		assert.Equal(t, uint16(1025+i), a.Port)
	}
	for _, a := range results[10:] {
		assert.Equal(t, "WSAENOBUFS", a.Err, "Winsock's error on Windows (KB 196271)")
		assert.Zero(t, a.Port)
	}
}

// Linux picks a port again toward a different destination (the 4-tuple
// differs); Windows XP does not. Ten ports then give twenty connections on
// Linux and ten on XP.
func TestAllocSharesPortsAcrossDestinations(t *testing.T) {
	to := []string{"10.0.0.10:80", "10.0.0.20:80"}
	tests := []struct {
		profile string
		shared  bool
	}{{"linux", true}, {"freebsd", true}, {"winxp", false}}
	for _, tt := range tests {
		t.Run(tt.profile, func(t *testing.T) {
			r := portsim(t, "", "alloc", "--json", "--profile", tt.profile, "--range", "40000-40009", "--to", strings.Join(to, ","), "--count", "22")
			require.Equal(t, 0, r.code, r.stderr)
			var got []allocResult
			for _, l := range lines(r.stdout) {
				var a allocResult
				require.NoError(t, json.Unmarshal([]byte(l), &a), l)
				got = append(got, a)
			}
			require.Equal(t, engineAlloc(t, tt.profile, "40000-40009", to, 22), got)

			ports := map[string]map[uint16]bool{}
			failed := 0
			for _, a := range got {
				if a.Err != "" {
					failed++
					continue
				}
				if ports[a.Dst] == nil {
					ports[a.Dst] = map[uint16]bool{}
				}
				assert.False(t, ports[a.Dst][a.Port], "port %d twice toward %s", a.Port, a.Dst)
				ports[a.Dst][a.Port] = true
			}
			if tt.shared {
				assert.Equal(t, 2, failed)
				assert.Len(t, ports[to[0]], 10)
				assert.Equal(t, ports[to[0]], ports[to[1]], "every port used toward both destinations")
			} else {
				assert.Equal(t, 12, failed)
				for p := range ports[to[0]] {
					assert.False(t, ports[to[1]][p], "port %d toward both destinations", p)
				}
			}
		})
	}
}

// With --proto udp, Linux gives each UDP socket a port of its own, toward
// every destination (udp_lib_get_port), and says EAGAIN when none is left;
// FreeBSD's connect() shares a UDP port across destinations as for TCP.
func TestAllocUDP(t *testing.T) {
	to := []string{"10.0.0.53:53", "10.0.0.54:53"}
	for _, tc := range []struct {
		profile, errno string
		ports          int
	}{{"linux", "EAGAIN", 10}, {"freebsd", "EADDRNOTAVAIL", 20}} {
		t.Run(tc.profile, func(t *testing.T) {
			args := []string{"alloc", "--proto", "udp", "--profile", tc.profile, "--range", "40000-40009", "--to", strings.Join(to, ","), "--count", "22"}
			r := portsim(t, "", append(args, "--json")...)
			require.Equal(t, 0, r.code, r.stderr)
			var got []allocResult
			for _, l := range lines(r.stdout) {
				var a allocResult
				require.NoError(t, json.Unmarshal([]byte(l), &a), l)
				got = append(got, a)
			}
			require.Equal(t, engineAllocProto(t, engine.UDP, tc.profile, "40000-40009", to, 22), got)
			if tc.profile == "linux" {
				assert.NotEqual(t, engineAllocProto(t, engine.TCP, tc.profile, "40000-40009", to, 22), got, "UDP's picks are not TCP's")
			}
			ok := 0
			for _, a := range got {
				if a.Err == "" {
					ok++
				} else {
					assert.Equal(t, tc.errno, a.Err)
				}
			}
			assert.Equal(t, tc.ports, ok)
			r = portsim(t, "", args...)
			require.Equal(t, 0, r.code, r.stderr)
			assert.Contains(t, lines(r.stdout)[0], ", UDP (random-start), range 40000-40009")
		})
	}
}

// capacity --proto udp: the ceiling is the range over how long each
// query's socket is open, and the simulation runs out where it says.
func TestCapacityUDP(t *testing.T) {
	tests := []struct {
		args    []string
		ceiling string
		result  string
	}{
		{[]string{"--range", "40000-40099", "--hold", "1s", "--rate", "200/s"},
			"ceiling: 100 ports / 1s = 100 new queries per second to all destinations together: each UDP socket's port is its own",
			"first EAGAIN at 0.5s; 200 of 500 queries failed"},
		{[]string{"--range", "40000-40099", "--hold", "1s", "--rate", "100/s"},
			"ceiling: 100 ports / 1s = 100 new queries per second to all destinations together: each UDP socket's port is its own",
			"no query failed: 100/s is within the ceiling"},
		{[]string{"--profile", "freebsd", "--range", "40000-40099", "--hold", "500ms", "--rate", "400/s"},
			"ceiling: 100 ports / 0.5s = 200 new queries per second to one destination",
			"first EADDRNOTAVAIL at 0.25s; 200 of 500 queries failed"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := portsim(t, "", append([]string{"capacity", "--proto", "udp"}, tt.args...)...)
			require.Equal(t, 0, r.code, r.stderr)
			got := lines(r.stdout)
			require.GreaterOrEqual(t, len(got), 4)
			assert.Equal(t, tt.ceiling, got[1])
			assert.Regexp(t, `^simulated [0-9.]+/s for [0-9.]+s: \d+ queries to 10\.0\.0\.10:53, each socket closed `, got[2])
			assert.Equal(t, tt.result, got[3])
		})
	}
}

func TestCapacity(t *testing.T) {
	tests := []struct {
		args    []string
		ceiling string // the ceiling line
		fails   bool
	}{
		{[]string{"--profile", "winxp", "--range", "1025-1034", "--timewait", "20s", "--rate", "1/s"},
			"ceiling: 10 ports / 20s = 0.5 new connections per second to one destination", true},
		{[]string{"--profile", "winxp", "--range", "1025-1034", "--timewait", "20s", "--rate", "0.5/s"},
			"ceiling: 10 ports / 20s = 0.5 new connections per second to one destination", false},
		{[]string{"--profile", "winxp", "--range", "1025-1034", "--timewait", "20s", "--rate", "0.3"},
			"ceiling: 10 ports / 20s = 0.5 new connections per second to one destination", false},
		{[]string{"--rate", "500/s"},
			"ceiling: 28232 ports / 60s = 470 new connections per second to one destination", true},
		{[]string{"--rate", "470/s"},
			"ceiling: 28232 ports / 60s = 470 new connections per second to one destination", false},
		{[]string{"--profile", "macos", "--rate", "1000/s"},
			"ceiling: 16384 ports / 30s = 546 new connections per second to one destination", true},
		// 68.27 rounded would promise more than 16384 / 240 s = 68.267.
		{[]string{"--profile", "windows", "--rate", "68/s"},
			"ceiling: 16384 ports / 240s = 68.2 new connections per second to one destination", false},
	}
	simulated := regexp.MustCompile(`^simulated ([0-9.]+)/s for [0-9.]+s: (\d+) connects to 10\.0\.0\.10:80, each closed at once$`)
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := portsim(t, "", append([]string{"capacity"}, tt.args...)...)
			require.Equal(t, 0, r.code, r.stderr)
			assert.Empty(t, r.stderr)
			got := lines(r.stdout)
			prof := profileOf(t, tt.args)
			if prof.Unverified != "" {
				require.Len(t, got, 5)
				assert.Equal(t, "unverified in profile "+prof.Name+" (no primary source): "+prof.Unverified, got[4])
			} else {
				require.Len(t, got, 4)
			}
			assert.Equal(t, tt.ceiling, got[1])
			m := simulated.FindStringSubmatch(got[2])
			require.NotNil(t, m, got[2])
			rate, _ := strconv.ParseFloat(m[1], 64)
			count, _ := strconv.Atoi(m[2])

			first, failed := engineRate(t, tt.args, rate, count)
			if !tt.fails {
				assert.Zero(t, failed)
				assert.Equal(t, fmt.Sprintf("no connect failed: %s/s is within the ceiling", m[1]), got[3])
				return
			}
			require.NotZero(t, failed)
			errno := "EADDRNOTAVAIL"
			if slices.Contains(tt.args, "winxp") {
				errno = "WSAENOBUFS" // Winsock's error (KB 196271)
			}
			assert.Equal(t, fmt.Sprintf("first %s at %s; %d of %d connects failed", errno, seconds(first), failed, count), got[3])
		})
	}
}

// engineRate replays capacity's run on the engine alone: a connect every
// 1/rate seconds, each closed at once into TIME_WAIT. It returns when the
// first connect failed and how many did.
func engineRate(t *testing.T, args []string, rate float64, count int) (time.Duration, int) {
	flags := map[string]string{"--profile": "linux"}
	for i := 0; i+1 < len(args); i += 2 {
		flags[args[i]] = args[i+1]
	}
	p, err := engine.ProfileByName(flags["--profile"])
	require.NoError(t, err)
	cfg := engine.HostConfig{Name: "client", Addr: netip.MustParseAddr("192.168.1.5"), Profile: p, Seed: 1}
	if s := flags["--range"]; s != "" {
		cfg.Range, err = engine.ParseRange(s)
		require.NoError(t, err)
	}
	if s := flags["--timewait"]; s != "" {
		cfg.TimeWait, err = time.ParseDuration(s)
		require.NoError(t, err)
	}
	h, err := engine.NewHost(cfg)
	require.NoError(t, err)
	every := time.Duration(float64(time.Second) / rate) // as scenario files read N/s
	dst := netip.MustParseAddrPort("10.0.0.10:80")
	var first time.Duration
	failed := 0
	for i := range count {
		at := time.Duration(i) * every
		h.AdvanceTo(at, nil)
		tuple, err := h.Connect(engine.TCP, dst)
		if err != nil {
			if failed++; failed == 1 {
				first = at
			}
			continue
		}
		require.NoError(t, h.Close(tuple))
	}
	return first, failed
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	badFile := filepath.Join(dir, "bad.txt")
	badSrc := "title \"broken\"\nhost web 10.0.0.10\nlisten nobody 80\n"
	require.NoError(t, os.WriteFile(badFile, []byte(badSrc), 0o644))
	_, parseErr := scenario.Parse(badSrc)
	require.Error(t, parseErr)
	require.Regexp(t, `^line 3, column \d+: `, parseErr.Error())

	to := "--to=10.0.0.10:80"
	var names []string
	for _, b := range assets.Scenarios() {
		names = append(names, b.Name)
	}
	builtinNames := strings.Join(names, ", ")
	tests := []struct {
		args []string
		want string // the whole of stderr, less its newline
	}{
		{[]string{"alloc", "--range", "70000-80000", to}, "portsim alloc: --range 70000-80000: 70000 is outside 1-65535"},
		{[]string{"alloc", "--range", "5000-1025", to}, "portsim alloc: --range 5000-1025 is reversed: the low end must come first"},
		{[]string{"alloc", "--range", "many", to}, `portsim alloc: --range "many": want LO-HI, e.g. 32768-60999`},
		{[]string{"alloc", "--profile", "solaris", to}, `portsim alloc: --profile: unknown profile "solaris"; want one of linux, linux-old, winxp, windows, freebsd, macos, iana`},
		{[]string{"alloc", "--count", "5"}, "portsim alloc: --to is missing: give the destinations as ADDR:PORT[,ADDR:PORT...], e.g. --to 10.0.0.10:80"},
		{[]string{"alloc", "--to", "web:80"}, `portsim alloc: --to web:80: "web:80" is not ADDR:PORT, e.g. 10.0.0.10:80 or [2001:db8::1]:443`},
		{[]string{"alloc", "--to", "10.0.0.10:0"}, "portsim alloc: --to 10.0.0.10:0: 10.0.0.10:0: port 0 is not a destination port"},
		{[]string{"alloc", "--to", "[2001:db8::1]:80"}, "portsim alloc: --to [2001:db8::1]:80: [2001:db8::1]:80 is not the same IP version as --from 192.168.1.5"},
		{[]string{"alloc", to, "--count", "0"}, "portsim alloc: --count 0: want a whole number from 1 to 10000000"},
		{[]string{"alloc", to, "--seed", "-1"}, "portsim alloc: --seed -1: want a whole number from 0 to 18446744073709551615"},
		{[]string{"alloc", to, "--from", "me"}, "portsim alloc: --from me: want the client's IP address, e.g. 192.168.1.5"},
		{[]string{"alloc", to, "extra"}, `portsim alloc: unexpected argument "extra"`},
		{[]string{"alloc", "--bogus"}, "portsim alloc: flag provided but not defined: -bogus"},
		{[]string{"alloc", "--to"}, "portsim alloc: flag needs an argument: -to"},
		{[]string{"run", "solaris"}, `portsim run: no built-in scenario "solaris"; want one of ` + builtinNames + ` (or a file name)`},
		{[]string{"run", "99"}, `portsim run: no built-in scenario "99"; want one of ` + builtinNames + ` (or a file name)`},
		{[]string{"run", filepath.Join(dir, "missing.txt")}, "portsim run: " + filepath.Join(dir, "missing.txt") + ": no such file"},
		{[]string{"run", badFile}, "portsim run: " + badFile + ": " + parseErr.Error()},
		{[]string{"run"}, "portsim run: want a scenario: a built-in name or number (see portsim list) or a file"},
		{[]string{"run", "2", "3"}, `portsim run: unexpected argument "3"`},
		{[]string{"run", "2", "--seed", "x"}, "portsim run: --seed x: want a whole number from 0 to 18446744073709551615"},
		{[]string{"run", "2", "--until", "soon"}, "portsim run: --until soon: want a duration, e.g. 30s, 500ms or 2m"},
		{[]string{"run", "2", "--until", "-1s"}, "portsim run: --until -1s: is negative"},
		{[]string{"run", "2", "--json=maybe"}, `portsim run: invalid boolean value "maybe" for -json: parse error`},
		{[]string{"list", "extra"}, `portsim list: unexpected argument "extra"`},
		{[]string{"capacity", "--rate", "abc"}, "portsim capacity: --rate abc: want new connections per second, more than 0 and at most 1000000, e.g. 100/s or 0.5/s"},
		{[]string{"capacity", "--rate", "0/s"}, "portsim capacity: --rate 0/s: want new connections per second, more than 0 and at most 1000000, e.g. 100/s or 0.5/s"},
		{[]string{"capacity"}, "portsim capacity: --rate is missing: give new connections per second, e.g. --rate 100/s"},
		{[]string{"capacity", "--rate", "1/s", "--timewait", "0s"}, "portsim capacity: --timewait 0s: must be more than 0"},
		{[]string{"capacity", "--rate", "1/s", "--timewait", "48h"}, "portsim capacity: --timewait 48h: longer than the limit of 24h0m0s"},
		{[]string{"capacity", "--proto", "udp", "--rate", "1/s"}, "portsim capacity: --hold is missing: with --proto udp, give how long each query's socket stays open, e.g. --hold 50ms"},
		{[]string{"capacity", "--proto", "udp", "--hold", "1s", "--timewait", "1s", "--rate", "1/s"}, "portsim capacity: --timewait: UDP has no TIME_WAIT; with --proto udp give --hold, how long each query's socket stays open"},
		{[]string{"capacity", "--hold", "1s", "--rate", "1/s"}, "portsim capacity: --hold is for --proto udp: a TCP port is held for TIME_WAIT after its connection closes (--timewait)"},
		{[]string{"capacity", "--proto", "udp", "--hold", "0s", "--rate", "1/s"}, "portsim capacity: --hold 0s: must be more than 0"},
		{[]string{"capacity", "--proto", "sctp", "--rate", "1/s"}, "portsim capacity: --proto sctp: want tcp or udp"},
		{[]string{"alloc", "--proto", "icmp", "--to", "10.0.0.10:80"}, "portsim alloc: --proto icmp: want tcp or udp"},
		{[]string{"capacity", "--rate", "1/s", "--profile", "solaris"}, `portsim capacity: --profile: unknown profile "solaris"; want one of linux, linux-old, winxp, windows, freebsd, macos, iana`},
		{[]string{"pcap", "2"}, "portsim pcap: -o is missing: give the pcap file to write, e.g. -o lesson.pcap"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := portsim(t, "", tt.args...)
			assert.Equal(t, 2, r.code)
			assert.Empty(t, r.stdout)
			assert.Equal(t, tt.want+"\n", r.stderr)
			assert.Equal(t, r, inProcess(tt.args...))
		})
	}
}

// A pcap that cannot be made leaves nothing behind: no output, no
// temporary file.
func TestPcapFailureLeavesNoFile(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bad.txt"), []byte("host a 10.0.0.1\nconnect a -> b:80\n"), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "folder"), 0o755))
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"pcap", "nosuch", "-o", "out.pcap"}, `portsim pcap: no built-in scenario "nosuch"`},
		{[]string{"pcap", "bad.txt", "-o", "out.pcap"}, "portsim pcap: bad.txt: line 2, column 14: "},
		{[]string{"pcap", "2", "-o", "out.pcap", "--until", "forever"}, "portsim pcap: --until forever: "},
		{[]string{"pcap", "2", "-o", "missing/out.pcap"}, "portsim pcap: -o missing/out.pcap: cannot create it: no such file or directory"},
		{[]string{"pcap", "2", "-o", "folder"}, "portsim pcap: -o folder is a folder"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := portsim(t, dir, tt.args...)
			assert.Equal(t, 2, r.code)
			assert.Empty(t, r.stdout)
			assert.True(t, strings.HasPrefix(r.stderr, tt.want), r.stderr)
			assert.Equal(t, 1, strings.Count(r.stderr, "\n"), r.stderr)
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			assert.Equal(t, []string{"bad.txt", "folder"}, names)
			folder, err := os.ReadDir(filepath.Join(dir, "folder"))
			require.NoError(t, err)
			assert.Empty(t, folder)
		})
	}
}

// A failure while writing (here, made up) removes the temporary file and
// leaves any earlier file at the path as it was.
func TestWriteAtomicFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.pcap")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o644))
	err := writeAtomic(path, func(w io.Writer) error {
		_, err := w.Write(make([]byte, 100_000))
		require.NoError(t, err)
		return errors.New("disk on fire")
	})
	require.EqualError(t, err, "writing "+path+": disk on fire")
	var in *inputError
	assert.False(t, errors.As(err, &in), "a failure while writing is exit status 1, not 2")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	old, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "old", string(old))
}

// profileOf is the profile that --profile in args names, linux if none.
func profileOf(t *testing.T, args []string) engine.Profile {
	name := "linux"
	if i := slices.Index(args, "--profile"); i >= 0 {
		name = args[i+1]
	}
	p, err := engine.ProfileByName(name)
	require.NoError(t, err)
	return p
}

// Every text output names the unverified claims of the profiles it used,
// once each, last; a profile without any adds nothing.
func TestOutputNamesUnverifiedClaims(t *testing.T) {
	windows, winxp := profileOf(t, []string{"--profile", "windows"}), profileOf(t, []string{"--profile", "winxp"})
	note := func(p engine.Profile) string {
		return "unverified in profile " + p.Name + " (no primary source): " + p.Unverified
	}
	scenario := "host c 192.168.1.5 profile windows\nhost d 192.168.1.6 profile windows\nhost s 10.0.0.10 profile winxp\n" +
		"host m 10.0.0.11 profile macos\nlisten s 80\nconnect c -> s:80\nduration 1s"
	tests := []struct {
		name, input string // input: the scenario file s.txt
		args        []string
		want        []string // the last lines
	}{
		{"alloc windows", "", []string{"alloc", "--profile", "windows", "--to", "10.0.0.10:80", "--count", "1"}, []string{note(windows)}},
		{"alloc linux", "", []string{"alloc", "--to", "10.0.0.10:80", "--count", "1"}, []string{"1 of 1 connects got a port"}},
		{"run, two profiles", scenario, []string{"run", "s.txt"}, []string{note(windows), note(winxp)}}, // macos has none
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "s.txt"), []byte(tt.input), 0o644))
			r := portsim(t, dir, tt.args...)
			require.Equal(t, 0, r.code, r.stderr)
			got := lines(r.stdout)
			require.GreaterOrEqual(t, len(got), len(tt.want))
			assert.Equal(t, tt.want, got[len(got)-len(tt.want):])
		})
	}
}

func TestPlural(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{{0, "0 ports"}, {1, "1 port"}, {2, "2 ports"}, {28232, "28232 ports"}} {
		assert.Equal(t, tc.want, plural(tc.n, "port"))
	}
}
