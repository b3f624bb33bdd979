//go:build !js

package assets

import (
	"embed"
	"io/fs"
)

// Natively every file is embedded: the lessons (the browser's build takes
// them parsed at build time, lesson/lessons_gen.go), the scenarios and
// every language's catalogue.
//
//go:embed lessons/*.txt scenarios/*.txt i18n/*.json i18n/languages.txt
var embedded embed.FS

// Lessons lists the lesson files in lesson order; each is named by its
// lesson number and a slug ("5-running-out").
func Lessons() []Builtin { return list("lessons") }

// dirFiles are the files in folder dir, by name.
func dirFiles(dir string) []file {
	entries, err := fs.ReadDir(embedded, dir)
	if err != nil {
		panic(err) // the folder is embedded at build time
	}
	out := make([]file, 0, len(entries))
	for _, e := range entries {
		text, _ := fileText(dir + "/" + e.Name())
		out = append(out, file{e.Name(), text})
	}
	return out
}

// fileText is the embedded file at path p, if there is one.
func fileText(p string) (string, bool) {
	b, err := fs.ReadFile(embedded, p)
	return string(b), err == nil
}
