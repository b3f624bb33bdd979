package engine

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// portsFinder is a finder over a set of taken ports, with a probe count.
type portsFinder struct {
	taken  bitset
	probes int
}

func (f *portsFinder) find(from, to, step int) (Port, bool) {
	bl := blocked{&f.taken, &noPorts, &noPorts, &noPorts}
	f.probes++
	return bl.firstFree(from, to, step)
}

// naiveFirstFree is the obvious loop firstFree must agree with.
func naiveFirstFree(taken *bitset, from, to, step int) (Port, bool) {
	for p := from; p <= to; p += step {
		if !taken.has(Port(p)) {
			return Port(p), true
		}
	}
	return 0, false
}

func TestFirstFreeMatchesNaiveScan(t *testing.T) {
	var taken bitset
	// Taken: every port in 100-199, the even ports of 200-263, and 65530-65535.
	for p := 100; p < 200; p++ {
		taken.set(Port(p))
	}
	for p := 200; p < 264; p += 2 {
		taken.set(Port(p))
	}
	for p := 65530; p <= 65535; p++ {
		taken.set(Port(p))
	}
	bl := blocked{&taken, &noPorts, &noPorts, &noPorts}
	// A full region with two ports freed again: the summaries must forget
	// that their words were full.
	for p := 4096; p < 12288; p++ {
		taken.set(Port(p))
	}
	taken.clear(10000)
	taken.clear(11001)
	cases := [][3]int{{4096, 12287, 2}, {4097, 12287, 2}, {4096, 12287, 1}, {10001, 12287, 1}, {10002, 12287, 2}, {0, 10, 1}, {100, 199, 1}, {100, 300, 1}, {100, 300, 2}, {101, 300, 2}, {200, 263, 2}, {65500, 65535, 1}, {65530, 65535, 1}, {63, 64, 1}, {64, 63, 1}, {0, 65535, 2}}
	for _, c := range cases {
		got, ok := bl.firstFree(c[0], c[1], c[2])
		want, wantOK := naiveFirstFree(&taken, c[0], c[1], c[2])
		assert.Equal(t, wantOK, ok, "%v", c)
		assert.Equal(t, want, got, "%v", c)
	}
}

// A scan that starts inside a full 4096-port block steps through its words
// and finds the first free port just past it, not 4096 ports on.
func TestFirstFreeFromInsideAFullBlock(t *testing.T) {
	var taken bitset
	for p := 4096; p < 8192; p++ {
		taken.set(Port(p))
	}
	bl := blocked{&taken, &noPorts, &noPorts, &noPorts}
	for _, c := range [][3]int{{4160, 12287, 1}, {4160, 12287, 2}, {4161, 12287, 2}, {8000, 8300, 1}, {4096, 8191, 1}} {
		got, ok := bl.firstFree(c[0], c[1], c[2])
		want, wantOK := naiveFirstFree(&taken, c[0], c[1], c[2])
		assert.Equal(t, wantOK, ok, "%v", c)
		assert.Equal(t, want, got, "%v", c)
	}
}

