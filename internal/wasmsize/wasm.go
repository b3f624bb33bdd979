// Package wasmsize says where a WebAssembly module's bytes go: the size of
// each section, and of each function's code, named from the module's
// "name" section, so that a Go program's code can be added up by package
// (Package, ByPackage) and two builds compared (Diff). `go tool nm` does
// not read wasm; cmd/wasmsize and the e2e size test use this instead.
//
// Parse reads only what it needs (the binary format of the WebAssembly
// core specification, sections 5.1–5.5, and the name section of its
// appendix 7.4): the import section to count imported functions, which
// come first in the function index space, the function and code sections
// for the bodies, and the custom "name" section's function names. Every
// other section is only measured. Go's linker writes the name section
// unless it links with -ldflags=-s.
package wasmsize

import (
	"fmt"
	"slices"
	"unicode/utf8"
)

// Section ids of the core specification (5.5.2).
const (
	SecCustom   = 0
	SecImport   = 2
	SecFunction = 3
	SecCode     = 10
	SecData     = 11
	secLast     = 13 // the tag section of the exception-handling proposal
)

var sectionNames = [...]string{"custom", "type", "import", "function", "table", "memory", "global", "export", "start", "element", "code", "data", "datacount", "tag"}

// SectionName names a section id as the specification does.
func SectionName(id byte) string {
	if int(id) < len(sectionNames) {
		return sectionNames[id]
	}
	return fmt.Sprintf("section %d", id)
}

// Section is one section of a module.
type Section struct {
	ID     byte
	Name   string // a custom section's own name; "" for the others
	Offset int    // of the section's id byte in the file
	Size   int    // of its contents, without the id and the size before them
}

// Func is one function defined in the module (not imported).
type Func struct {
	Index uint32 // in the function index space, after the imported functions
	Name  string // from the name section; "" if it names none for this index
	Size  int    // the body in the code section: locals and instructions
}

// Module is what Parse found.
type Module struct {
	Size     int       // of the whole file
	Sections []Section // in file order
	Imported int       // imported functions, which take the first indexes
	Funcs    []Func    // in index order
	Named    bool      // a name section named at least one function
}

// SectionSize is the total size of the sections with this id (custom
// sections may repeat; the others appear at most once).
func (m *Module) SectionSize(id byte) int {
	n := 0
	for _, s := range m.Sections {
		if s.ID == id {
			n += s.Size
		}
	}
	return n
}

// FormatError is a malformed module: what was wrong, and where.
type FormatError struct {
	Offset int // in the file
	What   string
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("wasm: at byte %d (0x%x): %s", e.Offset, e.Offset, e.What)
}

// reader reads part of the file; every offset it reports is the file's.
type reader struct {
	b   []byte
	pos int // in the file
	end int // in the file
}

func (r *reader) fail(at int, format string, args ...any) error {
	return &FormatError{Offset: at, What: fmt.Sprintf(format, args...)}
}

func (r *reader) left() int { return r.end - r.pos }

func (r *reader) byte(what string) (byte, error) {
	if r.pos >= r.end {
		return 0, r.fail(r.pos, "%s: unexpected end", what)
	}
	c := r.b[r.pos]
	r.pos++
	return c, nil
}

// uleb reads an unsigned LEB128 of at most bits bits (5.2.2): no longer
// than ceil(bits/7) bytes, and the last byte's unused bits zero.
func (r *reader) uleb(bits int, what string) (uint64, error) {
	start := r.pos
	var v uint64
	for shift := 0; ; shift += 7 {
		if shift >= bits {
			return 0, r.fail(start, "%s: LEB128 longer than %d bytes", what, (bits+6)/7)
		}
		c, err := r.byte(what)
		if err != nil {
			return 0, err
		}
		if rest := bits - shift; rest < 7 && c&0x7f>>rest != 0 {
			return 0, r.fail(start, "%s: LEB128 larger than %d bits", what, bits)
		}
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v, nil
		}
	}
}

func (r *reader) u32(what string) (uint32, error) {
	v, err := r.uleb(32, what)
	return uint32(v), err
}

// size reads a byte count and checks that that many bytes are left.
func (r *reader) size(what string) (int, error) {
	at := r.pos
	n, err := r.u32(what)
	if err != nil {
		return 0, err
	}
	if int64(n) > int64(r.left()) {
		return 0, r.fail(at, "%s: %d bytes, but only %d left", what, n, r.left())
	}
	return int(n), nil
}

// count reads a vector's length and checks it against the bytes left,
// each element taking at least minBytes: a count is never trusted for an
// allocation.
func (r *reader) count(what string, minBytes int) (int, error) {
	at := r.pos
	n, err := r.u32(what)
	if err != nil {
		return 0, err
	}
	if int64(n)*int64(minBytes) > int64(r.left()) {
		return 0, r.fail(at, "%s: %d of them cannot fit in the %d bytes left", what, n, r.left())
	}
	return int(n), nil
}

// sub returns a reader of the next n bytes and skips them.
func (r *reader) sub(n int) *reader {
	s := &reader{b: r.b, pos: r.pos, end: r.pos + n}
	r.pos += n
	return s
}

func (r *reader) name(what string) (string, error) {
	at := r.pos
	n, err := r.size(what)
	if err != nil {
		return "", err
	}
	s := string(r.b[r.pos : r.pos+n])
	r.pos += n
	if !utf8.ValidString(s) {
		return "", r.fail(at, "%s: not UTF-8", what)
	}
	return s, nil
}

// done says whether a part was read to its end exactly.
func (r *reader) done(what string) error {
	if r.pos != r.end {
		return r.fail(r.pos, "%s: %d bytes left over", what, r.end-r.pos)
	}
	return nil
}

