package engine

import "math/bits"

// bitset holds one bit per port, 0-65535 (8 KiB), and two levels of
// summary: which 64-port words have all their even or all their odd ports
// set, and which 4096-port blocks (a summary word) are all so. Scans work
// a word at a time, skip full words 64 at a time and full blocks 16 at a
// time, so finding the last free port of a full range costs a few
// operations, not 65536 probes (nor one per block: a walk over a range
// whose one parity is full, as Linux's connect() makes at high occupancy,
// would spend most of its time on the blocks).
type bitset struct {
	w                 [1024]uint64
	fullEven, fullOdd [16]uint64 // bit i of word j: w[j*64+i] has every even (odd) bit set
	blockEven         uint16     // bit j: fullEven[j] is all ones
	blockOdd          uint16     // bit j: fullOdd[j] is all ones
}

func (b *bitset) has(p Port) bool { return b.w[p>>6]&(1<<(p&63)) != 0 }

func (b *bitset) set(p Port) {
	i := p >> 6
	b.w[i] |= 1 << (p & 63)
	if b.w[i]&evenBits == evenBits {
		if b.fullEven[i>>6] |= 1 << (i & 63); b.fullEven[i>>6] == ^uint64(0) {
			b.blockEven |= 1 << (i >> 6)
		}
	}
	if b.w[i]&oddBits == oddBits {
		if b.fullOdd[i>>6] |= 1 << (i & 63); b.fullOdd[i>>6] == ^uint64(0) {
			b.blockOdd |= 1 << (i >> 6)
		}
	}
}

func (b *bitset) clear(p Port) {
	i := p >> 6
	b.w[i] &^= 1 << (p & 63)
	if p&1 == 0 {
		b.fullEven[i>>6] &^= 1 << (i & 63)
		b.blockEven &^= 1 << (i >> 6)
	} else {
		b.fullOdd[i>>6] &^= 1 << (i & 63)
		b.blockOdd &^= 1 << (i >> 6)
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

// blocks is full's summary one level up: bit j set means every word of
// summary word j is marked by full.
func (bl *blocked) blocks(step int, even bool) uint16 {
	var e, o uint16
	for _, b := range bl {
		e |= b.blockEven
		o |= b.blockOdd
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
		// Skip, 4096 words at a time, the blocks known to be full...
		if w&63 == 0 {
			if skip := bl.blocks(step, even) >> (w >> 6); skip&1 == 1 {
				w += 64 * bits.TrailingZeros16(^skip)
				continue
			}
		}
		// ...and, 64 words at a time, the words known to be full.
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
