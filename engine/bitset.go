package engine

import "math/bits"

// bitset holds one bit per port, 0-65535 (8 KiB), and a summary of which
// 64-port words have all their even or all their odd ports set. Scans work
// a word at a time and skip full words 64 at a time, so finding the last
// free port of a full range costs a few dozen operations, not 65536 probes.
type bitset struct {
	w                 [1024]uint64
	fullEven, fullOdd [16]uint64 // bit i of word j: w[j*64+i] has every even (odd) bit set
}

func (b *bitset) has(p Port) bool { return b.w[p>>6]&(1<<(p&63)) != 0 }

func (b *bitset) set(p Port) {
	i := p >> 6
	b.w[i] |= 1 << (p & 63)
	if b.w[i]&evenBits == evenBits {
		b.fullEven[i>>6] |= 1 << (i & 63)
	}
	if b.w[i]&oddBits == oddBits {
		b.fullOdd[i>>6] |= 1 << (i & 63)
	}
}

func (b *bitset) clear(p Port) {
	i := p >> 6
	b.w[i] &^= 1 << (p & 63)
	if p&1 == 0 {
		b.fullEven[i>>6] &^= 1 << (i & 63)
	} else {
		b.fullOdd[i>>6] &^= 1 << (i & 63)
	}
}

// noPorts is the empty set, standing in for a set a scan does not need.
var noPorts bitset

// blocked is the union of up to four port sets: a port in any of them
// cannot be picked.
type blocked [4]*bitset

func (bl *blocked) word(w int) uint64 { return bl[0].w[w] | bl[1].w[w] | bl[2].w[w] | bl[3].w[w] }

// full returns a 64-bit summary for words 64*s to 64*s+63: a set bit means
// that word has no usable port of the wanted parity (step 2; even if even)
// or of either parity (step 1). A word that the sets block only together,
// none alone, is not marked, and is simply scanned.
func (bl *blocked) full(s, step int, even bool) uint64 {
	var e, o uint64
	for _, b := range bl {
		e |= b.fullEven[s]
		o |= b.fullOdd[s]
	}
	switch {
	case step == 1:
		return e & o
	case even:
		return e
	}
	return o
}

func (bl *blocked) has(p Port) bool { return bl.word(int(p>>6))&(1<<(p&63)) != 0 }

// Every other bit, starting at bit 0 (even ports) or bit 1 (odd ports).
const (
	evenBits uint64 = 0x5555555555555555
	oddBits  uint64 = 0xaaaaaaaaaaaaaaaa
)

// firstFree returns the lowest port p in [from, to] that is in no set of bl
// and, with step 2, has from's parity. from and to are in 0-65535.
func (bl *blocked) firstFree(from, to, step int) (Port, bool) {
	if from > to {
		return 0, false
	}
	mask := ^uint64(0)
	if step == 2 {
		mask = evenBits
		if from&1 == 1 {
			mask = oddBits
		}
	}
	first, last := from>>6, to>>6
	even := from&1 == 0
	for w := first; w <= last; {
		// Skip, 64 words at a time, the words known to be full.
		if skip := bl.full(w>>6, step, even) >> (w & 63); skip&1 == 1 {
			w += bits.TrailingZeros64(^skip)
			continue
		}
		free := ^bl.word(w) & mask
		if w == first {
			free &= ^uint64(0) << (from & 63)
		}
		if w == last {
			free &= ^uint64(0) >> (63 - to&63)
		}
		if free != 0 {
			return Port(w<<6 + bits.TrailingZeros64(free)), true
		}
		w++
	}
	return 0, false
}