// Parse reads a module. A malformed one is a *FormatError.
func Parse(b []byte) (*Module, error) {
	r := &reader{b: b, end: len(b)}
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		return nil, r.fail(0, "not a WebAssembly module (no \\0asm magic)")
	}
	if string(b[4:8]) != "\x01\x00\x00\x00" {
		return nil, r.fail(4, "version %x, want 1", b[4:8])
	}
	r.pos = 8
	m := &Module{Size: len(b)}
	var names []funcName
	declared := 0 // functions the function section declares
	countsAt := 0 // the code section, else the function section: where a mismatch is
	seen := map[byte]bool{}
	for r.left() > 0 {
		at := r.pos
		id, _ := r.byte("section id")
		if id > secLast {
			return nil, r.fail(at, "unknown section id %d", id)
		}
		if id != SecCustom && seen[id] {
			return nil, r.fail(at, "a second %s section", SectionName(id))
		}
		seen[id] = true
		n, err := r.size(SectionName(id) + " section size")
		if err != nil {
			return nil, err
		}
		body := r.sub(n)
		sec := Section{ID: id, Offset: at, Size: n}
		switch id {
		case SecCustom:
			if sec.Name, err = body.name("custom section name"); err != nil {
				return nil, err
			}
			if sec.Name == "name" {
				names, err = readNames(body)
			}
		case SecImport:
			m.Imported, err = readImports(body)
		case SecFunction:
			declared, err = body.count("function section's count", 1)
			if countsAt == 0 {
				countsAt = at
			}
		case SecCode:
			m.Funcs, err = readCode(body)
			countsAt = at
		}
		if err != nil {
			return nil, err
		}
		m.Sections = append(m.Sections, sec)
	}
	if declared != len(m.Funcs) {
		return nil, r.fail(countsAt, "the function section declares %d functions, the code section has %d bodies", declared, len(m.Funcs))
	}
	for i := range m.Funcs {
		m.Funcs[i].Index = uint32(m.Imported + i)
	}
	for _, n := range names {
		i := int64(n.index) - int64(m.Imported)
		if i >= int64(len(m.Funcs)) {
			return nil, r.fail(n.at, "the name section names function %d, but the module has %d", n.index, m.Imported+len(m.Funcs))
		}
		if i >= 0 {
			m.Funcs[i].Name = n.name
			m.Named = true
		}
	}
	return m, nil
}

// readImports counts the imported functions (5.5.5): every import is
// read, whatever its kind, to reach the next.
func readImports(r *reader) (int, error) {
	n, err := r.count("import count", 4) // two empty names, a kind, an index
	if err != nil {
		return 0, err
	}
	funcs := 0
	for range n {
		if _, err := r.name("import module name"); err != nil {
			return 0, err
		}
		if _, err := r.name("import name"); err != nil {
			return 0, err
		}
		at := r.pos
		kind, err := r.byte("import kind")
		if err != nil {
			return 0, err
		}
		switch kind {
		case 0: // a function: its type index
			funcs++
			_, err = r.u32("imported function's type")
		case 1: // a table: its reference type, then limits
			if _, err = r.byte("imported table's type"); err == nil {
				err = r.limits("imported table's limits")
			}
		case 2: // a memory: limits
			err = r.limits("imported memory's limits")
		case 3: // a global: value type and mutability
			if _, err = r.byte("imported global's type"); err == nil {
				_, err = r.byte("imported global's mutability")
			}
		default:
			return 0, r.fail(at, "unknown import kind %d", kind)
		}
		if err != nil {
			return 0, err
		}
	}
	return funcs, r.done("import section")
}

// limits reads a table's or memory's limits (5.3.7): a flag, a minimum
// and, with the flag's low bit, a maximum; the flag's other two bits are
// the threads proposal's shared and memory64's 64-bit index.
func (r *reader) limits(what string) error {
	at := r.pos
	flag, err := r.byte(what)
	if err != nil {
		return err
	}
	if flag > 7 {
		return r.fail(at, "%s: flag %d", what, flag)
	}
	if _, err := r.uleb(64, what); err != nil {
		return err
	}
	if flag&1 != 0 {
		_, err = r.uleb(64, what)
	}
	return err
}

// readCode reads the bodies' sizes (5.5.13).
func readCode(r *reader) ([]Func, error) {
	n, err := r.count("code section's count", 1)
	if err != nil {
		return nil, err
	}
	funcs := make([]Func, n)
	for i := range funcs {
		size, err := r.size(fmt.Sprintf("body %d's size", i))
		if err != nil {
			return nil, err
		}
		r.sub(size)
		funcs[i].Size = size
	}
	return funcs, r.done("code section")
}

// funcName is one entry of the name section's function names.
type funcName struct {
	index uint32
	name  string
	at    int // its offset, for an error
}

// readNames reads the function names of a name section (appendix 7.4),
// skipping its other subsections.
func readNames(r *reader) ([]funcName, error) {
	var names []funcName
	for r.left() > 0 {
		id, _ := r.byte("name subsection id")
		n, err := r.size("name subsection size")
		if err != nil {
			return nil, err
		}
		sub := r.sub(n)
		if id != 1 {
			continue
		}
		count, err := sub.count("function name count", 2) // an index, an empty name
		if err != nil {
			return nil, err
		}
		names = slices.Grow(names, count)
		for range count {
			at := sub.pos
			idx, err := sub.u32("function name's index")
			if err != nil {
				return nil, err
			}
			name, err := sub.name("function name")
			if err != nil {
				return nil, err
			}
			names = append(names, funcName{idx, name, at})
		}
		if err := sub.done("function names"); err != nil {
			return nil, err
		}
	}
	return names, nil
}
