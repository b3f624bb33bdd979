//go:build unix

package observe

import (
	"errors"
	"syscall"
)

func setReuseAddr(fd uintptr, on bool) error {
	v := 0
	if on {
		v = 1
	}
	return syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_REUSEADDR, v)
}

func isAddrInUse(err error) bool { return errors.Is(err, syscall.EADDRINUSE) }
