//go:build linux

package observe

import (
	"os"

	"github.com/portplay/portplay/engine"
)

func systemRange() (engine.Range, string, error) {
	const path = "/proc/sys/net/ipv4/ip_local_port_range"
	b, err := os.ReadFile(path)
	if err != nil {
		return engine.Range{}, "", err
	}
	r, err := ParseProcRange(string(b))
	return r, path, err
}
