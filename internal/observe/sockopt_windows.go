//go:build windows

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
	return syscall.SetsockoptInt(syscall.Handle(fd), syscall.SOL_SOCKET, syscall.SO_REUSEADDR, v)
}

// isAddrInUse: WSAEADDRINUSE (10048), or WSAEACCES (10013), which a bind
// over a port another socket holds exclusively gives ("Using
// SO_REUSEADDR and SO_EXCLUSIVEADDRUSE", Microsoft Learn).
func isAddrInUse(err error) bool {
	var e syscall.Errno
	return errors.As(err, &e) && (e == 10048 || e == 10013)
}
