//go:build !js

package game

import (
	"os"
	"path/filepath"
	"testing"
)

// fileStore keeps progress in the user's config directory
// (~/.config/portplay/progress.json on Linux).
type fileStore struct{ path string }

// defaultStore is the user's progress file; tests get a store of their
// own, so that running them never touches it.
func defaultStore() store {
	dir, err := os.UserConfigDir()
	if err != nil || testing.Testing() {
		return &memStore{}
	}
	return fileStore{filepath.Join(dir, "portplay", "progress.json")}
}

func (f fileStore) load() ([]byte, error) {
	b, err := os.ReadFile(f.path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	return b, err
}

// save writes a new file and renames it over the old one, so that a crash
// never leaves half a file.
func (f fileStore) save(b []byte) error {
	if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
		return err
	}
	tmp := f.path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, f.path)
}
