package game

import (
	"fmt"
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
		if r := recover(); r != nil { // storage disabled (private mode, policies): the browser's words
			b, err = nil, fmt.Errorf("localStorage: %v", r)
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
		if r := recover(); r != nil {
			err = fmt.Errorf("localStorage: %v", r)
		}
	}()
	js.Global().Get("localStorage").Call("setItem", storageKey, string(b))
	return nil
}