// FuzzFirstFree checks the word-and-summary scan against the naive loop,
// over sets built with set and clear (which keep the summaries).
func FuzzFirstFree(f *testing.F) {
	f.Add(uint16(100), uint16(300), uint8(2), uint16(0), []byte{1, 2, 3})
	f.Add(uint16(0), uint16(65535), uint8(1), uint16(60000), []byte{0xff, 0x0f})
	f.Add(uint16(32768), uint16(60999), uint8(2), uint16(20000), []byte{0x55, 0xaa, 0})
	// One word's odd (even) ports all taken: its block is not full.
	f.Add(uint16(1), uint16(4095), uint8(1), uint16(64), []byte{})
	f.Add(uint16(0), uint16(4095), uint8(1), uint16(65), []byte{})
	// A whole block of even (odd) ports taken: a scan of both parities
	// still finds the others.
	f.Add(uint16(0), uint16(8191), uint8(0), uint16(0), bytes.Repeat([]byte{0x55}, 512))
	f.Add(uint16(0), uint16(8191), uint8(0), uint16(0), bytes.Repeat([]byte{0xaa}, 512))
	f.Add(uint16(1), uint16(8191), uint8(0), uint16(0), bytes.Repeat([]byte{0xaa}, 512))
	f.Fuzz(func(t *testing.T, from, to uint16, step uint8, dense uint16, pattern []byte) {
		var taken bitset
		// A dense run from `from`, as a nearly full range is...
		for p := int(from); p < int(from)+int(dense) && p <= 65535; p++ {
			taken.set(Port(p))
		}
		// ...then a pattern after it: 1 bits set, 0 bits set and cleared.
		base := int(from) + int(dense)
		for i, b := range pattern {
			for j := 0; j < 8; j++ {
				p := base + i*8 + j
				if p > 65535 {
					break
				}
				taken.set(Port(p))
				if b&(1<<j) == 0 {
					taken.clear(Port(p))
				}
			}
		}
		s := int(step%2) + 1
		bl := blocked{&taken, &noPorts, &noPorts, &noPorts}
		got, ok := bl.firstFree(int(from), int(to), s)
		want, wantOK := naiveFirstFree(&taken, int(from), int(to), s)
		require.Equal(t, wantOK, ok)
		require.Equal(t, want, got)
	})
}

func TestPickRandomStart(t *testing.T) {
	r := Range{32000, 33000}
	t.Run("nothing free", func(t *testing.T) {
		f := &portsFinder{}
		for p := r.Lo; p <= r.Hi; p++ {
			f.taken.set(p)
		}
		_, ok := pickRandomStart(r, 12345, f.find)
		assert.False(t, ok)
	})
	t.Run("only one port free", func(t *testing.T) {
		f := &portsFinder{}
		for p := r.Lo; p <= r.Hi; p++ {
			if p != 32042 {
				f.taken.set(p)
			}
		}
		for _, off := range []uint32{0, 41, 42, 43, 1000, 1 << 31} {
			p, ok := pickRandomStart(r, off, f.find)
			require.True(t, ok)
			assert.Equal(t, Port(32042), p, "offset %d", off)
		}
	})
	t.Run("only ports below the range free", func(t *testing.T) {
		f := &portsFinder{}
		for p := r.Lo; p <= r.Hi; p++ {
			f.taken.set(p)
		}
		_, ok := pickRandomStart(r, 7, f.find)
		assert.False(t, ok)
	})
	t.Run("starts at the offset", func(t *testing.T) {
		f := &portsFinder{}
		p, ok := pickRandomStart(r, 1001+5, f.find) // 1006 % 1001 = 5
		require.True(t, ok)
		assert.Equal(t, Port(32005), p)
	})
}

// Like gVisor's TestOverflow (facts §5): a range ending at 65535, every
// offset, every port handed out once with no loss at the boundary.
func TestPickRandomStartNoOverflow(t *testing.T) {
	r := Range{65486, 65535}
	for off := uint32(0); off < 200; off++ {
		f := &portsFinder{}
		for i := 0; i < r.Size(); i++ {
			p, ok := pickRandomStart(r, off+uint32(i)*7, f.find)
			require.True(t, ok, "offset %d pick %d", off, i)
			require.True(t, r.Contains(p))
			require.False(t, f.taken.has(p))
			f.taken.set(p)
		}
		_, ok := pickRandomStart(r, off, f.find)
		require.False(t, ok)
	}
}

// Facts fact 7: a port freed just after allocation comes back only after
// every other free port was handed out once.
func TestPickSequentialWrapsBeforeReuse(t *testing.T) {
	r := Range{1025, 1034}
	f := &portsFinder{}
	next := 0
	var order []Port
	for i := 0; i < 3; i++ {
		var p Port
		var ok bool
		p, next, ok = pickSequential(r, next, f.find)
		require.True(t, ok)
		order = append(order, p)
		f.taken.set(p)
	}
	assert.Equal(t, []Port{1025, 1026, 1027}, order)
	f.taken.clear(1025) // freed at once
	var rest []Port
	for {
		p, n, ok := pickSequential(r, next, f.find)
		if !ok {
			break
		}
		next = n
		rest = append(rest, p)
		f.taken.set(p)
	}
	assert.Equal(t, []Port{1028, 1029, 1030, 1031, 1032, 1033, 1034, 1025}, rest, "1025 comes back last, after the wrap")
}

