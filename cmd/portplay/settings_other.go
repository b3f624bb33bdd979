//go:build !js

package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/portplay/portplay/game"
	"github.com/portplay/portplay/lesson"
)

// settings reads flags named like the browser's URL parameters, plus the
// native-only -screenshot, which saves the window's pixels and quits,
// -scenario, the learner's own scenario, and -link-base, the address
// share links start with.
func settings(cat *lesson.Catalogue) (lesson.Settings, []string, func(int, *ebiten.Image, game.Status) bool, string) {
	fs := flag.CommandLine
	usage := lesson.SettingHelp(cat, lesson.English())
	// Plain strings: ParseSettings checks them exactly as it checks URL
	// parameters, so both say the same about a bad value.
	for _, name := range lesson.SettingNames {
		fs.String(name, "", usage[name])
	}
	shot := fs.String("screenshot", "", "save a PNG of the window to this file after -frames frames, and what it showed next to it as JSON (FILE.json), then quit")
	frames := fs.Int("frames", 60, "with -screenshot: how many frames to draw first")
	own := fs.String("scenario", "", "your own scenario: a scenario file (docs/scenarios.md), or a share link (…#scenario=…) to open as its page would")
	base := fs.String("link-base", "http://127.0.0.1:8080/", "the app's address in the links K prints (make serve's, unless it is hosted elsewhere)")
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
	delete(set, "scenario") // a file or a link here, not a link's encoded text
	link, src := ownScenario(*own)
	get := func(name string) (string, bool) {
		if v, ok := set[name]; ok {
			return v, true // a flag wins over the link's setting
		}
		return link.Get(name), link.Has(name)
	}
	s, problems := cat.ParseSettings(get)
	problems = append(problems, lesson.ParseLink(&s, get)...)
	if !s.LangGiven {
		// The system's languages (a saved choice still wins:
		// lesson.StartLanguage).
		s.Lang = lesson.MatchLanguage(append(lesson.EnvLanguages(os.Getenv), osLanguages()...))
	}
	if src != "" {
		s.Scenario = src
	}
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, "portplay:", p)
	}
	if *shot == "" {
		return s, problems, nil, *base
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
	}, *base
}

// ownScenario reads -scenario: a share link's fragment, as settings (a
// link to a lesson, without a scenario, opens that lesson), or a file's
// text. A file that cannot be read, or does not parse or run, ends
// the program with status 2 and the file's name, line and column.
func ownScenario(arg string) (url.Values, string) {
	if arg == "" {
		return url.Values{}, ""
	}
	if _, frag, ok := strings.Cut(arg, "#"); ok && strings.Contains(arg, "://") {
		q, err := url.ParseQuery(frag)
		if err != nil {
			fmt.Fprintf(os.Stderr, "portplay: -scenario: the link's part after # could not be read: %v\n", err)
			os.Exit(2)
		}
		if !q.Has("scenario") {
			return q, ""
		}
		// A link whose scenario cannot open is as bad as a bad file.
		src, err := lesson.DecodeScenario(q.Get("scenario"))
		if err == nil {
			err = lesson.CheckScenario(src)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "portplay: -scenario: the link's scenario:", err)
			os.Exit(2)
		}
		q.Del("scenario")
		return q, src
	}
	f, err := os.Open(arg)
	var b []byte
	if err == nil {
		// One byte over the limit is enough to refuse a file too long.
		b, err = io.ReadAll(io.LimitReader(f, lesson.MaxScenarioBytes+1))
		f.Close()
	}
	if err == nil {
		err = lesson.CheckScenario(string(b))
		if err != nil {
			err = fmt.Errorf("%s: %w", arg, err)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "portplay: -scenario:", err)
		os.Exit(2)
	}
	return url.Values{}, string(b)
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
