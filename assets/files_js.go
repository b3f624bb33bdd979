//go:build js

package assets

import (
	_ "embed"
	"strings"
)

// The browser's build embeds its files one by one, as strings: embed.FS
// would bring its own code (15 KB of the wasm). It embeds the scenarios
// and English's catalogue; the lessons come parsed at build time
// (lesson/lessons_gen.go) and the other catalogues are fetched
// (Catalogue). A test holds this list to the folders.

//go:embed scenarios/1-well-known-ports.txt
var scenario1 string

//go:embed scenarios/2-two-servers.txt
var scenario2 string

//go:embed scenarios/3-ephemeral-ports.txt
var scenario3 string

//go:embed scenarios/4-without-ephemeral.txt
var scenario4 string

//go:embed scenarios/5-running-out.txt
var scenario5 string

//go:embed scenarios/6-sandbox.txt
var scenario6 string

//go:embed scenarios/7-four-tuple.txt
var scenario7 string

//go:embed scenarios/8-udp.txt
var scenario8 string

//go:embed i18n/en.json
var english string

//go:embed i18n/languages.txt
var languages string

// jsFiles are the embedded files by path, folders in order.
var jsFiles = []struct{ path, text string }{
	{"scenarios/1-well-known-ports.txt", scenario1},
	{"scenarios/2-two-servers.txt", scenario2},
	{"scenarios/3-ephemeral-ports.txt", scenario3},
	{"scenarios/4-without-ephemeral.txt", scenario4},
	{"scenarios/5-running-out.txt", scenario5},
	{"scenarios/6-sandbox.txt", scenario6},
	{"scenarios/7-four-tuple.txt", scenario7},
	{"scenarios/8-udp.txt", scenario8},
	{"i18n/en.json", english},
	{"i18n/languages.txt", languages},
}

// dirFiles are the files in folder dir, by name.
func dirFiles(dir string) []file {
	var out []file
	for _, f := range jsFiles {
		if name, ok := strings.CutPrefix(f.path, dir+"/"); ok {
			out = append(out, file{name, f.text})
		}
	}
	return out
}

// fileText is the embedded file at path p, if there is one.
func fileText(p string) (string, bool) {
	for _, f := range jsFiles {
		if f.path == p {
			return f.text, true
		}
	}
	return "", false
}