func TestPickRandomPickCanFailWithFreePorts(t *testing.T) {
	r := Range{5000, 5009}
	f := &portsFinder{}
	f.taken.set(5003)
	usable := func(p Port) bool { return !f.taken.has(p) }
	// A random source that keeps landing on the one taken port: nine
	// ports are free, yet Algorithm 2 gives up after size tries.
	_, tries, ok := pickRandomPick(r, func() uint32 { return 3 }, usable)
	assert.False(t, ok)
	assert.Equal(t, r.Size(), tries)
	p, tries, ok := pickRandomPick(r, func() uint32 { return 4 }, usable)
	require.True(t, ok)
	assert.Equal(t, Port(5004), p)
	assert.Equal(t, 1, tries)
}

// Facts fact 8: connect() takes ports of the low end's parity first.
func TestPickLinuxConnectParity(t *testing.T) {
	r := Range{32768, 32867} // 100 ports, even low end
	f := &portsFinder{}
	var seq []Port
	for i := 0; ; i++ {
		p, _, ok := pickLinuxConnect(r, uint32(i*13), uint32(i*7919), 2, f.find)
		if !ok {
			break
		}
		require.False(t, f.taken.has(p), "port %d handed out twice", p)
		f.taken.set(p)
		seq = append(seq, p)
	}
	require.Len(t, seq, 100, "every port is reached")
	for i, p := range seq {
		if i < 50 {
			assert.Equal(t, Port(0), p%2, "pick %d (%d) should be even", i, p)
		} else {
			assert.Equal(t, Port(1), p%2, "pick %d (%d) should be odd", i, p)
		}
	}
}

func TestPickLinuxConnectOddLowEnd(t *testing.T) {
	r := Range{1025, 1034}
	f := &portsFinder{}
	p, _, ok := pickLinuxConnect(r, 0, 0, 2, f.find)
	require.True(t, ok)
	assert.Equal(t, Port(1025), p, "an odd low end makes odd ports come first")
}

func TestPickLinuxConnectStepOne(t *testing.T) {
	r := Range{40000, 40009}
	f := &portsFinder{}
	var seq []Port
	for {
		p, _, ok := pickLinuxConnect(r, 3, 0, 1, f.find)
		if !ok {
			break
		}
		f.taken.set(p)
		seq = append(seq, p)
	}
	assert.Equal(t, []Port{40003, 40004, 40005, 40006, 40007, 40008, 40009, 40000, 40001, 40002}, seq,
		"with IP_LOCAL_PORT_RANGE every port is scanned in order, no parity passes")
}

// An odd-sized range (linux-old, 32768-61000): the last port is still
// reachable, as the kernel's wrap-at-high loop reaches it.
func TestPickLinuxConnectOddSizedRange(t *testing.T) {
	r := Range{100, 110} // 11 ports; remaining rounds down to 10
	f := &portsFinder{}
	seen := map[Port]bool{}
	for off := uint32(0); off < 20; off++ {
		for {
			p, _, ok := pickLinuxConnect(r, off, 0, 2, f.find)
			if !ok {
				break
			}
			seen[p] = true
			f.taken.set(p)
		}
		f = &portsFinder{}
	}
	assert.True(t, seen[110], "port 110 is reachable")
	for p := range seen {
		assert.True(t, r.Contains(p))
	}
}

