//go:build windows

package observe

import (
	"fmt"

	"golang.org/x/sys/windows"
)

// osVersion is Windows' version and build, as RtlGetVersion reports it
// (GetVersionEx would answer for the version the program was made for).
func osVersion() string {
	v := windows.RtlGetVersion()
	return fmt.Sprintf("Windows %d.%d build %d", v.MajorVersion, v.MinorVersion, v.BuildNumber)
}
