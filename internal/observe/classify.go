// Package observe watches how this computer's kernel hands out ephemeral
// ports, with ordinary sockets on loopback only, and compares what it
// sees with an engine profile run through the same sequence. The
// classification is pure functions over recorded port sequences, so it is
// tested with sequences from each kernel's documented behaviour; the
// socket side runs on every desktop OS (portsim observe, and later the
// app's "Your computer" panel).
package observe

import "github.com/portplay/portplay/engine"

// Order names how a run of connects toward one destination picked its
// ports.
type Order string

const (
	// Climbing: one counter moved on by one per connect (macOS's TCP
	// "++*lastport" in XNU in_pcbbind, classic BSD and Windows XP; facts
	// §3, §4 and Additions).
	Climbing Order = "climbing by one"
	// Parity: every port of the range's low end's parity, in small even
	// steps (Linux's __inet_hash_connect: step 2, offset made even,
	// table_perturb moved on by max(i, rand(0..7)*2) + 2; facts §2 [IH]).
	Parity Order = "one parity, small even steps"
	// Varying: small forward steps of varying size, mixed parity.
	Varying Order = "climbing by varying steps"
	// Random: each connect lands anywhere in the range (RFC 6056
	// Algorithm 1's random start with one port per call, as FreeBSD's
	// in_pcb_lport_dest; facts §4).
	Random Order = "random"
	// Unclear: neither mostly small steps nor mostly large ones.
	Unclear Order = "no clear order"
	// TooFew: fewer ports than MinPorts, too few to tell.
	TooFew Order = "too few ports"
)

// MinPorts is the fewest ports ClassifyOrder judges.
const MinPorts = 8

// smallStep bounds a step counted as "the next port or nearly": other
// programs on the machine may take a few ports from a shared counter
// between two of ours, and Linux's jitter adds up to 14 (facts §2 [IH]).
const smallStep = 64

// step is how far b lies after a, going up through r and wrapping from
// its high end to its low end.
func step(a, b int, r engine.Range) int {
	n := r.Size()
	return ((b-a)%n + n) % n
}

// ClassifyOrder says how ports, in the order connect() gave them toward
// one destination, were picked from r. Three quarters of the steps decide,
// so that a few ports taken by other programs, or Linux moving a
// destination's offset on (it hashes in the time every 10 s; facts §2
// [SS]), do not change the answer.
func ClassifyOrder(ports []int, r engine.Range) Order {
	if len(ports) < MinPorts {
		return TooFew
	}
	n := len(ports) - 1
	small, ones, even := 0, 0, true
	low := int(r.Lo) % 2
	for i, p := range ports {
		even = even && p%2 == low
		if i == 0 {
			continue
		}
		s := step(ports[i-1], p, r)
		if s >= 1 && s <= smallStep {
			small++
		}
		if s == 1 {
			ones++
		}
	}
	switch {
	case 4*small >= 3*n && even:
		return Parity
	case 4*small >= 3*n && 4*ones >= 3*n:
		return Climbing
	case 4*small >= 3*n:
		return Varying
	case 4*small <= n:
		return Random
	}
	return Unclear
}

// ContinuesCount says whether the first port toward a second destination
// follows closely on the last one toward the first: one counter for every
// destination (XNU's ipi_lastport, Windows XP), rather than a place per
// destination (Linux's perturbation table) or a fresh random start.
func ContinuesCount(first, second []int, r engine.Range) bool {
	if len(first) == 0 || len(second) == 0 {
		return false
	}
	s := step(first[len(first)-1], second[0], r)
	return s >= 1 && s <= smallStep
}

// Inside says whether every port lies in r.
func Inside(ports []int, r engine.Range) bool {
	for _, p := range ports {
		if p < 0 || p > 65535 || !r.Contains(engine.Port(p)) {
			return false
		}
	}
	return true
}
