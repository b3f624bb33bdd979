package scenario

import (
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/portplay/portplay/engine"
)

// Check validates the scenario as a whole: what Parse checks line by line,
// for a scenario built as a Go value, and what only the whole file shows.
// Parse ends with it and sim.New begins with it. The error is an *Error at
// the offending line's Pos (none for a value built in Go).
func (sc *Scenario) Check() error {
	if err := checkDuration(Pos{}, "duration", sc.Duration, true); err != nil {
		return err
	}
	if err := checkDuration(Pos{}, "latency", sc.Latency, false); err != nil {
		return err
	}
	names := map[string]bool{}
	profiles := map[string]engine.Profile{}
	addrs := map[netip.Addr]string{}
	for _, h := range sc.Hosts {
		profiles[h.Name] = h.Profile
		if h.Profile.Name == "" {
			profiles[h.Name] = linux // as engine.NewHost takes it
		}
		if err := h.check(); err != nil {
			return err
		}
		if names[h.Name] {
			return errorf(h.Pos, "host %q is declared twice", h.Name)
		}
		names[h.Name] = true
		for _, a := range h.Addrs() {
			if other, ok := addrs[a]; ok {
				return errorf(h.Pos, "host %q: %s is already %s's address", h.Name, a.String(), other)
			}
			addrs[a] = h.Name
		}
	}
	for _, l := range sc.Listens {
		what := fmt.Sprintf("listen %s %d", l.Host, l.Port)
		switch {
		case !names[l.Host]:
			return errorf(l.Pos, "%s: no host named %q", what, l.Host)
		case l.Port == 0:
			return errorf(l.Pos, "%s: port 0 is not a port to listen on", what)
		case l.Addr.IsValid() && !l.Addr.IsUnspecified() && addrs[l.Addr] != l.Host:
			return errorf(l.Pos, "%s: %s is not one of %s's addresses", what, l.Addr.String(), l.Host)
		}
		if l.Proto != 0 && l.Proto != engine.TCP && l.Proto != engine.UDP {
			return errorf(l.Pos, "%s: unknown protocol %v; want TCP or UDP", what, l.Proto)
		}
		if err := checkDuration(l.Pos, what+": service", l.Service, false); err != nil {
			return err
		}
		if err := profiles[l.Host].CheckOpts(l.Opts); err != nil {
			return errorf(l.Pos, "%s: %v", what, err)
		}
	}
	if err := sc.checkFaults(); err != nil {
		return err
	}
	if sc.Ports > Serial {
		return errorf(Pos{}, "ephemeral: unknown mode %v; want on, off or serial", sc.Ports)
	}
	if !(sc.Loss >= 0 && sc.Loss <= 100) { // NaN too
		return errorf(Pos{}, "loss: %v%% is not a share from 0%% to 100%%", sc.Loss)
	}
	sockets := map[string]string{} // a send line's socket name: its host
	for _, c := range sc.Connects {
		if err := c.check(names, sc.Ports == Ephemeral); err != nil {
			return err
		}
		if host, ok := sockets[c.Socket]; ok && c.Socket != "" && host != c.From {
			return errorf(c.Pos, "send %s -> %s:%d: socket %q is %s's; a socket belongs to one host", c.From, c.To, c.Port, c.Socket, host)
		}
		sockets[c.Socket] = c.From
		if err := profiles[c.From].CheckOpts(c.Opts); err != nil {
			return errorf(c.Pos, "connect %s -> %s:%d: %v", c.From, c.To, c.Port, err)
		}
		if c.Addr.IsValid() && addrs[c.Addr] != c.To {
			return errorf(c.Pos, "connect %s -> %s:%d: %s is not one of %s's addresses", c.From, c.To, c.Port, c.Addr.String(), c.To)
		}
	}
	return nil
}

func (h *Host) check() error {
	switch {
	case !validName(h.Name):
		return errorf(h.Pos, "host %q: not a name (letters, digits, - and _; starting with a letter)", h.Name)
	case !hostAddrs(h.Addrs()):
		return errorf(h.Pos, "host %q: %v is not a host's IP addresses", h.Name, addrList(h.Addrs()))
	case h.Strategy != 0 && !slices.Contains(engine.Strategies, h.Strategy):
		return errorf(h.Pos, "host %q: unknown strategy %v", h.Name, h.Strategy)
	case h.Profile.Name != "" && !slices.Contains(engine.Strategies, h.Profile.Connect):
		return errorf(h.Pos, "host %q: profile %s has no strategy", h.Name, h.Profile.Name)
	}
	if h.Profile.Name != "" {
		if _, err := engine.NewRange(int(h.Profile.Ephemeral.Lo), int(h.Profile.Ephemeral.Hi)); err != nil {
			return errorf(h.Pos, "host %q: profile %s: %v", h.Name, h.Profile.Name, err)
		}
	}
	if h.Range != (engine.Range{}) {
		if _, err := engine.NewRange(int(h.Range.Lo), int(h.Range.Hi)); err != nil {
			return errorf(h.Pos, "host %q: %v", h.Name, err)
		}
	}
	return checkDuration(h.Pos, fmt.Sprintf("host %q: timewait", h.Name), h.TimeWait, false)
}

