//go:build !js

package game

import (
	"testing"

	"github.com/portplay/portplay/lesson"
)

// DefaultStore is the user's progress file; tests get a store of their
// own, so that running them never touches it.
func DefaultStore() lesson.Store {
	if testing.Testing() {
		return &lesson.MemStore{}
	}
	return lesson.DefaultFileStore()
}
