package engine

import (
	"encoding/binary"
	"net/netip"
	"time"
)

// portShuffle is EPHEMERAL_PORT_SHUFFLE_PERIOD: Linux rehashes each
// destination's port offset every 10 s (facts §2 [SS]).
const portShuffle = 10 * time.Second

// portOffset stands in for secure_ipv4_port_ephemeral: a keyed hash of the
// host's address, the destination and, with shuffle, the current 10-second
// period (facts §2 [SS]; kernels before the 2022 patch had no period).
// The low 16 bits index table_perturb; the high 32 offset the scan.
func (h *Host) portOffset(remote netip.AddrPort, shuffle bool) uint64 {
	period := uint64(0)
	if shuffle {
		period = uint64(h.now / portShuffle)
	}
	// All but the last round depend only on the host and remote: they are
	// kept for the last remote, as a client connects to one destination
	// many times in a row.
	if !h.hashValid || remote != h.hashRemote {
		x := h.secret
		for _, w := range [...]uint64{addrWord(h.addr), addrWord(remote.Addr()), uint64(remote.Port())} {
			x = mix64(x ^ w)
		}
		h.hashRemote, h.hashPrefix, h.hashValid = remote, x, true
	}
	return mix64(h.hashPrefix ^ period)
}

func addrWord(a netip.Addr) uint64 {
	b := a.As16()
	return mix64(binary.LittleEndian.Uint64(b[:8])) ^ binary.LittleEndian.Uint64(b[8:])
}

// mix64 is SplitMix64's finalizer: a cheap, well-spread 64-bit mix.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
