//go:build windows

package observe

import (
	"context"
	"os/exec"
	"time"

	"github.com/portplay/portplay/engine"
)

// systemRange asks netsh, as Microsoft KB 929851 says to (facts §3 [KB]);
// it only shows the setting, changing nothing.
func systemRange() (engine.Range, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "netsh", "int", "ipv4", "show", "dynamicport", "tcp").Output()
	if err != nil {
		return engine.Range{}, "", err
	}
	r, err := ParseNetsh(string(out))
	return r, "netsh int ipv4 show dynamicport tcp", err
}
