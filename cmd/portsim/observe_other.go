//go:build !linux

package main

import (
	"net/netip"
	"runtime"

	"github.com/portplay/portplay/engine"
)

// observe compares the model with the Linux kernel; elsewhere it says so.

func systemSettings() (engine.Range, engine.TWReuse, error) {
	return engine.Range{}, 0, &unsupportedError{"portsim observe's IP_LOCAL_PORT_RANGE run needs Linux 6.3 or later; this is " + runtime.GOOS}
}

func newKernelStack(engine.Range, int) (stack, []netip.AddrPort, error) {
	return nil, nil, &unsupportedError{"portsim observe's IP_LOCAL_PORT_RANGE run needs Linux"}
}
