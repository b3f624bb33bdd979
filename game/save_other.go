//go:build !js

package game

import (
	"os"
	"path/filepath"

	"github.com/portplay/portplay/lesson"
	"github.com/portplay/portplay/lesson/phrase"
)

// saveFile writes x into the working directory and says where: its path,
// in every language.
func saveFile(_ *phrase.Book, x lesson.Export) (string, error) {
	path, err := filepath.Abs(x.Name)
	if err == nil {
		err = os.WriteFile(path, x.Data, 0o644)
	}
	return path, err
}