func (c *Connect) check(hosts map[string]bool, ephemeral bool) error {
	what := fmt.Sprintf("connect %s -> %s:%d", c.From, c.To, c.Port)
	switch {
	case !hosts[c.From]:
		return errorf(c.Pos, "%s: no host named %q", what, c.From)
	case !hosts[c.To]:
		return errorf(c.Pos, "%s: no host named %q", what, c.To)
	case c.From == c.To:
		return errorf(c.Pos, "%s: %s connects to itself", what, c.From)
	case c.Port == 0:
		return errorf(c.Pos, "%s: port 0 is not a destination port", what)
	case c.Count < 1 || c.Count > MaxCount:
		return errorf(c.Pos, "%s: count %d is not from 1 to %d", what, c.Count, MaxCount)
	case c.Count > 1 && c.Every <= 0:
		return errorf(c.Pos, "%s: count %d needs every D or rate N/s to say how they are spaced", what, c.Count)
	case c.Closer != Client && c.Closer != Server:
		return errorf(c.Pos, "%s: close %d: want client or server", what, c.Closer)
	case c.Upload < 0 || c.Upload > MaxUpload:
		return errorf(c.Pos, "%s: upload %d is not from 0 to %d", what, c.Upload, MaxUpload)
	case c.Opts != (engine.SockOpts{}) && !c.Bind:
		return errorf(c.Pos, "%s: socket options need bind", what)
	case c.Opts.Privileged:
		return errorf(c.Pos, "%s: a client binds port 0, which needs no privilege", what)
	case c.Bind && !ephemeral:
		// bind(0) picks an ephemeral port; the counterfactual has none.
		return errorf(c.Pos, "%s: bind needs ephemeral ports (without them every connection binds port 80)", what)
	case c.Proto != 0 && c.Proto != engine.TCP && c.Proto != engine.UDP:
		return errorf(c.Pos, "%s: unknown protocol %v; want TCP or UDP", what, c.Proto)
	case c.Send && c.Transport() != engine.UDP:
		return errorf(c.Pos, "%s: a send line sends UDP datagrams; its Proto must be UDP", what)
	case c.Socket != "" && !c.Send:
		return errorf(c.Pos, "%s: socket names a send line's socket", what)
	case c.Socket != "" && !validName(c.Socket):
		return errorf(c.Pos, "%s: socket %q is not a name (letters, digits, - and _; starting with a letter)", what, c.Socket)
	case c.Transport() == engine.UDP && (c.Bind || c.Upload > 0 || c.Closer != Client || c.Opts != (engine.SockOpts{})):
		return errorf(c.Pos, "%s: bind, socket options, upload and close are TCP's; a UDP socket has no handshake, no close to order and no TIME_WAIT", what)
	case c.Transport() == engine.UDP && !ephemeral:
		return errorf(c.Pos, "%s: ephemeral off and serial are lesson 4's TCP thought experiments; a UDP line needs ephemeral ports", what)
	case c.Transport() == engine.TCP && c.Timeout != 0:
		return errorf(c.Pos, "%s: timeout is a UDP query's wait for its reply", what)
	}
	for _, d := range []struct {
		name string
		d    time.Duration
	}{{"at", c.At}, {"every", c.Every}, {"hold", c.Hold}, {"timeout", c.Timeout}} {
		if err := checkDuration(c.Pos, what+": "+d.name, d.d, false); err != nil {
			return err
		}
	}
	return nil
}

// checkDuration checks that d is at least 0 (more than 0 if positive) and
// at most MaxDuration.
func checkDuration(pos Pos, what string, d time.Duration, positive bool) error {
	switch {
	case d < 0:
		return errorf(pos, "%s %s is negative", what, d)
	case positive && d == 0:
		return errorf(pos, "%s must be more than 0", what)
	case d > MaxDuration:
		return errorf(pos, "%s %s is longer than the limit of %s", what, d, MaxDuration)
	}
	return nil
}

func errorf(pos Pos, format string, args ...any) error {
	return &Error{pos, fmt.Sprintf(format, args...)}
}

// hostAddrs reports whether every one of as can be a host's own address.
func hostAddrs(as []netip.Addr) bool {
	for _, a := range as {
		if !a.IsValid() || a.IsUnspecified() || a.Zone() != "" {
			return false
		}
	}
	return true
}
