// Package qr draws QR codes (ISO/IEC 18004) of text such as a link: byte
// mode, error correction level M (15% of the codewords can be restored),
// the smallest of versions 1 to 40 that holds the text, and the mask the
// standard's penalty rules choose.
//
// It is what presenter mode needs and nothing more: a general encoder
// (github.com/skip2/go-qrcode) was about 67 KB of the browser's download,
// for its numeric and alphanumeric modes, other levels, images and its
// own bit set. The package is pure Go and imports nothing beyond the
// standard library, so it builds for js/wasm and natively alike.
package qr

import "math/bits"

// QuietZone is the light margin, in modules, that Encode puts around a
// code: scanners need four modules on every side (ISO/IEC 18004, Quiet zone).
const QuietZone = 4

// MaxLen is the longest text in bytes that a code holds: version 40 at
// level M in byte mode (ISO/IEC 18004 Table 7).
const MaxLen = 2331

// Encode returns text's QR code as modules[y][x], true where a module is
// dark, its quiet zone included; nil if text is longer than MaxLen.
func Encode(text string) [][]bool {
	ver := version(len(text))
	if ver == 0 {
		return nil
	}
	cw := codewords([]byte(text), ver)
	var best *symbol
	least := 0
	// ISO/IEC 18004, Data masking: of the eight masks, the one whose symbol
	// scores the lowest penalty; the first of equal ones.
	for mask := range 8 {
		s := build(ver, cw, mask)
		if p := s.penalty(); best == nil || p < least {
			best, least = s, p
		}
	}
	return best.modules()
}

// Level M's error correction per version (ISO/IEC 18004 Table 9): the
// codewords of each block's Reed–Solomon code and the number of blocks.
// Index 0 is no version.
var (
	eccPerBlock = [41]uint8{0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28}
	eccBlocks   = [41]uint8{0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49}
)

// side is the number of modules on a side of a version's symbol.
func side(ver int) int { return 17 + 4*ver }

// rawModules is the number of modules of a version's symbol that hold
// codewords and remainder bits: all but the function patterns, the
// format and the version information.
func rawModules(ver int) int {
	n := side(ver)*side(ver) - 3*8*8 - 2*(side(ver)-16) - 31 // finders with separators, timing, format and dark module
	if ver >= 2 {
		a := ver/7 + 2
		n -= 25*(a*a-3) - 10*(a-2) // alignment patterns, less their overlap with timing
	}
	if ver >= 7 {
		n -= 2 * 18 // version information
	}
	return n
}

// dataCodewords is the number of codewords of a version that hold data
// at level M.
func dataCodewords(ver int) int {
	return rawModules(ver)/8 - int(eccPerBlock[ver])*int(eccBlocks[ver])
}

// countBits is the width of byte mode's character count (Table 3).
func countBits(ver int) int {
	if ver < 10 {
		return 8
	}
	return 16
}

// version is the smallest version that holds n bytes, 0 for none.
func version(n int) int {
	for ver := 1; ver <= 40; ver++ {
		if 4+countBits(ver)+8*n <= 8*dataCodewords(ver) {
			return ver
		}
	}
	return 0
}

