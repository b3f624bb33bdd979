//go:build linux

package observe

import (
	"os"
	"strings"
)

// osVersion is the kernel's release, as uname -r prints it.
func osVersion() string {
	b, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return ""
	}
	return "Linux " + strings.TrimSpace(string(b))
}
