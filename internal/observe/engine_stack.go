package observe

import (
	"errors"
	"net/netip"

	"github.com/portplay/portplay/engine"
)

// engineStack runs the sequence through an engine profile, set up as
// this machine is: its range, the same loopback destinations.
type engineStack struct {
	h     *engine.Host
	dests []netip.AddrPort
	conns map[[2]int]engine.FourTuple // (destination, port) -> connection
}

func newEngineStack(p engine.Profile, sys engine.Range, dests []netip.AddrPort) (*engineStack, error) {
	h, err := engine.NewHost(engine.HostConfig{Name: "engine", Addr: loopback, Profile: p, Seed: 1, Range: sys})
	if err != nil {
		return nil, err
	}
	return &engineStack{h: h, dests: dests, conns: map[[2]int]engine.FourTuple{}}, nil
}

func (s *engineStack) Connect(dest int) (int, error) {
	t, err := s.h.Connect(engine.TCP, s.dests[dest])
	if err != nil {
		return 0, err
	}
	p := int(t.Local.Port())
	s.conns[[2]int{dest, p}] = t
	return p, nil
}

func (s *engineStack) CloseFirst(dest, port int) error {
	return s.h.Close(s.conns[[2]int{dest, port}])
}

func (s *engineStack) Bind(port int, reuseAddr bool) (bool, error) {
	id, _, err := s.h.Bind(engine.TCP, netip.AddrPortFrom(loopback, uint16(port)), engine.SockOpts{ReuseAddr: reuseAddr})
	if errors.Is(err, engine.ErrAddrInUse) || errors.Is(err, engine.ErrAccess) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, s.h.CloseSocket(id)
}
