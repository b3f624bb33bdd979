package engine

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Port is a TCP or UDP port number. Port 0 means "any port" in a bind or
// listen request: the engine then picks one.
type Port uint16

// Proto is a transport protocol. TCP and UDP have separate port spaces: the
// same number can be used by both at once.
type Proto uint8

const (
	TCP Proto = iota + 1
	UDP
)

func (p Proto) String() string {
	switch p {
	case TCP:
		return "TCP"
	case UDP:
		return "UDP"
	}
	return "Proto(" + strconv.Itoa(int(p)) + ")"
}

func (p Proto) valid() bool { return p == TCP || p == UDP }

// Range is an inclusive range of ports, Lo ≤ Hi, never containing 0. The
// zero Range is invalid; build one with NewRange or ParseRange.
type Range struct{ Lo, Hi Port }

// NewRange checks lo and hi and returns the range lo-hi, inclusive. The
// error says which end is wrong and why.
func NewRange(lo, hi int) (Range, error) {
	for _, n := range []int{lo, hi} {
		if n < 1 || n > 65535 {
			return Range{}, errorf("range %d-%d: %d is outside 1-65535", lo, hi, n)
		}
	}
	if lo > hi {
		return Range{}, errorf("range %d-%d is reversed: the low end must come first", lo, hi)
	}
	return Range{Port(lo), Port(hi)}, nil
}

// ParseRange reads "LO-HI", e.g. "32768-60999".
func ParseRange(s string) (Range, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "-")
	lo, err1 := strconv.Atoi(strings.TrimSpace(a))
	hi, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil {
		return Range{}, errorf("range %q: want LO-HI, e.g. 32768-60999", s)
	}
	return NewRange(lo, hi)
}

// Size is the number of ports in the range, both ends included.
func (r Range) Size() int { return int(r.Hi) - int(r.Lo) + 1 }

// Contains reports whether p lies in the range.
func (r Range) Contains(p Port) bool { return r.Lo <= p && p <= r.Hi }

func (r Range) String() string { return fmt.Sprintf("%d-%d", r.Lo, r.Hi) }

// Class is a port's IANA class (RFC 6335 §6; facts/ports.md §1).
type Class uint8

const (
	ClassSystem     Class = iota // 0-1023: well-known, assigned by IANA
	ClassRegistered              // 1024-49151: registered with IANA
	ClassDynamic                 // 49152-65535: dynamic/private, never assigned
)

// The IANA class boundaries (RFC 6335 §6).
var (
	SystemPorts     = Range{0, 1023}
	RegisteredPorts = Range{1024, 49151}
	DynamicPorts    = Range{49152, 65535}
)

func (c Class) String() string {
	switch c {
	case ClassSystem:
		return "system"
	case ClassRegistered:
		return "registered"
	case ClassDynamic:
		return "dynamic"
	}
	return "Class(" + strconv.Itoa(int(c)) + ")"
}

// ClassOf returns the IANA class of p.
func ClassOf(p Port) Class {
	switch {
	case p <= SystemPorts.Hi:
		return ClassSystem
	case p <= RegisteredPorts.Hi:
		return ClassRegistered
	}
	return ClassDynamic
}

// FourTuple names a connection as seen from one host: its protocol, its own
// (local) address and port, and the peer's (remote) address and port. No
// two connections on a host share a FourTuple.
type FourTuple struct {
	Proto         Proto
	Local, Remote netip.AddrPort
}

func (t FourTuple) String() string {
	return fmt.Sprintf("%s %s -> %s", t.Proto, t.Local.String(), t.Remote.String())
}

// Reverse is the same connection as the peer sees it.
func (t FourTuple) Reverse() FourTuple {
	return FourTuple{Proto: t.Proto, Local: t.Remote, Remote: t.Local}
}

// errorf is fmt.Errorf kept out of line. The engine's error paths are
// cold, and the compiler would otherwise inline fmt.Errorf at each of its
// 40 call sites, for 9 KB of the browser's wasm.
//
//go:noinline
func errorf(format string, a ...any) error { return fmt.Errorf(format, a...) }
