package wasmsize

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	w "github.com/portplay/portplay/internal/wasmsize/wasmtest"
)

func TestPackage(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"main.main", "main"},
		{"runtime.gcStart", "runtime"},
		// A function's own '_' is not a path's.
		{"runtime.memequal_varlen", "runtime"},
		{"runtime.mProf_Malloc.func1", "runtime"},
		{"text_template_parse.__Tree_.parse", "text_template_parse"},
		// A method (*T).M.
		{"encoding_json.__decodeState_.object", "encoding_json"},
		{"github.com_portplay_portplay_lesson.__parser_.statement", "github.com_portplay_portplay_lesson"},
		// Hosts keep their dots.
		{"golang.org_x_image_font_opentype.Parse", "golang.org_x_image_font_opentype"},
		{"github.com_skip2_go_qrcode.New", "github.com_skip2_go_qrcode"},
		{"go.yaml.in_yaml_v3.Marshal", "go.yaml.in_yaml_v3"},
		{"gopkg.in_yaml.v3.Marshal", "gopkg.in_yaml.v3"},
		{"gopkg.in_yaml.v3.__decoder_.unmarshal", "gopkg.in_yaml.v3"},
		{"gopkg.in_yaml.v3_sub.F", "gopkg.in_yaml.v3_sub"},
		// A version without a path after it is not a suffix.
		{"github.com_a_b.v2", "github.com_a_b"},
		// Generic instantiations: shapes and type arguments with dots of their own.
		{"time.atoi_go.shape.string_", "time"},
		{"slices.pdqsortCmpFunc_go.shape.interface___Info____io_fs.FileInfo__error___", "slices"},
		{"internal_sync.__HashTrieMap_go.shape.interface____go.shape.interface_____.Clear", "internal_sync"},
		{"slices.Sort_github.com_x_y.T_", "slices"},
		{"github.com_a_b.F_github.com_c_d.T_", "github.com_a_b"},
		// Names as Go writes them, unsanitised.
		{"slices.Sort[go.shape.int]", "slices"},
		{"github.com/portplay/portplay/lesson.(*parser).statement", "github.com/portplay/portplay/lesson"},
		{"github.com/a/b.F[github.com/c/d.T]", "github.com/a/b"},
		// Generated equality and hashing count for a named type's package.
		{"type_.eq.github.com_portplay_portplay_lesson.View", "github.com_portplay_portplay_lesson"},
		{"type_.eq.internal_abi.ITab", "internal_abi"},
		{"type_.hash.net_netip.AddrPort", "net_netip"},
		{"type_.eq.go_token.Position", "go_token"},
		{"type:.eq.time.Location", "time"},
		// Those of unnamed types count for none.
		{"type_.eq._2_interface___", Generated},
		{"type_.eq._1_github.com_portplay_portplay_engine.Profile", Generated},
		{"type_.eq.struct___X_float64__Y_float64__", Generated},
		{"type_.eq.struct___github.com_portplay_portplay_lesson.key_int__", Generated},
		{"type_.eq.go.shape.struct___Pressed_bool__Value_float64__", Generated},
		{"type_.eq.interface___M___", Generated},
		{"type:.eq.[2]interface {}", Generated},
		{"type:.eq.*T", Generated},
		{"type:.eq.struct { X int }", Generated},
		{"type_.eq.", Generated},
		// A package whose name starts like a type literal's keyword is a package.
		{"type_.eq.mapper.T", "mapper"},
		// The standard library's vendored copies.
		{"vendor_golang.org_x_net_dns_dnsmessage.init", "vendor_golang.org_x_net_dns_dnsmessage"},
		{"vendor/golang.org/x/net/dns/dnsmessage.init", "vendor/golang.org/x/net/dns/dnsmessage"},
		{"vendor_x", NoPackage},
		// No package: the runtime's assembly, odd names.
		{"memeqbody", NoPackage},
		{"_rt0_wasm_js", NoPackage},
		{"wasm_pc_f_loop", NoPackage},
		{".x", NoPackage},
		{"github.com_a_b", NoPackage},
		{"", Unnamed},
		// An unknown top-level domain: the whole path as one visible package, not a standard one.
		{"example.zz_a_b.F", "example"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Package(tc.name))
		})
	}
}

func TestByPackageAndDiff(t *testing.T) {
	mod := func(names []string, sizes []int) *Module {
		tfc, ns := w.Funcs(0, names, sizes)
		m, err := Parse(w.Module(tfc, ns))
		require.NoError(t, err)
		return m
	}
	floor := mod([]string{"runtime.a", "runtime.b_c", "fmt.Println", "os.Exit"}, []int{100, 50, 30, 10})
	app := mod([]string{"runtime.a", "runtime.b_c", "fmt.Println", "github.com_x_y.F", "github.com_x_y.__T_.M", "runtime.new"}, []int{100, 50, 20, 7, 8, 3})

	assert.Equal(t, []PackageSize{{"runtime", 150, 2}, {"fmt", 30, 1}, {"os", 10, 1}}, ByPackage(floor))
	assert.Equal(t, []PackageSize{{"runtime", 153, 3}, {"fmt", 20, 1}, {"github.com_x_y", 15, 2}}, ByPackage(app))

	changes := Diff(floor, app)
	assert.Equal(t, []Change{
		{"github.com_x_y", 0, 15},
		{"runtime", 150, 153},
		{"fmt", 30, 20},
		{"os", 10, 0},
	}, changes)
	assert.Equal(t, []int{15, 3, -10, -10}, []int{changes[0].Growth(), changes[1].Growth(), changes[2].Growth(), changes[3].Growth()})
	for _, c := range Diff(app, app) {
		assert.Zero(t, c.Growth(), "a module against itself grows nowhere: %s", c.Package)
	}
}