// codewords is data's codewords in version ver: one byte-mode segment,
// the terminator and padding (Data encodation), split into blocks, each
// followed by its error correction, interleaved (Constructing the final
// message codeword sequence).
func codewords(data []byte, ver int) []byte {
	// The mode indicator (4 bits), the count and the data (whole bytes)
	// and the terminator (4 zero bits) fill whole bytes, each a nibble
	// behind. The terminator always fits: the data end 4 bits short of
	// a byte, and every capacity is whole bytes.
	capacity := dataCodewords(ver)
	w := make([]byte, 0, capacity)
	head := []byte{byte(len(data))}
	if countBits(ver) == 16 {
		head = []byte{byte(len(data) >> 8), byte(len(data))}
	}
	nibble := byte(0b0100) // byte mode
	for _, c := range append(head, data...) {
		w = append(w, nibble<<4|c>>4)
		nibble = c & 0xf
	}
	w = append(w, nibble<<4)
	for pad := byte(0xec); len(w) < capacity; pad ^= 0xec ^ 0x11 {
		w = append(w, pad)
	}

	// Blocks: the short ones first, the long ones one data codeword more.
	nb, ecc := int(eccBlocks[ver]), int(eccPerBlock[ver])
	total := rawModules(ver) / 8
	short := total/nb - ecc // data codewords of a short block
	long := nb - total%nb   // index of the first long block
	gen := generator(ecc)
	blocks := make([][]byte, nb)
	at := 0
	for i := range blocks {
		n := short
		if i >= long {
			n++
		}
		blocks[i] = w[at : at+n : at+n]
		blocks[i] = append(blocks[i], remainder(blocks[i], gen)...)
		at += n
	}
	out := make([]byte, 0, total)
	for i := range short + 1 + ecc {
		for j, b := range blocks {
			// A short block, a data codeword shorter, sits out the
			// round of the long blocks' last: after it, its index is
			// one behind the round's.
			k := i
			if j < long {
				if i == short {
					continue
				}
				if i > short {
					k--
				}
			}
			out = append(out, b[k])
		}
	}
	return out
}

// mul multiplies in GF(2⁸) modulo x⁸+x⁴+x³+x²+1 (0x11d, Error correction).
func mul(x, y byte) byte {
	var z byte
	for i := 7; i >= 0; i-- {
		z = z<<1 ^ z>>7*0x1d
		z ^= y >> i & 1 * x
	}
	return z
}

// generator is the Reed–Solomon generator polynomial of degree n,
// (x−α⁰)(x−α¹)…(x−αⁿ⁻¹), its coefficients from x^(n−1) down, the leading
// 1 left out.
func generator(n int) []byte {
	g := make([]byte, n)
	g[n-1] = 1
	root := byte(1)
	for range n {
		for j := range g {
			g[j] = mul(g[j], root)
			if j+1 < n {
				g[j] ^= g[j+1]
			}
		}
		root = mul(root, 2)
	}
	return g
}

// remainder is data's error correction codewords: the remainder of
// data·xⁿ divided by the generator.
func remainder(data, gen []byte) []byte {
	r := make([]byte, len(gen))
	for _, d := range data {
		f := d ^ r[0]
		copy(r, r[1:])
		r[len(r)-1] = 0
		for j, g := range gen {
			r[j] ^= mul(g, f)
		}
	}
	return r
}

// symbol is a code without its quiet zone, module (x, y) at y*size+x.
// fn marks the function patterns, format and version information: the
// modules a mask leaves alone.
type symbol struct {
	size     int
	dark, fn []bool
}

func (s *symbol) set(x, y int, dark bool) {
	s.dark[y*s.size+x] = dark
	s.fn[y*s.size+x] = true
}

