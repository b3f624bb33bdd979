//go:build !js

package main

import (
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/portplay/portplay/game"
)

// settings reads flags named like the browser's URL parameters, plus the
// native-only -screenshot, which saves the window's pixels and quits.
func settings() (game.Settings, []string, func(int, *ebiten.Image) bool) {
	def := game.DefaultSettings()
	fs := flag.CommandLine
	fs.String("profile", def.Profile, "the client's OS profile: linux, linux-old, winxp, windows, freebsd, macos, iana")
	fs.String("seed", fmt.Sprint(def.Seed), "seed for the random port picks (a whole number)")
	shot := fs.String("screenshot", "", "save a PNG of the window to this file after -frames frames, then quit")
	frames := fs.Int("frames", 60, "with -screenshot: how many frames to draw first")
	flag.Parse()
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "portplay: unexpected argument %q (settings are flags, e.g. -profile winxp)\n", fs.Arg(0))
		os.Exit(2)
	}
	if *frames < 1 {
		fmt.Fprintf(os.Stderr, "portplay: -frames %d: want at least 1\n", *frames)
		os.Exit(2)
	}
	set := map[string]string{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = f.Value.String() })
	s, problems := game.ParseSettings(func(name string) (string, bool) {
		v, ok := set[name]
		return v, ok
	})
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, "portplay:", p)
	}
	if *shot == "" {
		return s, problems, nil
	}
	return s, problems, func(n int, screen *ebiten.Image) bool {
		if n < *frames {
			return false
		}
		if err := savePNG(*shot, screen); err != nil {
			fmt.Fprintln(os.Stderr, "portplay: screenshot:", err)
			os.Exit(1)
		}
		return true
	}
}

func savePNG(path string, screen *ebiten.Image) error {
	b := screen.Bounds()
	img := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	screen.ReadPixels(img.Pix)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

// showFatal has no page to write on natively; main prints to stderr.
func showFatal(string) {}
