package qr

import (
	"errors"
	"fmt"
	"slices"
)

// A reader of codes as Encode draws them, for the tests: it checks the
// structure (quiet zone, finders, timing, format and version
// information), unmasks, reads the codewords back, checks each block's
// Reed–Solomon syndromes and parses the segments. It reads what a
// scanner reads, so it also reads other encoders' codes (the oracle's).

// formatM is level M's format information for masks 0 to 7 as the
// standard lists it (ISO/IEC 18004 Annex C, Table C.1), masking pattern
// applied.
var formatM = [8]uint{0x5412, 0x5125, 0x5e7c, 0x5b4b, 0x45f9, 0x40ce, 0x4f97, 0x4aa0}

// segment is one segment of a code's data: its mode indicator and bytes
// (digits and characters for numeric and alphanumeric ones).
type segment struct {
	mode byte
	data []byte
}

// decoded is what read finds in a code.
type decoded struct {
	version, mask int
	segments      []segment
}

// text is the data of a code of one byte-mode segment; ok false otherwise.
func (d decoded) text() (string, bool) {
	if len(d.segments) != 1 || d.segments[0].mode != 0b0100 {
		return "", false
	}
	return string(d.segments[0].data), true
}

// grid reads modules without their quiet zone.
type grid struct {
	m [][]bool
	n int
}

func (g grid) at(x, y int) bool { return g.m[y+QuietZone][x+QuietZone] }

func read(m [][]bool) (decoded, error) {
	var d decoded
	full := len(m)
	for _, row := range m {
		if len(row) != full {
			return d, errors.New("not square")
		}
	}
	n := full - 2*QuietZone
	if n < 21 || (n-17)%4 != 0 || n > side(40) {
		return d, fmt.Errorf("%d modules a side is no version's", full)
	}
	d.version = (n - 17) / 4
	g := grid{m, n}
	for y := range full {
		for x := range full {
			if (x < QuietZone || y < QuietZone || x >= full-QuietZone || y >= full-QuietZone) && m[y][x] {
				return d, fmt.Errorf("quiet zone: module %d,%d dark", x, y)
			}
		}
	}
	if err := g.patterns(d.version); err != nil {
		return d, err
	}

	// Format information, both copies.
	var f1, f2 uint
	for i := range 15 {
		var x1, y1, x2, y2 int
		switch {
		case i < 6:
			x1, y1 = 8, i
		case i < 8:
			x1, y1 = 8, i+1
		case i == 8:
			x1, y1 = 7, 8
		default:
			x1, y1 = 14-i, 8
		}
		if i < 8 {
			x2, y2 = n-1-i, 8
		} else {
			x2, y2 = 8, n-15+i
		}
		if g.at(x1, y1) {
			f1 |= 1 << i
		}
		if g.at(x2, y2) {
			f2 |= 1 << i
		}
	}
	if f1 != f2 {
		return d, fmt.Errorf("format information: copies %015b and %015b differ", f1, f2)
	}
	d.mask = slices.Index(formatM[:], f1)
	if d.mask < 0 {
		return d, fmt.Errorf("format information %015b is not level M's", f1)
	}
	if !g.at(8, n-8) {
		return d, errors.New("the dark module is light")
	}

	// Version information, both copies.
	if d.version >= 7 {
		var v1, v2 uint
		for i := range 18 {
			if g.at(n-11+i%3, i/3) {
				v1 |= 1 << i
			}
			if g.at(i/3, n-11+i%3) {
				v2 |= 1 << i
			}
		}
		if v1 != v2 {
			return d, fmt.Errorf("version information: copies %018b and %018b differ", v1, v2)
		}
		if int(v1>>12) != d.version || polyMod(v1, 0x1f25) != 0 {
			return d, fmt.Errorf("version information %018b is not version %d's BCH(18,6) codeword", v1, d.version)
		}
	}

	// The codewords, unmasked, in the zigzag order.
	fn := functionModules(d.version)
	var cw []byte
	nbit := 0
	up := true // the first column pair is read upwards, the next down, …
	for right := n - 1; right >= 1; right, up = right-2, !up {
		if right == 6 {
			right-- // the vertical timing pattern
		}
		for v := range n {
			y := v
			if up {
				y = n - 1 - v
			}
			for _, x := range []int{right, right - 1} {
				if fn[y][x] {
					continue
				}
				if nbit%8 == 0 {
					cw = append(cw, 0)
				}
				if g.at(x, y) != maskTable[d.mask](y, x) {
					cw[nbit/8] |= 0x80 >> (nbit % 8)
				}
				nbit++
			}
		}
	}
	total := nbit / 8
	cw = cw[:total] // the remainder bits

	// De-interleave: block i gets codewords i, i+nb, …; short blocks
	// have one data codeword fewer, and no codeword in that round.
	nb, ecc := int(eccBlocks[d.version]), int(eccPerBlock[d.version])
	short := total/nb - ecc
	firstLong := nb - total%nb
	blocks := make([][]byte, nb)
	k := 0
	for i := range short + 1 + ecc {
		for j := range blocks {
			if j < firstLong && i == short {
				continue
			}
			blocks[j] = append(blocks[j], cw[k])
			k++
		}
	}
	var data []byte
	for j, b := range blocks {
		for e := range ecc {
			if s := evaluate(b, pow2(e)); s != 0 {
				return d, fmt.Errorf("block %d: Reed–Solomon syndrome %d is %#x, not 0", j, e, s)
			}
		}
		data = append(data, b[:len(b)-ecc]...)
	}
	var err error
	d.segments, err = segments(data, d.version)
	return d, err
}

