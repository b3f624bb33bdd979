package main

import (
	"os/exec"
	"strings"
)

// osLanguages are macOS's preferred languages (System Settings, Language
// & Region), for an app started from the Finder, which sets no LANG:
// `defaults read -g AppleLanguages` prints them as a list, ("de-DE",
// en). Nothing where it cannot be read.
func osLanguages() []string {
	out, err := exec.Command("defaults", "read", "-g", "AppleLanguages").Output()
	if err != nil {
		return nil
	}
	var langs []string
	for _, f := range strings.FieldsFunc(string(out), func(r rune) bool { return strings.ContainsRune("(),\n\t \"", r) }) {
		langs = append(langs, f)
	}
	return langs
}
