package wasmsize

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	w "github.com/portplay/portplay/internal/wasmsize/wasmtest"
)

// sample is a module with two imported functions among the other three
// kinds of import, three named functions of 5, 2 and 40 bytes, a data
// section of 7 bytes and a custom section before the name section.
func sample() []byte {
	tfc, names := w.Funcs(2, []string{"main.main", "runtime.memequal_varlen", "github.com_a_b.__T_.M"}, []int{5, 2, 40})
	return w.Module(w.Imports(2), tfc,
		w.Section(11, []byte("1234567")),
		w.Section(0, w.Name("producers"), []byte{0}),
		names)
}

func TestParseModules(t *testing.T) {
	noNames, _ := w.Funcs(0, nil, []int{3, 4})
	tfcUnnamed, namesPartly := w.Funcs(0, []string{"main.main"}, []int{3, 4})
	for _, tc := range []struct {
		name     string
		module   []byte
		sections []byte // ids in order
		imported int
		funcs    []Func
		named    bool
	}{
		{"empty", w.Module(), nil, 0, nil, false},
		{"empty function and code sections", w.Module(w.Section(10, w.LEB(0))), []byte{10}, 0, []Func{}, false},
		{"imports of every kind and named functions", sample(), []byte{2, 1, 3, 10, 11, 0, 0}, 2, []Func{
			{2, "main.main", 5}, {3, "runtime.memequal_varlen", 2}, {4, "github.com_a_b.__T_.M", 40},
		}, true},
		{"no name section (linked with -s)", w.Module(noNames), []byte{1, 3, 10}, 0, []Func{{0, "", 3}, {1, "", 4}}, false},
		{"only imports: functions, a table, a memory, a global", w.Module(w.Imports(0)), []byte{2}, 0, nil, false},
		{"the name section names some functions", w.Module(tfcUnnamed, namesPartly), []byte{1, 3, 10, 0}, 0, []Func{{0, "main.main", 3}, {1, "", 4}}, true},
		{"the name section before the code", w.Module(namesPartly, tfcUnnamed), []byte{0, 1, 3, 10}, 0, []Func{{0, "main.main", 3}, {1, "", 4}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Parse(tc.module)
			require.NoError(t, err)
			var ids []byte
			end := 8
			for _, s := range m.Sections {
				ids = append(ids, s.ID)
				assert.Greater(t, s.Offset, end-1, "sections in file order, not overlapping")
				end = s.Offset + s.Size
			}
			assert.Equal(t, tc.sections, ids)
			assert.Equal(t, tc.imported, m.Imported)
			assert.Equal(t, tc.funcs, m.Funcs)
			assert.Equal(t, tc.named, m.Named)
			assert.Equal(t, len(tc.module), m.Size)
		})
	}
}

func TestParseSectionSizes(t *testing.T) {
	m, err := Parse(sample())
	require.NoError(t, err)
	assert.Equal(t, 7, m.SectionSize(SecData))
	// The code section: a count, then each body's size and the body.
	assert.Equal(t, 1+(1+5)+(1+2)+(1+40), m.SectionSize(SecCode))
	assert.Equal(t, 0, m.SectionSize(12), "no datacount section")
	var custom []string
	for _, s := range m.Sections {
		if s.ID == SecCustom {
			custom = append(custom, s.Name)
		}
	}
	assert.Equal(t, []string{"producers", "name"}, custom)
	assert.Equal(t, len(sample())-len(w.Header), sizeOfSections(m), "every byte after the header is in a section")
}

// sizeOfSections adds up sections with their id and size bytes.
func sizeOfSections(m *Module) int {
	n := 0
	for _, s := range m.Sections {
		n += 1 + len(w.LEB(uint64(s.Size))) + s.Size
	}
	return n
}

