//go:build darwin || freebsd

package observe

import (
	"golang.org/x/sys/unix"

	"github.com/portplay/portplay/engine"
)

// systemRange reads net.inet.ip.portrange.first and .last, the range of
// XNU's and FreeBSD's in_pcbbind autobind (facts §4 [FB][XNU-pcb]).
func systemRange() (engine.Range, string, error) {
	lo, err := unix.SysctlUint32("net.inet.ip.portrange.first")
	if err != nil {
		return engine.Range{}, "", err
	}
	hi, err := unix.SysctlUint32("net.inet.ip.portrange.last")
	if err != nil {
		return engine.Range{}, "", err
	}
	r, err := engine.NewRange(int(lo), int(hi))
	return r, "sysctl net.inet.ip.portrange.first/last", err
}