func TestReport(t *testing.T) {
	named := func(names []string, sizes []int, data string) *Module {
		tfc, ns := w.Funcs(0, names, sizes)
		m, err := Parse(w.Module(tfc, w.Section(11, []byte(data)), ns))
		require.NoError(t, err)
		return m
	}
	floor := named([]string{"runtime.a", "os.Exit"}, []int{1000, 2000}, "12")
	app := named([]string{"runtime.a", "github.com_x_y.F", "encoding_json.Marshal", "math_big.X"}, []int{1500, 4000, 300, 20}, "1234567")

	var b strings.Builder
	require.NoError(t, Report(&b, "app.wasm", app, "floor.wasm", floor, 2))
	out := b.String()
	lines := strings.Split(out, "\n")
	assert.Contains(t, lines[1], "package")
	assert.Regexp(t, `^github.com_x_y +4\.0 +0\.0 +\+4\.0$`, lines[2], "the most growth first")
	assert.Regexp(t, `^runtime +1\.5 +1\.0 +\+0\.5$`, lines[3])
	assert.Regexp(t, `^\(3 more packages\) +0\.3 +2\.0 +-1\.7$`, lines[4], "the rest in one line: json and big grew, os went")
	assert.Regexp(t, `^all functions +5\.8 +3\.0 +\+2\.8$`, lines[5])
	assert.Regexp(t, `(?m)^data +0\.0 +0\.0 +\+0\.0$`, out, "7 bytes against 2")
	assert.Regexp(t, `(?m)^code +\d`, out)
	assert.Regexp(t, `(?m)^custom "name" +`, out)
	assert.Regexp(t, `(?m)^whole file +`, out)
	assert.NotContains(t, out, "no function names")

	b.Reset()
	require.NoError(t, Report(&b, "app.wasm", app, "floor.wasm", floor, 0))
	assert.Contains(t, b.String(), "\nos ", "-top 0 lists every package")
	assert.NotContains(t, b.String(), "more packages")

	// Linked with -s: sections only, and why.
	tfc, _ := w.Funcs(0, nil, []int{3})
	stripped, err := Parse(w.Module(tfc))
	require.NoError(t, err)
	b.Reset()
	require.NoError(t, Report(&b, "app.wasm", stripped, "floor.wasm", floor, 15))
	out = b.String()
	assert.Contains(t, out, "app.wasm has no function names")
	assert.Contains(t, out, "build without -ldflags=-s to see packages")
	assert.NotContains(t, out, "floor.wasm has no")
	assert.NotContains(t, out, "code by package")
	assert.Regexp(t, `(?m)^code +0\.0 +3\.0 +-3\.0$`, out)
	assert.Regexp(t, `(?m)^custom "name" +0\.0 +0\.0 +-0\.0$`, out, "the floor's name section, missing in the app")
}

// FuzzParse: no input panics, every error says where, and what parses
// is consistent: sections inside the file and in order, function indexes
// after the imports, bodies within the code section.
func FuzzParse(f *testing.F) {
	f.Add(sample())
	f.Add(w.Module())
	f.Add(w.Module(w.Imports(3)))
	tfc, names := w.Funcs(1, []string{"a.b", "type_.eq.c.T"}, []int{2, 9})
	f.Add(w.Module(w.Imports(1), tfc, names))
	f.Add([]byte("\x00asm\x01\x00\x00\x00\x0a\xff\xff\xff\xff\x0f"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Parse(b)
		if err != nil {
			var fe *FormatError
			require.True(t, errors.As(err, &fe), "%T: %v", err, err)
			require.GreaterOrEqual(t, fe.Offset, 0)
			require.LessOrEqual(t, fe.Offset, len(b))
			return
		}
		end := 8
		for _, s := range m.Sections {
			require.GreaterOrEqual(t, s.Offset, end)
			end = s.Offset + 1 + s.Size
			require.LessOrEqual(t, end, len(b))
		}
		total := 0
		for i, fn := range m.Funcs {
			require.Equal(t, uint32(m.Imported+i), fn.Index)
			require.GreaterOrEqual(t, fn.Size, 0)
			total += fn.Size
		}
		require.LessOrEqual(t, total, m.SectionSize(SecCode))
		for _, p := range ByPackage(m) {
			require.NotEmpty(t, p.Package)
		}
	})
}
