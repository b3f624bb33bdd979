//go:build darwin || freebsd

package observe

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// osVersion is macOS's product version (sw_vers) or FreeBSD's release,
// with the kernel's.
func osVersion() string {
	name, key := "FreeBSD", "kern.osrelease"
	if runtime.GOOS == "darwin" {
		name, key = "macOS", "kern.osproductversion"
	}
	v, err := unix.Sysctl(key)
	if err != nil {
		return ""
	}
	return name + " " + v
}
