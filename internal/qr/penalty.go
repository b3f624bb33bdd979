package qr

// The penalty rules' weights (ISO/IEC 18004, Data masking, Table 11).
const (
	n1 = 3  // a run of five modules of one colour in a row or column, and one more for each further module
	n2 = 3  // a 2×2 block of one colour
	n3 = 40 // dark, light, three dark, light, dark in a row or column, with four light modules before or after
	n4 = 10 // each 5% by which the share of dark modules is farther from half than 5%
)

// penalty is the symbol's score under the four rules; the mask of the
// lowest is the one to use. Rule 3's four light modules may lie outside
// the symbol, in the quiet zone (as ZXing and Nayuki's reference
// encoder read it); each occurrence of the 1:1:3:1:1 pattern counts once.
func (s *symbol) penalty() int {
	n := s.size
	p := 0
	line := make([]bool, n)
	for y := range n {
		p += linePenalty(s.dark[y*n : (y+1)*n])
	}
	for x := range n {
		for y := range n {
			line[y] = s.dark[y*n+x]
		}
		p += linePenalty(line)
	}
	dark := 0
	for y := range n {
		for x := range n {
			d := s.dark[y*n+x]
			if d {
				dark++
			}
			if x > 0 && y > 0 && d == s.dark[y*n+x-1] && d == s.dark[(y-1)*n+x] && d == s.dark[(y-1)*n+x-1] {
				p += n2
			}
		}
	}
	// The share dark is 50 ± 5k% to 50 ± 5(k+1)%: k = ⌊20·|dark/total − ½|⌋.
	total := n * n
	return p + n4*(abs(20*dark-10*total)/total)
}

// finderLike is rule 3's pattern: dark, light, three dark, light, dark.
var finderLike = [7]bool{true, false, true, true, true, false, true}

// linePenalty scores one row or column under rules 1 and 3.
func linePenalty(l []bool) int {
	p := 0
	run := 0
	for i := range l {
		if i > 0 && l[i] == l[i-1] {
			run++
		} else {
			run = 1
		}
		if run == 5 {
			p += n1
		} else if run > 5 {
			p++
		}
	}
	light := func(from, to int) bool { // modules [from, to), light outside the line
		for i := max(from, 0); i < min(to, len(l)); i++ {
			if l[i] {
				return false
			}
		}
		return true
	}
	for i := 0; i+7 <= len(l); i++ {
		if [7]bool(l[i:i+7]) == finderLike && (light(i-4, i) || light(i+7, i+11)) {
			p += n3
		}
	}
	return p
}
