package observe

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/portplay/portplay/engine"
)

// SystemRange is the ephemeral range this machine is configured with and
// where it was read.
type SystemRange struct {
	Range engine.Range
	// Source names where Range came from, or says it was inferred.
	Source string
	// Inferred: the OS did not tell; Range is the profile's default.
	Inferred bool
}

// errNoRange: this OS does not expose its range in a way read here.
var errNoRange = errors.New("no known way to read the range on this system")

// ParseProcRange reads Linux's /proc/sys/net/ipv4/ip_local_port_range:
// two numbers separated by white space (facts §2 [DOC]).
func ParseProcRange(s string) (engine.Range, error) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return engine.Range{}, fmt.Errorf("ip_local_port_range %q: want two numbers", s)
	}
	return numbers("ip_local_port_range", f[0], f[1], false)
}

// ParseNetsh reads the output of `netsh int ipv4 show dynamicport tcp`
// (Microsoft KB 929851; facts §3 [KB]): a "Start Port : N" line, then a
// "Number of Ports : M" line. The labels are translated on other
// languages' Windows, so the two numbers after a colon, in that order,
// are what is read.
func ParseNetsh(s string) (engine.Range, error) {
	var nums []string
	for _, line := range strings.Split(s, "\n") {
		_, v, ok := strings.Cut(line, ":")
		if v = strings.TrimSpace(v); ok && v != "" && strings.Trim(v, "0123456789") == "" {
			nums = append(nums, v)
		}
	}
	if len(nums) != 2 {
		return engine.Range{}, fmt.Errorf("netsh output %q: want a start port and a number of ports", s)
	}
	return numbers("netsh dynamicport", nums[0], nums[1], true)
}

// numbers makes a range of a low end and either a high end or a count.
func numbers(what, a, b string, count bool) (engine.Range, error) {
	lo, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil {
		return engine.Range{}, fmt.Errorf("%s %s %s: not whole numbers", what, a, b)
	}
	hi := n
	if count {
		hi = lo + n - 1
	}
	r, err := engine.NewRange(lo, hi)
	if err != nil {
		return engine.Range{}, fmt.Errorf("%s %s %s: %w", what, a, b, err)
	}
	return r, nil
}

// ReadSystemRange reads this machine's ephemeral range for TCP; where it
// cannot, it falls back to the profile's default and says so.
func ReadSystemRange(p engine.Profile) SystemRange {
	r, src, err := systemRange()
	if err != nil {
		return SystemRange{Range: p.Ephemeral, Inferred: true,
			Source: fmt.Sprintf("not read (%v): the %s profile's default %s is assumed, and the ports seen are checked against it", err, p.Name, p.Ephemeral)}
	}
	return SystemRange{Range: r, Source: src}
}
