package engine

import "math/bits"

// bitset holds one bit per port, 0-65535 (8 KiB). Scans work a 64-bit
// word at a time, so finding a free port near the end of a full range
// costs ~1000 word operations, not 65536 probes.
type bitset [1024]uint64

func (b *bitset) has(p Port) bool { return b[p>>6]&(1<<(p&63)) != 0 }
func (b *bitset) set(p Port)      { b[p>>6] |= 1 << (p & 63) }
func (b *bitset) clear(p Port)    { b[p>>6] &^= 1 << (p & 63) }

// noPorts is the empty set, standing in for a set a scan does not need.
var noPorts bitset

// blocked is the union of up to four port sets: a port in any of them
// cannot be picked.
type blocked [4]*bitset

func (bl *blocked) word(w int) uint64 { return bl[0][w] | bl[1][w] | bl[2][w] | bl[3][w] }

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
	for w := first; w <= last; w++ {
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
	}
	return 0, false
}
