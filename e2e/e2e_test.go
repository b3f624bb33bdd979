//go:build e2e

// Package e2e runs the real app: the WebAssembly build in headless Chromium
// and the native build in a window under Xvfb. `make test` runs it with
// -tags e2e after installing Chromium and Xvfb (scripts/deps.sh).
package e2e

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/portplay/portplay/assets"
	"github.com/portplay/portplay/web"
)

// Paths filled in by TestMain.
var (
	webDir    string // index.html, loader, portplay.wasm(.gz), wasm_exec.js
	distDir   string // the bundle `make dist` makes from webDir
	fontFloor string // the bundle around e2e/fontfloor: Ebiten drawing text in the app's fonts, nothing else
	floorDir  string // the same shell around the empty Ebiten program
	nativeApp string
	serveApp  string // portplay-serve with distDir embedded, as `make dist` builds it
	shotDir   string // screenshots kept for people to look at: build/screenshots
	repoRoot  string // where build/node holds axe-core (scripts/deps.sh)
)

func TestMain(m *testing.M) {
	code, err := setup(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e setup:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

// setup builds the app for the browser and natively, exactly as the
// Makefile does, into a temporary folder.
func setup(m *testing.M) (int, error) {
	tmp, err := os.MkdirTemp("", "portplay-e2e-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	root, err := filepath.Abs("..")
	if err != nil {
		return 0, err
	}
	repoRoot = root
	shotDir = filepath.Join(root, "build", "screenshots")
	if err := os.MkdirAll(shotDir, 0o755); err != nil {
		return 0, err
	}
	webDir = filepath.Join(tmp, "web")
	floorDir = filepath.Join(tmp, "floor")
	nativeApp = filepath.Join(tmp, "portplay")
	fontFloorWeb := filepath.Join(tmp, "fontfloor")
	for _, b := range []struct{ dir, pkg string }{{webDir, "./cmd/portplay"}, {floorDir, "./e2e/floor"}, {fontFloorWeb, "./e2e/fontfloor"}} {
		if err := buildWeb(root, b.pkg, b.dir); err != nil {
			return 0, err
		}
	}
	// Brotli at level 5, not make dist's 11: seconds instead of a minute,
	// and the tests look at what is served, not at its size.
	distDir = filepath.Join(tmp, "dist")
	fontFloor = filepath.Join(tmp, "fontfloordist")
	for _, d := range [][2]string{{webDir, distDir}, {fontFloorWeb, fontFloor}} {
		if err := web.BuildDist(d[0], d[1], 5); err != nil {
			return 0, err
		}
	}
	if err := goBuild(root, nil, nativeApp, "./cmd/portplay"); err != nil {
		return 0, err
	}
	overlay := filepath.Join(tmp, "bundle-overlay.json")
	if err := web.EmbedOverlay(distDir, filepath.Join(root, "cmd", "portplay-serve", "bundle"), overlay); err != nil {
		return 0, err
	}
	serveApp = filepath.Join(tmp, "portplay-serve")
	if err := goBuild(root, nil, serveApp, "./cmd/portplay-serve", "-overlay", overlay); err != nil {
		return 0, err
	}
	return m.Run(), nil
}

func buildWeb(root, pkg, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range []string{"index.html", "loader.js", "style.css", "notes.html"} {
		if err := copyFile(filepath.Join(root, "web", f), filepath.Join(dir, f)); err != nil {
			return err
		}
	}
	if err := copyFile(filepath.Join(runtime.GOROOT(), "lib", "wasm", "wasm_exec.js"), filepath.Join(dir, "wasm_exec.js")); err != nil {
		return err
	}
	// The phrasebooks but English's, as `make web` copies them.
	for _, l := range assets.Languages() {
		if l.Code != "en" {
			if err := copyFile(filepath.Join(root, "assets", "i18n", l.Code+".json"), filepath.Join(dir, web.PhrasebookFile(l.Code))); err != nil {
				return err
			}
		}
	}
	wasm := filepath.Join(dir, "portplay.wasm")
	flags, err := wasmGCFlags(root)
	if err != nil {
		return err
	}
	if err := goBuild(root, []string{"GOOS=js", "GOARCH=wasm"}, wasm, pkg, flags...); err != nil {
		return err
	}
	return gzipFile(wasm)
}

func goBuild(root string, env []string, out, pkg string, flags ...string) error {
	cmd := exec.Command("go", append(append([]string{"build", "-trimpath", "-ldflags=-s -w", "-o", out}, flags...), pkg)...)
	cmd.Dir = root
	cmd.Env = append(append(os.Environ(), "CGO_ENABLED=0"), env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s (%v): %v\n%s", pkg, env, err, b)
	}
	return nil
}

// wasmGCFlags are the browser build's -gcflags, as the Makefile reads
// them from scripts/wasm-gcflags.
func wasmGCFlags(root string) ([]string, error) {
	b, err := os.ReadFile(filepath.Join(root, "scripts", "wasm-gcflags"))
	if err != nil {
		return nil, err
	}
	var flags []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			flags = append(flags, "-gcflags="+l)
		}
	}
	return flags, nil
}

// gzipFile writes name.gz with gzip -9, as the Makefile does.
func gzipFile(name string) error {
	cmd := exec.Command("gzip", "-9", "-k", "-f", name)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("gzip %s: %v\n%s", name, err, b)
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// inkStats says how much of a screenshot is something other than the
// background: a black or single-colour canvas has no ink and one colour.
func inkStats(t testing.TB, pngBytes []byte, bg color.RGBA) (inkFraction float64, colours int) {
	img, err := png.Decode(bytes.NewReader(pngBytes))
	if err != nil {
		t.Fatalf("decoding screenshot: %v", err)
	}
	b := img.Bounds()
	seen := map[color.RGBA]bool{}
	ink := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			seen[c] = true
			if !near(c, bg) {
				ink++
			}
		}
	}
	return float64(ink) / float64(b.Dx()*b.Dy()), len(seen)
}

func near(a, b color.RGBA) bool {
	d := func(x, y uint8) int { return max(int(x), int(y)) - min(int(x), int(y)) }
	return d(a.R, b.R) < 8 && d(a.G, b.G) < 8 && d(a.B, b.B) < 8
}

var background = color.RGBA{0x14, 0x16, 0x1c, 0xff}

func imageSize(t testing.TB, pngBytes []byte) image.Point {
	cfg, err := png.DecodeConfig(bytes.NewReader(pngBytes))
	if err != nil {
		t.Fatalf("decoding screenshot: %v", err)
	}
	return image.Pt(cfg.Width, cfg.Height)
}
