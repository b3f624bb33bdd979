//go:build !js

package lesson

import "github.com/portplay/portplay/assets"

// Builtin reads the lessons embedded from assets/lessons and checks each
// against the scenario it runs. The browser's build has them parsed and
// checked already (builtin_js.go).
func Builtin() (*Catalogue, error) {
	return NewCatalogue(assets.Lessons(), func(name string) (string, error) {
		b, err := assets.Scenario(name)
		return b.Source, err
	})
}