// patterns checks the finder, timing and alignment patterns.
func (g grid) patterns(ver int) error {
	n := g.n
	for _, c := range [][2]int{{3, 3}, {n - 4, 3}, {3, n - 4}} {
		for dy := -4; dy <= 4; dy++ {
			for dx := -4; dx <= 4; dx++ {
				x, y := c[0]+dx, c[1]+dy
				if x < 0 || y < 0 || x >= n || y >= n {
					continue
				}
				ring := max(abs(dx), abs(dy))
				if want := ring != 2 && ring != 4; g.at(x, y) != want {
					return fmt.Errorf("finder at %d,%d: module %d,%d", c[0], c[1], x, y)
				}
			}
		}
	}
	for i := 8; i < n-8; i++ {
		if g.at(i, 6) != (i%2 == 0) || g.at(6, i) != (i%2 == 0) {
			return fmt.Errorf("timing pattern at %d", i)
		}
	}
	for _, c := range alignmentCentres(ver) {
		for dy := -2; dy <= 2; dy++ {
			for dx := -2; dx <= 2; dx++ {
				if want := max(abs(dx), abs(dy)) != 1; g.at(c[0]+dx, c[1]+dy) != want {
					return fmt.Errorf("alignment pattern at %d,%d: module %d,%d", c[0], c[1], c[0]+dx, c[1]+dy)
				}
			}
		}
	}
	return nil
}

// alignmentCentres is every alignment pattern's centre: each pair of
// positions but the three under the finders.
func alignmentCentres(ver int) [][2]int {
	pos := alignment(ver)
	var cs [][2]int
	for _, y := range pos {
		for _, x := range pos {
			last := pos[len(pos)-1]
			if (x == 6 && y == 6) || (x == last && y == 6) || (x == 6 && y == last) {
				continue
			}
			cs = append(cs, [2]int{x, y})
		}
	}
	return cs
}

// functionModules marks the modules that hold no codeword: finders and
// separators, the format areas and the dark module, timing, alignment,
// version information.
func functionModules(ver int) [][]bool {
	n := side(ver)
	fn := make([][]bool, n)
	for y := range fn {
		fn[y] = make([]bool, n)
	}
	area := func(x0, y0, w, h int) {
		for y := y0; y < y0+h; y++ {
			for x := x0; x < x0+w; x++ {
				fn[y][x] = true
			}
		}
	}
	area(0, 0, 9, 9)   // top-left finder, separator, format
	area(n-8, 0, 8, 9) // top-right
	area(0, n-8, 9, 8) // bottom-left, the dark module
	area(6, 0, 1, n)
	area(0, 6, n, 1)
	for _, c := range alignmentCentres(ver) {
		area(c[0]-2, c[1]-2, 5, 5)
	}
	if ver >= 7 {
		area(n-11, 0, 3, 6)
		area(0, n-11, 6, 3)
	}
	return fn
}

