//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/internal/wasmsize"
)

// sizeBudget is the most Portplay's wasm may weigh, brotli-compressed, as
// a multiple of the fonts-only program's built and compressed the same
// way (level 5 here, as setup builds both bundles). The target,
// 1.05, cannot be met without cutting the app: its own packages alone are
// about 1.11 of the floor (README). Measured: 1.116 before the presenter's
// QR encoder, 1.153 with issues 11 and 15, 1.149 without Ebiten's vector
// paths, 1.155 with lesson 7's third round, 1.161 with the class
// session's panel (issue 24: 60 KB of code, 21 KB gzipped, through the
// browser's fetch and EventSource rather than Go's HTTP client, which
// would add 46%), 1.175 with the presenter's notes, lessons 3-5's new
// steps and the per-OS engine (issues 21 and 22), 1.214 with UDP and
// lesson 8 (issue 25), Your computer's panel (26) and every sentence
// worded by the phrasebook in four languages with one keymap (23), then
// back to 1.181: a QR encoder of our own (internal/qr, 25.7 KB less),
// the view, drawing and parsers compiled without inlining
// (scripts/wasm-gcflags, 57 KB), native-only methods made functions
// (text/template, linked by Ebiten, keeps every exported method of a type
// held in an interface: 11.5 KB), the lessons parsed at build time
// (13.6 KB) and JSON read by internal/jsonlite rather than
// encoding/json's decoder (10.6 KB); then 1.168 once no type holding an
// address reaches an interface (generic calls over them and *Game in
// RunGame kept every exported method of netip's types and the app's,
// through text/template's reflection: engine.HasAddr), with files
// embedded as strings rather than an embed.FS, and encoding/csv,
// hash/fnv and errors.As written out. The budget is issue 23's 1.17;
// level-5 brotli moves by a few KB when bytes move (README).
const sizeBudget = 1.17

// TestWasmSizeAgainstFontFloor keeps the size budget and writes the
// sizes to build/size.txt, with what the app adds to the floor by package.
func TestWasmSizeAgainstFontFloor(t *testing.T) {
	sizes := func(dir string) (raw, gz, br int64) {
		wasm, err := filepath.Glob(filepath.Join(dir, "portplay.*.wasm"))
		require.NoError(t, err)
		require.Len(t, wasm, 1, "one hashed wasm in %s", dir)
		for _, f := range []struct {
			suffix string
			n      *int64
		}{{"", &raw}, {".gz", &gz}, {".br", &br}} {
			st, err := os.Stat(wasm[0] + f.suffix)
			require.NoError(t, err)
			*f.n = st.Size()
		}
		return raw, gz, br
	}
	fRaw, fGz, fBr := sizes(fontFloor)
	aRaw, aGz, aBr := sizes(distDir)
	mb := func(n int64) float64 { return float64(n) / 1e6 }
	report := fmt.Sprintf(`wasm size (-trimpath -ldflags='-s -w'; gzip -9; brotli level 5 as the tests build it)
                   raw        gzip       brotli
fonts-only Ebiten  %5.2f MB   %5.2f MB   %5.2f MB
Portplay           %5.2f MB   %5.2f MB   %5.2f MB
ratio              %5.3f      %5.3f      %5.3f   (budget %.3f)
`, mb(fRaw), mb(fGz), mb(fBr), mb(aRaw), mb(aGz), mb(aBr),
		float64(aRaw)/float64(fRaw), float64(aGz)/float64(fGz), float64(aBr)/float64(fBr), sizeBudget)
	breakdown := packageBreakdown(t, distDir)
	t.Log("\n" + report + "\n" + breakdown)
	require.NoError(t, os.WriteFile(filepath.Join(filepath.Dir(shotDir), "size.txt"), []byte(report+"\n"+breakdown), 0o644))
	assert.LessOrEqual(t, float64(aBr)/float64(fBr), sizeBudget, "Portplay's brotli wasm against the fonts-only program's:\n%s", report)
}

// packageBreakdown is what the app's code adds to the fonts floor's, the
// 15 packages that grow most and the sections (cmd/wasmsize's report).
// The bundles are linked with -s, which drops the function names, so the
// app and the floor are linked again without it here (a relink: seconds
// with the build cache that setup filled); the served app's code and data
// must be the very bytes measured.
func packageBreakdown(t *testing.T, dist string) string {
	dir := t.TempDir()
	named := func(pkg string) *wasmsize.Module {
		out := filepath.Join(dir, filepath.Base(pkg)+".wasm")
		flags, err := wasmGCFlags(repoRoot)
		require.NoError(t, err)
		cmd := exec.Command("go", append(append([]string{"build", "-trimpath"}, flags...), "-o", out, pkg)...)
		cmd.Dir = repoRoot
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
		b, err := cmd.CombinedOutput()
		require.NoError(t, err, "go build %s for js/wasm without -s:\n%s", pkg, b)
		return parseWasm(t, out)
	}
	app, floor := named("./cmd/portplay"), named("./e2e/fontfloor")
	served, err := filepath.Glob(filepath.Join(dist, "portplay.*.wasm"))
	require.NoError(t, err)
	require.Len(t, served, 1)
	shipped := parseWasm(t, served[0])
	for _, id := range []byte{wasmsize.SecCode, wasmsize.SecData} {
		assert.Equal(t, shipped.SectionSize(id), app.SectionSize(id), "the served wasm's %s section against the build measured by package", wasmsize.SectionName(id))
	}
	var b strings.Builder
	b.WriteString("what the app adds to the fonts floor (both linked without -s; make size lists more)\n")
	require.NoError(t, wasmsize.Report(&b, "portplay", app, "fontfloor", floor, 15))
	return b.String()
}

func parseWasm(t *testing.T, name string) *wasmsize.Module {
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	m, err := wasmsize.Parse(b)
	require.NoError(t, err, name)
	return m
}
