// Package assets holds the data embedded in Portplay: the built-in
// scenarios (docs/scenarios.md) and the lessons that run them
// (docs/lessons.md), one file each, and the phrasebook's catalogues.
// Adding a lesson is adding files here, then `go generate ./lesson` (the
// browser's build embeds no lesson file, it takes the lessons parsed at
// build time, lesson/lessons_gen.go) and the scenario's line in
// files_js.go (docs/lessons.md).
package assets

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Builtin is a built-in scenario: its name (the file name without .txt,
// e.g. "2-two-servers"), its title line, and its text.
type Builtin struct {
	Name   string
	Title  string
	Source string
}

// Scenarios lists the built-in scenarios in lesson order.
func Scenarios() []Builtin { return list("scenarios") }

// file is one embedded file: its name in its folder, and its text.
type file struct{ name, text string }

func list(dir string) []Builtin {
	var out []Builtin
	for _, f := range dirFiles(dir) {
		out = append(out, Builtin{Name: strings.TrimSuffix(f.name, ".txt"), Title: title(f.text), Source: f.text})
	}
	// By lesson number, so that lesson 10 comes after lesson 9.
	sort.Slice(out, func(i, j int) bool {
		ni, nj := Number(out[i].Name), Number(out[j].Name)
		if ni != nj {
			return ni < nj
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Scenario finds a built-in scenario by name, or by its lesson number
// alone ("2" for "2-two-servers"). It reads only that file: the app looks
// up each lesson's scenario before its first frame.
func Scenario(name string) (Builtin, error) {
	for _, f := range dirFiles("scenarios") {
		n := strings.TrimSuffix(f.name, ".txt")
		if n == name || strings.HasPrefix(n, name+"-") {
			return Builtin{Name: n, Title: title(f.text), Source: f.text}, nil
		}
	}
	var names []string
	for _, b := range Scenarios() {
		names = append(names, b.Name)
	}
	return Builtin{}, fmt.Errorf("no built-in scenario %q; want one of %s (or a file name)", name, strings.Join(names, ", "))
}

// title reads the `title "..."` line without parsing the whole file.
func title(src string) string {
	for _, line := range strings.Split(src, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "title "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// Number is the lesson number a file name starts with ("5-running-out"
// is 5); 0 if it starts with none.
func Number(name string) int {
	digits := name[:len(name)-len(strings.TrimLeft(name, "0123456789"))]
	n, err := strconv.Atoi(digits)
	if err != nil {
		return 0
	}
	return n
}
