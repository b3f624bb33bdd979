//go:build !js

package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/portplay/portplay/game"
	"github.com/portplay/portplay/lesson"
)

// settings reads flags named like the browser's URL parameters, plus the
// native-only -screenshot, which saves the window's pixels and quits.
func settings(cat *lesson.Catalogue) (lesson.Settings, []string, func(int, *ebiten.Image, game.Status) bool) {
	fs := flag.CommandLine
	usage := cat.SettingHelp()
	// Plain strings: ParseSettings checks them exactly as it checks URL
	// parameters, so both say the same about a bad value.
	for _, name := range lesson.SettingNames {
		fs.String(name, "", usage[name])
	}
	shot := fs.String("screenshot", "", "save a PNG of the window to this file after -frames frames, and what it showed next to it as JSON (FILE.json), then quit")
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
	s, problems := cat.ParseSettings(func(name string) (string, bool) {
		v, ok := set[name]
		return v, ok
	})
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, "portplay:", p)
	}
	if *shot == "" {
		return s, problems, nil
	}
	return s, problems, func(n int, screen *ebiten.Image, st game.Status) bool {
		if n < *frames {
			return false
		}
		js, err := json.MarshalIndent(st, "", "  ")
		if err == nil {
			err = savePNG(*shot, screen)
		}
		if err == nil {
			err = os.WriteFile(*shot+".json", js, 0o644)
		}
		if err != nil {
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
