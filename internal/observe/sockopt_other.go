//go:build !unix && !windows

package observe

import "errors"

// Elsewhere (js/wasm, wasip1, plan9) newKernelStack fails first: there is
// no listener to bind beside.
func setReuseAddr(uintptr, bool) error { return errors.ErrUnsupported }

func isAddrInUse(error) bool { return false }
