// Package wasmtest writes small WebAssembly modules byte by byte for the
// tests of internal/wasmsize and cmd/wasmsize.
package wasmtest

// Header is the magic and version 1 that every module starts with.
const Header = "\x00asm\x01\x00\x00\x00"

// LEB is v as an unsigned LEB128.
func LEB(v uint64) []byte {
	var b []byte
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// Cat joins byte slices.
func Cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// Name is a name as the binary format writes it: its length, then it.
func Name(s string) []byte { return Cat(LEB(uint64(len(s))), []byte(s)) }

// Section is a section: its id, its size, its contents.
func Section(id byte, contents ...[]byte) []byte {
	c := Cat(contents...)
	return Cat([]byte{id}, LEB(uint64(len(c))), c)
}

// Module is the header and the sections.
func Module(sections ...[]byte) []byte { return Cat(append([][]byte{[]byte(Header)}, sections...)...) }

// Funcs is the type, function, code and name sections of functions with
// these names whose bodies take these sizes (at least 2 bytes: no locals,
// nops, end), after imported imports. The name section also names the
// first import, as Go's linker does not, and carries a module name before
// the function names and an empty local-names subsection after, which a
// reader must skip.
func Funcs(imported int, names []string, sizes []int) (typeFuncCode, nameSec []byte) {
	types := Section(1, LEB(1), []byte{0x60, 0, 0}) // one type: func()
	fn := LEB(uint64(len(sizes)))
	code := LEB(uint64(len(sizes)))
	for _, n := range sizes {
		fn = append(fn, 0)
		body := append([]byte{0}, make([]byte, n-2)...) // no locals
		for i := 1; i < n-1; i++ {
			body[i] = 0x01 // nop
		}
		body = append(body, 0x0b) // end
		code = Cat(code, LEB(uint64(len(body))), body)
	}
	fnNames := LEB(uint64(len(names)))
	if imported > 0 {
		fnNames = Cat(LEB(uint64(len(names)+1)), LEB(0), Name("imported"))
	}
	for i, n := range names {
		fnNames = Cat(fnNames, LEB(uint64(imported+i)), Name(n))
	}
	nameSec = Section(0, Name("name"),
		Section(0, Name("module")),
		Section(1, fnNames),
		Section(2, LEB(0)))
	return Cat(types, Section(3, fn), Section(10, code)), nameSec
}

// Imports is an import section with n function imports and one each of a
// table, a memory (with a maximum) and a global between them.
func Imports(n int) []byte {
	c := LEB(uint64(n + 3))
	c = Cat(c, Name("env"), Name("table"), []byte{1, 0x70, 0}, LEB(1))
	for i := range n {
		c = Cat(c, Name("go"), Name(string(rune('a'+i%26))), []byte{0}, LEB(0))
		if i == 0 {
			c = Cat(c, Name("env"), Name("mem"), []byte{2, 1}, LEB(1), LEB(300))
		}
	}
	c = Cat(c, Name("env"), Name("sp"), []byte{3, 0x7f, 1})
	if n == 0 {
		c = Cat(c, Name("env"), Name("mem"), []byte{2, 1}, LEB(1), LEB(300))
	}
	return Section(2, c)
}