func TestParseErrors(t *testing.T) {
	good := sample()
	tfc, _ := w.Funcs(0, nil, []int{3})
	for _, tc := range []struct {
		name   string
		module []byte
		at     int
		what   string
	}{
		{"empty file", nil, 0, "no \\0asm magic"},
		{"a text file", []byte("hello, world\n"), 0, "no \\0asm magic"},
		{"version 2", []byte("\x00asm\x02\x00\x00\x00"), 4, "version 02000000, want 1"},
		{"truncated header", []byte("\x00asm\x01"), 0, "no \\0asm magic"},
		{"a section id and no size", w.Cat(good, []byte{12}), len(good) + 1, "datacount section size: unexpected end"},
		{"a section longer than the file", w.Cat(good, []byte{12, 9, 1}), len(good) + 1, "datacount section size: 9 bytes, but only 1 left"},
		{"a size truncated inside its LEB128", w.Cat(good, []byte{12, 0x80, 0x80}), len(good) + 3, "datacount section size: unexpected end"},
		{"an overlong LEB128", w.Cat(good, []byte{12, 0x80, 0x80, 0x80, 0x80, 0x80, 0}), len(good) + 1, "LEB128 longer than 5 bytes"},
		{"a LEB128 beyond 32 bits", w.Cat(good, []byte{12, 0xff, 0xff, 0xff, 0xff, 0x1f}), len(good) + 1, "LEB128 larger than 32 bits"},
		{"the largest size, with little after it", w.Cat(good, []byte{12, 0xff, 0xff, 0xff, 0xff, 0x0f, 0}), len(good) + 1, "4294967295 bytes, but only 1 left"},
		{"an unknown section", w.Cat(good, []byte{14, 0}), len(good), "unknown section id 14"},
		{"a second data section", w.Cat(good, w.Section(11)), len(good), "a second data section"},
		{"a billion imports in six bytes", w.Module(w.Section(2, w.LEB(1e9), []byte{0})), 10, "import count: 1000000000 of them cannot fit in the 1 bytes left"},
		{"an import of kind 5", w.Module(w.Section(2, w.LEB(1), w.Name("a"), w.Name("b"), []byte{5, 0})), 15, "unknown import kind 5"},
		{"a memory import with a bad limits flag", w.Module(w.Section(2, w.LEB(1), w.Name("a"), w.Name("b"), []byte{2, 8, 0})), 16, "imported memory's limits: flag 8"},
		{"an import cut short", w.Module(w.Section(2, w.LEB(1), w.Name("a"), w.Name("b"), []byte{3, 0x7f})), 17, "imported global's mutability: unexpected end"},
		{"an import section with bytes left over", w.Module(w.Section(2, w.LEB(0), []byte{0})), 11, "import section: 1 bytes left over"},
		{"a name that is not UTF-8", w.Module(w.Section(0, w.Name("\xff\xfe"))), 10, "custom section name: not UTF-8"},
		{"more bodies than functions", w.Module(w.Section(3, w.LEB(0)), w.Section(10, w.LEB(1), w.LEB(1), []byte{0x0b})), 11, "the function section declares 0 functions, the code section has 1 bodies"},
		{"functions without a code section", w.Module(w.Section(3, w.LEB(1), []byte{0})), 8, "the function section declares 1 functions, the code section has 0 bodies"},
		{"bodies without a function section", w.Module(w.Section(10, w.LEB(1), w.LEB(1), []byte{0x0b})), 8, "declares 0 functions, the code section has 1"},
		{"a body longer than the code section", w.Module(w.Section(3, w.LEB(1), []byte{0}), w.Section(10, w.LEB(1), w.LEB(5), []byte{0x0b})), 15, "body 0's size: 5 bytes, but only 1 left"},
		{"a code section with bytes left over", w.Module(w.Section(3, w.LEB(1), []byte{0}), w.Section(10, w.LEB(1), w.LEB(1), []byte{0x0b, 0})), 17, "code section: 1 bytes left over"},
		{"a name for a function the module lacks", w.Module(tfc, w.Section(0, w.Name("name"), w.Section(1, w.LEB(1), w.LEB(1), w.Name("f")))), len(w.Module(tfc)) + 10, "names function 1, but the module has 1"},
		{"a name subsection longer than its section", w.Module(w.Section(0, w.Name("name"), []byte{1, 9, 0})), 16, "name subsection size: 9 bytes, but only 1 left"},
		{"function names with bytes left over", w.Module(w.Section(0, w.Name("name"), w.Section(1, w.LEB(0), []byte{7}))), 18, "function names: 1 bytes left over"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Parse(tc.module)
			require.Error(t, err)
			assert.Nil(t, m)
			var fe *FormatError
			require.True(t, errors.As(err, &fe), "%T", err)
			assert.Equal(t, tc.at, fe.Offset, "offset, in: %v", err)
			assert.Contains(t, err.Error(), tc.what)
			assert.Contains(t, err.Error(), "at byte ")
		})
	}
}

// Every prefix of a good module is an error, not a panic or a module.
func TestParseTruncated(t *testing.T) {
	good := sample()
	for n := range len(good) {
		_, err := Parse(good[:n])
		if err == nil {
			assert.True(t, n == len(w.Header) || isSectionBoundary(good, n), "cut at %d, inside a section, parsed", n)
			continue
		}
		var fe *FormatError
		require.True(t, errors.As(err, &fe), "cut at %d: %v", n, err)
		assert.LessOrEqual(t, fe.Offset, n, "cut at %d", n)
	}
}

func isSectionBoundary(b []byte, n int) bool {
	m, err := Parse(b)
	if err != nil {
		return false
	}
	for _, s := range m.Sections {
		if s.Offset == n {
			return true
		}
	}
	return false
}

// TestParseGoBuild reads a real Go build: the empty Ebiten program of the
// e2e tests, linked for js/wasm without -s.
func TestParseGoBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a wasm (seconds with a warm build cache): not with -short")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to build e2e/floor with")
	}
	out := filepath.Join(t.TempDir(), "floor.wasm")
	cmd := exec.Command(gobin, "build", "-trimpath", "-o", out, "./e2e/floor")
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", b)
	wasm, err := os.ReadFile(out)
	require.NoError(t, err)

	m, err := Parse(wasm)
	require.NoError(t, err)
	require.True(t, m.Named, "go build without -s writes function names")
	assert.Greater(t, m.Imported, 0, "Go's wasm imports its runtime's host functions")
	assert.Greater(t, len(m.Funcs), 1000)
	total := 0
	for _, f := range m.Funcs {
		total += f.Size
	}
	assert.LessOrEqual(t, total, m.SectionSize(SecCode))
	assert.Greater(t, total, m.SectionSize(SecCode)*9/10, "the bodies are nearly all of the code section")

	pkgs := map[string]PackageSize{}
	for _, p := range ByPackage(m) {
		pkgs[p.Package] = p
	}
	for _, p := range []string{"runtime", "main", "syscall_js", "github.com_hajimehoshi_ebiten_v2"} {
		assert.Contains(t, pkgs, p)
	}
	for p := range pkgs {
		assert.False(t, p == "github" || p == "golang" || strings.Contains(p, "runtime."), "a name split at the wrong dot: %s", p)
	}
	assert.Equal(t, ByPackage(m)[0].Package, "runtime", "the runtime is the largest package")
}
