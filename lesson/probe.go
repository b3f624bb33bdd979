package lesson

import (
	"net/netip"

	"github.com/portplay/portplay/engine"
)

// What real systems do about TIME_WAIT, asked of the engine on hosts of
// their own (as listenOutcome asks about a listen): answered at once.

// twReuseOutcome is what a Linux client with net.ipv4.tcp_tw_reuse = 1
// gets when it connects again to the run's first server from its one
// port, twice engine.TWReuseDelay after its last connection there closed:
// "yes", or "no:" and the errno (facts/ports.md §2, tcp_twsk_unique).
func twReuseOutcome(r *Run) string {
	linux, err := engine.ProfileByName("linux")
	if err != nil {
		return err.Error()
	}
	dst := netip.AddrPortFrom(serverAddr(r), 80)
	port := linux.Ephemeral.Lo
	h, err := engine.NewHost(engine.HostConfig{Name: "probe", Addr: r.firstClient().Addr, Profile: linux,
		Range: engine.Range{Lo: port, Hi: port}, TWReuse: engine.TWReuseOn, HasTWReuse: true})
	if err == nil {
		var t engine.FourTuple
		if t, err = h.Connect(engine.TCP, dst); err == nil {
			if err = h.Close(t); err == nil {
				h.Advance(2 * engine.TWReuseDelay)
				_, err = h.Connect(engine.TCP, dst)
			}
		}
	}
	if err != nil {
		return "no:" + engine.ErrnoName(err)
	}
	return "yes"
}

// reuseAddrOutcome is what a server restarted on the run's first server's
// OS and address gets when it listens on :80 again, with SO_REUSEADDR as
// its first listener had, while a connection it closed first still holds
// :80 in TIME_WAIT: "the port" or an errno.
func reuseAddrOutcome(r *Run) string {
	prof := r.firstClient().Profile
	if sv := r.servers(); len(sv) > 0 {
		prof = sv[0].Profile
	}
	local := netip.AddrPortFrom(serverAddr(r), 80)
	opts := engine.SockOpts{Privileged: true, ReuseAddr: true}
	h, err := engine.NewHost(engine.HostConfig{Name: "probe", Addr: local.Addr(), Profile: prof})
	if err == nil {
		var id engine.SocketID
		if id, _, err = h.ListenOpts(engine.TCP, local, opts); err == nil {
			c := engine.FourTuple{Proto: engine.TCP, Local: local, Remote: netip.AddrPortFrom(r.firstClient().Addr, uint16(r.firstClient().Profile.Ephemeral.Lo))}
			if err = h.Accept(c); err == nil {
				if err = h.Close(c); err == nil { // the server closes first: TIME_WAIT on :80
					if err = h.CloseSocket(id); err == nil { // the program exits
						_, _, err = h.ListenOpts(engine.TCP, local, opts)
					}
				}
			}
		}
	}
	if err != nil {
		return engine.ErrnoName(err)
	}
	return "port"
}

// serverAddr is the run's first server's address.
func serverAddr(r *Run) netip.Addr {
	if sv := r.servers(); len(sv) > 0 {
		return sv[0].Addr
	}
	return netip.AddrFrom4([4]byte{10, 0, 0, 1})
}
