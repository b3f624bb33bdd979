package engine

// The pickers below are pure policy, in the manner of gVisor's
// pickEphemeralPort: randomness comes in as numbers and "which ports are
// free here" as a finder, so each algorithm is tested alone and
// deterministically. A finder returns the first usable port in [from, to]
// (of from's parity when step is 2).
type finder func(from, to, step int) (Port, bool)

// pickSequential continues from next (a port in r) upward and wraps once:
// classic BSD's lastport++ and Windows XP (facts/ports.md §3, fact 7). It
// returns the port and the counter's new value.
func pickSequential(r Range, next int, find finder) (Port, int, bool) {
	lo, hi := int(r.Lo), int(r.Hi)
	if next < lo || next > hi {
		next = lo
	}
	p, ok := find(next, hi, 1)
	if !ok {
		p, ok = find(lo, next-1, 1)
	}
	if !ok {
		return 0, next, false
	}
	n := int(p) + 1
	if n > hi {
		n = lo
	}
	return p, n, true
}

// pickRandomStart is RFC 6056 Algorithm 1: start at r.Lo + offset%size and
// probe upward with wrap-around; it fails only when no port is usable
// (facts §1, fact 6).
func pickRandomStart(r Range, offset uint32, find finder) (Port, bool) {
	lo, hi := int(r.Lo), int(r.Hi)
	start := lo + int(offset%uint32(r.Size()))
	if p, ok := find(start, hi, 1); ok {
		return p, true
	}
	return find(lo, start-1, 1)
}

// pickRandomPick is RFC 6056 Algorithm 2: up to size independent random
// tries. It keeps no state, so it can fail while free ports remain.
func pickRandomPick(r Range, random func() uint32, usable func(Port) bool) (Port, int, bool) {
	n := r.Size()
	for try := 1; try <= n; try++ {
		p := Port(int(r.Lo) + int(random()%uint32(n)))
		if usable(p) {
			return p, try, true
		}
	}
	return 0, n, false
}

// linuxWalk is the probe loop shared by __inet_hash_connect and
// inet_csk_find_open_port (facts §2 [IH][ICS]): port = low+offset, then
// +step, subtracting remaining whenever port reaches high (exclusive), for
// i = 0, step, ... < remaining. It returns the first usable port and the
// i at which it was found. Runs of ports below high are handed to find as
// whole intervals, so a pass costs word scans, not one probe per port.
func linuxWalk(low, high, remaining, offset, step int, find finder) (Port, int, bool) {
	port := low + offset
	for i := 0; i < remaining; {
		if port >= high {
			port -= remaining
		}
		n := min((high-1-port)/step+1, (remaining-i+step-1)/step)
		last := port + (n-1)*step
		if p, ok := find(port, last, step); ok {
			return p, i + int(p) - port, true
		}
		i += n * step
		port = last + step
	}
	return 0, 0, false
}

// linuxRemaining is __inet_hash_connect's count of ports: the range size,
// rounded down to even (for a range of more than one port) only for the
// step-2 walk; a socket with IP_LOCAL_PORT_RANGE (step 1) counts every
// port ("if (!local_ports && remaining > 1) remaining &= ~1U", facts §2
// [IH][2071]).
func linuxRemaining(r Range, step int) int {
	n := r.Size()
	if step == 2 && n > 1 {
		n &^= 1
	}
	return n
}

// pickLinuxConnect is __inet_hash_connect's choice (facts §2 [IH]): perturb
// is table_perturb[index] and hash the upper 32 bits of the destination's
// port_offset. Step 2 (step 1 with a per-socket IP_LOCAL_PORT_RANGE): the
// pass over ports of the low end's parity comes first, then the other
// parity. It returns the port and the probe index i at which it was found,
// which moves the perturbation table on.
func pickLinuxConnect(r Range, perturb, hash uint32, step int, find finder) (Port, int, bool) {
	low := int(r.Lo)
	high := int(r.Hi) + 1
	remaining := linuxRemaining(r, step)
	offset := linuxOffset(remaining, perturb, hash)
	if step == 2 {
		offset &^= 1
	}
	for {
		if p, i, ok := linuxWalk(low, high, remaining, offset, step, find); ok {
			return p, i, true
		}
		offset++
		if offset&1 == 0 || remaining <= 1 || step == 1 {
			return 0, 0, false
		}
	}
}

// linuxOffset is where __inet_hash_connect's walk starts, before parity:
// (table_perturb[index] + port_offset>>32) % remaining (facts §2 [IH]).
func linuxOffset(remaining int, perturb, hash uint32) int {
	return int((uint64(perturb) + uint64(hash)) % uint64(remaining))
}

// linuxMissed is the port that pickLinuxConnect's step-2 walk never
// reaches, if any. With an odd-sized range, remaining is one less than the
// size, so the pass over the low end's parity covers one port of it too
// few: the high end when the pass starts at the low end (offset 0), else
// the low end, which the wrap-around skips.
func linuxMissed(r Range, perturb, hash uint32) (Port, bool) {
	if n := r.Size(); n == 1 || n%2 == 0 {
		return 0, false
	}
	if linuxOffset(linuxRemaining(r, 2), perturb, hash)&^1 == 0 {
		return r.Hi, true
	}
	return r.Lo, true
}

// pickLinuxHint is __inet_hash_connect before Linux 4.2 (docs/facts-extra.md;
// facts §1 Algorithm 3): offset = hint + port_offset (u32), then
// port = low + (i + offset) % remaining for i = 1..remaining, remaining
// being the whole range. It returns the port and its i, which the caller
// adds to the global hint ("hint += i").
func pickLinuxHint(r Range, hint, hash uint32, find finder) (Port, int, bool) {
	offset := hint + hash
	p, ok := pickRandomStart(r, offset+1, find)
	if !ok {
		return 0, 0, false
	}
	n := uint32(r.Size())
	start := (offset + 1) % n
	return p, int((uint32(p-r.Lo)+n-start)%n) + 1, true
}

// pickLinuxBind is inet_csk_find_open_port's choice for bind(0) (facts §2
// [ICS]): the opposite parity to connect() first (offset |= 1), then the
// other; with SO_REUSEADDR the lower half of the range first, then the
// upper half. random(n) returns a number in [0, n).
func pickLinuxBind(r Range, reuseAddr bool, random func(n int) int, find finder) (Port, bool) {
	attemptHalf := 0
	if reuseAddr {
		attemptHalf = 1
	}
	for {
		low, high := int(r.Lo), int(r.Hi)+1
		if high-low < 4 {
			attemptHalf = 0
		}
		if attemptHalf != 0 {
			half := low + ((high-low)>>2)<<1
			if attemptHalf == 1 {
				high = half
			} else {
				low = half
			}
		}
		remaining := high - low
		if remaining > 1 {
			remaining &^= 1
		}
		offset := random(remaining) | 1
		for {
			if p, _, ok := linuxWalk(low, high, remaining, offset, 2, find); ok {
				return p, true
			}
			offset--
			if offset&1 != 0 || remaining <= 1 {
				break
			}
		}
		if attemptHalf != 1 {
			return 0, false
		}
		attemptHalf = 2
	}
}