// maskTable is Table 10's conditions, i the row and j the column.
var maskTable = [8]func(i, j int) bool{
	func(i, j int) bool { return (i+j)%2 == 0 },
	func(i, j int) bool { return i%2 == 0 },
	func(i, j int) bool { return j%3 == 0 },
	func(i, j int) bool { return (i+j)%3 == 0 },
	func(i, j int) bool { return (i/2+j/3)%2 == 0 },
	func(i, j int) bool { return (i*j)%2+(i*j)%3 == 0 },
	func(i, j int) bool { return ((i*j)%2+(i*j)%3)%2 == 0 },
	func(i, j int) bool { return ((i+j)%2+(i*j)%3)%2 == 0 },
}

// polyMod is v modulo the polynomial p over GF(2).
func polyMod(v, p uint) uint {
	for i := 31; i >= 0; i-- {
		if v>>i&1 == 1 && i >= bitsLen(p)-1 {
			v ^= p << (i - (bitsLen(p) - 1))
		}
	}
	return v
}

func bitsLen(v uint) int {
	n := 0
	for ; v != 0; v >>= 1 {
		n++
	}
	return n
}

// gfMul multiplies in GF(2⁸) by logarithms, a different route from mul's.
func gfMul(a, b byte) byte {
	if a == 0 || b == 0 {
		return 0
	}
	return gfExp[(int(gfLog[a])+int(gfLog[b]))%255]
}

var gfExp, gfLog = func() (exp [255]byte, log [256]byte) {
	x := 1
	for i := range exp {
		exp[i], log[x] = byte(x), byte(i)
		x <<= 1
		if x >= 256 {
			x ^= 0x11d
		}
	}
	return
}()

func pow2(e int) byte { return gfExp[e%255] }

// evaluate is the polynomial whose coefficients are cw, highest first,
// at x.
func evaluate(cw []byte, x byte) byte {
	var r byte
	for _, c := range cw {
		r = gfMul(r, x) ^ c
	}
	return r
}

// segments parses data codewords into segments: mode, count,
// data, until the terminator or the end; what follows the terminator
// must be zero bits to the byte and then the pad codewords.
func segments(data []byte, ver int) ([]segment, error) {
	pos := 0
	left := func() int { return 8*len(data) - pos }
	take := func(n int) int {
		v := 0
		for range n {
			v = v<<1 | int(data[pos/8]>>(7-pos%8)&1)
			pos++
		}
		return v
	}
	var segs []segment
	for left() >= 4 {
		mode := byte(take(4))
		if mode == 0 {
			break
		}
		class := 0 // versions 1–9, 10–26, 27–40 (Table 3)
		if ver >= 27 {
			class = 2
		} else if ver >= 10 {
			class = 1
		}
		var count, unit, per int
		switch mode {
		case 0b0001: // numeric: three digits in 10 bits
			count, unit, per = []int{10, 12, 14}[class], 10, 3
		case 0b0010: // alphanumeric: two characters in 11 bits
			count, unit, per = []int{9, 11, 13}[class], 11, 2
		case 0b0100:
			count, unit, per = []int{8, 16, 16}[class], 8, 1
		default:
			return segs, fmt.Errorf("mode %04b at bit %d", mode, pos-4)
		}
		if left() < count {
			return segs, errors.New("segment cut short in its count")
		}
		c := take(count)
		s := segment{mode: mode}
		for c > 0 {
			k, bits := min(c, per), unit
			if mode == 0b0001 && k < 3 {
				bits = []int{0, 4, 7}[k]
			} else if mode == 0b0010 && k < 2 {
				bits = 6
			}
			if left() < bits {
				return segs, errors.New("segment cut short in its data")
			}
			v := take(bits)
			switch mode {
			case 0b0001:
				s.data = append(s.data, fmt.Sprintf("%0*d", k, v)...)
			case 0b0010:
				const set = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
				if k == 2 {
					s.data = append(s.data, set[v/45], set[v%45])
				} else {
					s.data = append(s.data, set[v])
				}
			default:
				s.data = append(s.data, byte(v))
			}
			c -= k
		}
		segs = append(segs, s)
	}
	for pos%8 != 0 {
		if take(1) != 0 {
			return segs, errors.New("bits after the terminator are not zero")
		}
	}
	for i, b := range data[pos/8:] {
		if want := []byte{0xec, 0x11}[i%2]; b != want {
			return segs, fmt.Errorf("pad codeword %d is %#x, not %#x", i, b, want)
		}
	}
	return segs, nil
}