// build lays out version ver's symbol of codewords cw under mask.
func build(ver int, cw []byte, mask int) *symbol {
	n := side(ver)
	s := &symbol{size: n, dark: make([]bool, n*n), fn: make([]bool, n*n)}
	// Timing patterns, partly overdrawn by the finders.
	for i := range n {
		s.set(6, i, i%2 == 0)
		s.set(i, 6, i%2 == 0)
	}
	// Finder patterns with their separators.
	for _, c := range [][2]int{{3, 3}, {n - 4, 3}, {3, n - 4}} {
		for dy := -4; dy <= 4; dy++ {
			for dx := -4; dx <= 4; dx++ {
				x, y := c[0]+dx, c[1]+dy
				if x >= 0 && x < n && y >= 0 && y < n {
					d := max(abs(dx), abs(dy))
					s.set(x, y, d != 2 && d != 4)
				}
			}
		}
	}
	// Alignment patterns, where they miss the finders.
	pos := alignment(ver)
	for i, ay := range pos {
		for j, ax := range pos {
			if (i == 0 && j == 0) || (i == 0 && j == len(pos)-1) || (i == len(pos)-1 && j == 0) {
				continue
			}
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					s.set(ax+dx, ay+dy, max(abs(dx), abs(dy)) != 1)
				}
			}
		}
	}
	s.format(mask)
	// Version information: the version and its BCH(18,6) check,
	// bit i at (n−11+i%3, i/3) and mirrored.
	if ver >= 7 {
		v := uint(ver)<<12 | bch(uint(ver), 0x1f25, 12)
		for i := range 18 {
			a, b := n-11+i%3, i/3
			s.set(a, b, v>>i&1 == 1)
			s.set(b, a, v>>i&1 == 1)
		}
	}

	// Codewords in two-module columns from the bottom right, up and
	// down in turn, skipping the vertical timing pattern (Codeword placement);
	// remainder bits stay light. Then the mask, on those modules only.
	i := 0
	for right := n - 1; right >= 1; right -= 2 {
		if right == 6 {
			right = 5
		}
		for v := range n {
			y := v
			if (right+1)&2 == 0 {
				y = n - 1 - v // upward
			}
			for x := right; x >= right-1; x-- {
				k := y*n + x
				if s.fn[k] {
					continue
				}
				if i < 8*len(cw) {
					s.dark[k] = cw[i/8]>>(7-i%8)&1 == 1
					i++
				}
				s.dark[k] = s.dark[k] != masked(mask, x, y)
			}
		}
	}
	return s
}

// format draws the format information: level M (00) and the
// mask, with its BCH(15,5) check, XORed with 101010000010010; and the
// dark module beside the bottom-left finder.
func (s *symbol) format(mask int) {
	n := s.size
	f := (uint(mask)<<10 | bch(uint(mask), 0x537, 10)) ^ 0x5412
	for i := range 15 {
		dark := f>>i&1 == 1
		// Bits 0–7 down column 8 from the top, stepping over the timing
		// pattern, then 8–14 leftwards along row 8, stepping over it
		// again; and bits 0–7 leftwards along row 8 from the right,
		// 8–14 down column 8 to the bottom.
		if i < 8 {
			s.set(8, i+i/6, dark)
			s.set(n-1-i, 8, dark)
		} else {
			s.set(15-i-i/9, 8, dark)
			s.set(8, n-15+i, dark)
		}
	}
	s.set(8, n-8, true)
}

// bch is the remainder of v·x^deg divided by the polynomial poly, of
// degree deg.
func bch(v, poly uint, deg int) uint {
	r := v << deg
	for i := bits.Len(r) - 1; i >= deg; i-- {
		if r>>i&1 == 1 {
			r ^= poly << (i - deg)
		}
	}
	return r
}

// alignment is the rows and columns of a version's alignment patterns'
// centres (Annex E): 6, then evenly spaced up to side−7, the step even.
func alignment(ver int) []int {
	if ver == 1 {
		return nil
	}
	a := ver/7 + 2
	step := (ver*8 + a*3 + 5) / (a*4 - 4) * 2
	pos := make([]int, a)
	pos[0] = 6
	for i, p := a-1, side(ver)-7; i >= 1; i, p = i-1, p-step {
		pos[i] = p
	}
	return pos
}

// masked says whether mask darkens or lightens module (x, y) (Table 10:
// i is the row, j the column).
func masked(mask, j, i int) bool {
	switch mask {
	case 0:
		return (i+j)%2 == 0
	case 1:
		return i%2 == 0
	case 2:
		return j%3 == 0
	case 3:
		return (i+j)%3 == 0
	case 4:
		return (i/2+j/3)%2 == 0
	case 5:
		return i*j%2+i*j%3 == 0
	case 6:
		return (i*j%2+i*j%3)%2 == 0
	}
	return ((i+j)%2+i*j%3)%2 == 0
}

// modules is the symbol with its quiet zone, as Encode returns it.
func (s *symbol) modules() [][]bool {
	n := s.size + 2*QuietZone
	m := make([][]bool, n)
	for y := range m {
		m[y] = make([]bool, n)
		if y >= QuietZone && y < n-QuietZone {
			copy(m[y][QuietZone:], s.dark[(y-QuietZone)*s.size:][:s.size])
		}
	}
	return m
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
