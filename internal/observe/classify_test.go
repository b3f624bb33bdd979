package observe

import (
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
)

var (
	linuxRange = engine.Range{Lo: 32768, Hi: 60999} // facts §2 [DOC]
	highRange  = engine.Range{Lo: 49152, Hi: 65535} // macOS, Windows Vista+ (facts §3, §4)
	bsdRange   = engine.Range{Lo: 10000, Hi: 65535} // FreeBSD (facts §4 [FB])
)

// macOSPorts is XNU's in_pcbbind for TCP: "++*lastport" of one counter,
// wrapping from the range's end to its start (facts Additions
// [XNU-pcb]); others[i] ports are taken by other programs before our
// i-th connect.
func macOSPorts(last, n int, r engine.Range, others map[int]int) []int {
	var ps []int
	for i := range n {
		for range others[i] + 1 {
			if last++; last > int(r.Hi) {
				last = int(r.Lo)
			}
		}
		ps = append(ps, last)
	}
	return ps
}

// linuxPorts is __inet_hash_connect toward one destination (facts §2
// [IH]): an even offset from the destination's hash and its
// table_perturb entry, step 2, and table_perturb moved on by
// max(i, rand(0..7)*2) + 2 after each pick (i = 0: the first port tried
// was free). jumpAt > 0 moves the hash on before that connect, as the
// time hashed in every 10 s does [SS].
func linuxPorts(rng *rand.Rand, n, jumpAt int, r engine.Range) []int {
	remaining := r.Size() &^ 1
	hash, perturb := rng.IntN(remaining), 0
	var ps []int
	for i := range n {
		if i == jumpAt {
			hash = rng.IntN(remaining)
		}
		offset := (hash + perturb) % remaining &^ 1
		ps = append(ps, int(r.Lo)+offset)
		perturb += rng.IntN(8)*2 + 2
	}
	return ps
}

// freeBSDPorts is in_pcb_lport_dest with randomized on: "lastport =
// first + arc4random() % (last - first)" on each call, then ++ while the
// port is in use (facts §4 [FB]).
func freeBSDPorts(rng *rand.Rand, n int, r engine.Range) []int {
	used := map[int]bool{}
	var ps []int
	for range n {
		p := int(r.Lo) + rng.IntN(r.Size()-1)
		for used[p] {
			if p++; p > int(r.Hi) {
				p = int(r.Lo)
			}
		}
		used[p] = true
		ps = append(ps, p)
	}
	return ps
}

// enginePorts connects n times toward dest from a host of profile name
// with range r.
func enginePorts(t *testing.T, name string, r engine.Range, dests []netip.AddrPort, n int) [][]int {
	p, err := engine.ProfileByName(name)
	require.NoError(t, err)
	s, err := newEngineStack(p, r, dests)
	require.NoError(t, err)
	out := make([][]int, len(dests))
	for d := range dests {
		for range n {
			port, err := s.Connect(d)
			require.NoError(t, err)
			out[d] = append(out[d], port)
		}
	}
	return out
}

var testDests = []netip.AddrPort{netip.MustParseAddrPort("127.0.0.1:40001"), netip.MustParseAddrPort("127.0.0.2:40002")}

func TestClassifyOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	// Windows Vista and later: no primary source gives the order (facts
	// §3, UNVERIFIED), so these ports come from the engine's windows
	// profile, whose random start is its assumption.
	windows := enginePorts(t, "windows", highRange, testDests[:1], 48)[0]
	for _, tc := range []struct {
		name  string
		ports []int
		r     engine.Range
		want  Order
	}{
		{"macOS: one counter, +1", macOSPorts(50000, 48, highRange, nil), highRange, Climbing},
		{"macOS: wrapping at 65535 to 49152", macOSPorts(65520, 48, highRange, nil), highRange, Climbing},
		{"macOS: other programs take a port now and then", macOSPorts(50000, 48, highRange, map[int]int{5: 1, 20: 3, 30: 1}), highRange, Climbing},
		{"Linux: even ports, jittered steps of 2 to 16", linuxPorts(rng, 48, -1, linuxRange), linuxRange, Parity},
		{"Linux: the hash moved on once (10 s)", linuxPorts(rng, 48, 20, linuxRange), linuxRange, Parity},
		{"Linux: wrapping at the range's end", linuxPorts(rand.New(rand.NewPCG(3, 4)), 48, -1, engine.Range{Lo: 32768, Hi: 33000}), engine.Range{Lo: 32768, Hi: 33000}, Parity},
		{"FreeBSD: a random start on each connect", freeBSDPorts(rng, 48, bsdRange), bsdRange, Random},
		{"Windows (unverified; the engine's windows profile)", windows, highRange, Random},
		{"small odd and even steps", []int{100, 101, 104, 105, 107, 110, 111, 113, 116}, engine.Range{Lo: 100, Hi: 200}, Varying},
		{"half small, half far", []int{50000, 50001, 60000, 60001, 52000, 52001, 64000, 64001, 55000}, highRange, Unclear},
		{"one odd port among even ones", []int{40000, 40002, 40004, 40006, 40007, 40010, 40012, 40014}, linuxRange, Varying},
		{"too few", []int{40000, 40002, 40004}, linuxRange, TooFew},
	} {
		assert.Equal(t, tc.want, ClassifyOrder(tc.ports, tc.r), "%s: %v", tc.name, tc.ports)
	}
}

// Every profile's sequence, run through the engine, reads as the order
// its kernel documents; the comparison rests on this.
func TestEngineProfilesClassifyAsDocumented(t *testing.T) {
	for _, tc := range []struct {
		profile   string
		r         engine.Range
		order     Order
		continues bool
	}{
		{"linux", linuxRange, Parity, false},
		{"linux-old", engine.Range{Lo: 32768, Hi: 61000}, Climbing, false},
		{"macos", highRange, Climbing, true},
		{"winxp", engine.Range{Lo: 1025, Hi: 5000}, Climbing, true},
		{"windows", highRange, Random, false},
		{"freebsd", bsdRange, Random, false},
		{"iana", highRange, Random, false},
	} {
		ps := enginePorts(t, tc.profile, tc.r, testDests, 32)
		assert.Equal(t, tc.order, ClassifyOrder(ps[0], tc.r), tc.profile)
		assert.Equal(t, tc.continues, ContinuesCount(ps[0], ps[1], tc.r), tc.profile)
		assert.True(t, Inside(append(ps[0], ps[1]...), tc.r), tc.profile)
	}
}

func TestContinuesCount(t *testing.T) {
	mac := macOSPorts(65530, 24, highRange, nil)
	assert.True(t, ContinuesCount(mac[:16], mac[16:], highRange), "the counter wraps from 65535 to 49152 between destinations")
	assert.True(t, ContinuesCount(mac[:16], mac[19:], highRange), "three ports taken by others in between")
	rng := rand.New(rand.NewPCG(5, 6))
	a, b := linuxPorts(rng, 16, -1, linuxRange), linuxPorts(rng, 16, -1, linuxRange)
	assert.False(t, ContinuesCount(a, b, linuxRange), "each destination has its own offset: %v %v", a, b)
	assert.False(t, ContinuesCount(mac[:16], []int{mac[15]}, highRange), "the same port again is not the next")
	assert.False(t, ContinuesCount(nil, mac, highRange))
}

func TestInside(t *testing.T) {
	assert.True(t, Inside([]int{49152, 65535}, highRange))
	assert.False(t, Inside([]int{49152, 49151}, highRange))
	assert.False(t, Inside([]int{70000}, engine.Range{Lo: 1, Hi: 65535}))
	assert.False(t, Inside([]int{-1}, engine.Range{Lo: 1, Hi: 65535}))
}
