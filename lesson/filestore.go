//go:build !js

package lesson

import (
	"os"
	"path/filepath"
)

// FileStore keeps progress in a file, written whole each time.
type FileStore struct{ Path string }

// DefaultFileStore is the user's progress file
// (~/.config/portplay/progress.json on Linux), or a store for this run
// only if there is no config directory.
func DefaultFileStore() Store {
	dir, err := os.UserConfigDir()
	if err != nil {
		return &MemStore{}
	}
	return FileStore{filepath.Join(dir, "portplay", "progress.json")}
}

func (f FileStore) Load() ([]byte, error) {
	b, err := os.ReadFile(f.Path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	return b, err
}

// Save writes a new file and renames it over the old one, so that a crash
// never leaves half a file.
func (f FileStore) Save(b []byte) error {
	if err := os.MkdirAll(filepath.Dir(f.Path), 0o755); err != nil {
		return err
	}
	tmp := f.Path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, f.Path)
}