// bind(0) does the mirror image of connect(): odd ports first (facts §2 [ICS]).
func TestPickLinuxBindParityAndHalves(t *testing.T) {
	r := Range{32768, 32867}
	rnd := func(seed int) func(int) int { return func(n int) int { return (seed * 31) % n } }
	t.Run("odd first", func(t *testing.T) {
		f := &portsFinder{}
		var seq []Port
		for i := 0; ; i++ {
			p, ok := pickLinuxBind(r, false, rnd(i), f.find)
			if !ok {
				break
			}
			f.taken.set(p)
			seq = append(seq, p)
		}
		require.Len(t, seq, 100)
		for i, p := range seq {
			assert.Equal(t, Port(map[bool]int{true: 1, false: 0}[i < 50]), p%2, "pick %d: %d", i, p)
		}
	})
	t.Run("SO_REUSEADDR: lower half first", func(t *testing.T) {
		f := &portsFinder{}
		half := Port(32768 + 50)
		for i := 0; i < 100; i++ {
			p, ok := pickLinuxBind(r, true, rnd(i), f.find)
			require.True(t, ok)
			f.taken.set(p)
			if i < 50 {
				assert.Less(t, p, half, "pick %d", i)
			} else {
				assert.GreaterOrEqual(t, p, half, "pick %d", i)
			}
		}
		_, ok := pickLinuxBind(r, true, rnd(0), f.find)
		assert.False(t, ok)
	})
}

// bind(0)'s exact walk (inet_csk_find_open_port, facts §2 [ICS]): port =
// low + (random(remaining) | 1), up by 2; then offset-- and the even pass
// from the port below; with SO_REUSEADDR both passes over the lower half
// (from a 4-port range up) before the upper half.
func TestPickLinuxBindOrder(t *testing.T) {
	odds := func(r Range) []Port {
		var ps []Port
		for p := r.Lo | 1; p <= r.Hi; p += 2 {
			ps = append(ps, p)
		}
		return ps
	}
	for _, tc := range []struct {
		name      string
		r         Range
		reuseAddr bool
		random    int
		taken     []Port
		want      Port
	}{
		{"odd pass from random|1", Range{40000, 40009}, false, 4, nil, 40005},
		{"odd pass wraps", Range{40000, 40009}, false, 8, []Port{40009}, 40001},
		{"even pass starts one below the odd one", Range{40000, 40009}, false, 4, odds(Range{40000, 40009}), 40004},
		{"even pass after the odd pass wrapped", Range{40000, 40009}, false, 8, odds(Range{40000, 40009}), 40008},
		{"SO_REUSEADDR: lower half's even port before the upper half", Range{40000, 40003}, true, 0, []Port{40001}, 40000},
		{"SO_REUSEADDR: upper half once the lower is full", Range{40000, 40003}, true, 0, []Port{40000, 40001}, 40003},
		{"SO_REUSEADDR, 3 ports: the whole range at once", Range{40000, 40002}, true, 0, []Port{40001}, 40000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &portsFinder{}
			for _, p := range tc.taken {
				f.taken.set(p)
			}
			p, ok := pickLinuxBind(tc.r, tc.reuseAddr, func(n int) int { return tc.random % n }, f.find)
			require.True(t, ok)
			assert.Equal(t, tc.want, p)
		})
	}
}

// pickLinuxHint: port = low + (i + hint + hash) % remaining for i from 1,
// and i is how far the walk went.
func TestPickLinuxHint(t *testing.T) {
	r := Range{100, 109}
	f := &portsFinder{}
	p, i, ok := pickLinuxHint(r, 5, 1, f.find)
	require.True(t, ok)
	assert.Equal(t, Port(107), p, "low + (1 + 6) % 10")
	assert.Equal(t, 1, i)
	f.taken.set(107)
	f.taken.set(108)
	p, i, ok = pickLinuxHint(r, 5, 1, f.find)
	require.True(t, ok)
	assert.Equal(t, Port(109), p)
	assert.Equal(t, 3, i)
	p, i, ok = pickLinuxHint(r, ^uint32(0), 3, f.find)
	require.True(t, ok, "u32 wrap-around of hint + hash")
	assert.Equal(t, Port(103), p, "low + (1 + 2) % 10")
	assert.Equal(t, 1, i)
}
