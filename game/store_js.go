package game

import (
	"errors"
	"syscall/js"

	"github.com/portplay/portplay/lesson"
)

// localStore keeps progress in the page's localStorage.
type localStore struct{}

const storageKey = "portplay.progress"

// DefaultStore is where the browser keeps the learner's progress.
func DefaultStore() lesson.Store { return localStore{} }

func (localStore) Load() (b []byte, err error) {
	defer func() {
		if recover() != nil { // storage disabled (private mode, policies)
			b, err = nil, errors.New("localStorage is not available")
		}
	}()
	v := js.Global().Get("localStorage").Call("getItem", storageKey)
	if v.IsNull() || v.IsUndefined() {
		return nil, nil
	}
	return []byte(v.String()), nil
}

func (localStore) Save(b []byte) (err error) {
	defer func() {
		if recover() != nil {
			err = errors.New("localStorage is not available")
		}
	}()
	js.Global().Get("localStorage").Call("setItem", storageKey, string(b))
	return nil
}
