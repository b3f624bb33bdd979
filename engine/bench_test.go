package engine

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"
)

// BenchmarkExhaustLinuxRange: every port of Linux's default range toward
// one destination (28,232 connects), then the failing one. A naive scan
// would make this quadratic.
func BenchmarkExhaustLinuxRange(b *testing.B) {
	p, _ := ProfileByName("linux")
	for b.Loop() {
		h, _ := NewHost(HostConfig{Name: "c", Addr: clientIP, Profile: p, Seed: 1})
		for range p.Ephemeral.Size() {
			if _, err := h.Connect(TCP, dstA); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := h.Connect(TCP, dstA); err == nil {
			b.Fatal("the range should be exhausted")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(p.Ephemeral.Size()), "ns/connect")
}

// fill opens connections toward dstA until occupancy (0-1) of the range is
// in use, and returns them.
func fill(b *testing.B, h *Host, occupancy float64) []FourTuple {
	n := int(float64(h.Profile().Ephemeral.Size()) * occupancy)
	conns := make([]FourTuple, 0, n)
	for range n {
		c, err := h.Connect(TCP, dstA)
		if err != nil {
			b.Fatalf("fill to %.0f%%: %v", occupancy*100, err)
		}
		conns = append(conns, c)
	}
	return conns
}

// BenchmarkChurn is one close and one open toward the same destination,
// at 0% and 99% occupancy of Linux's range, for each strategy. The target
// is the 99% case within 4x of the 0% one (random pick excepted: its
// retries are the algorithm, so it reports a cost curve instead).
func BenchmarkChurn(b *testing.B) {
	p, _ := ProfileByName("linux")
	for _, s := range Strategies {
		occupancies := []float64{0, 0.99}
		if s == RandomPick {
			occupancies = []float64{0, 0.5, 0.9, 0.99}
		}
		for _, occ := range occupancies {
			b.Run(fmt.Sprintf("%s/occupancy=%.0f%%", s, occ*100), func(b *testing.B) {
				h, _ := NewHost(HostConfig{Name: "c", Addr: clientIP, Profile: p, Seed: 1, Strategy: s})
				conns := fill(b, h, occ)
				if len(conns) == 0 {
					c, _ := h.Connect(TCP, dstA)
					conns = append(conns, c)
				}
				rng := rand.New(rand.NewPCG(1, 2))
				for b.Loop() {
					i := rng.IntN(len(conns))
					if err := h.PassiveClose(conns[i]); err != nil {
						b.Fatal(err)
					}
					c, err := h.Connect(TCP, dstA)
					if err != nil {
						b.Fatal(err)
					}
					conns[i] = c
				}
			})
		}
	}
}

// BenchmarkMillionConns opens 1,000,000 connections over 100 destinations
// (10,000 each) and closes them again. The first round grows the tables;
// later rounds show the steady cost: no allocation per connection.
func BenchmarkMillionConns(b *testing.B) {
	const total, ndst = 1_000_000, 100
	p, _ := ProfileByName("linux")
	dsts := make([]netip.AddrPort, ndst)
	for i := range dsts {
		dsts[i] = netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 1, byte(i / 256), byte(i % 256)}), 443)
	}
	h, _ := NewHost(HostConfig{Name: "c", Addr: clientIP, Profile: p, Seed: 1})
	conns := make([]FourTuple, total)
	round := func() {
		for i := range conns {
			c, err := h.Connect(TCP, dsts[i%ndst])
			if err != nil {
				b.Fatal(err)
			}
			conns[i] = c
		}
		for _, c := range conns {
			if err := h.PassiveClose(c); err != nil {
				b.Fatal(err)
			}
		}
	}
	round() // warm up: the maps reach their size
	for b.Loop() {
		round()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/total, "ns/conn")
}

// BenchmarkMillionConnsMemory reports the memory held per open connection.
func BenchmarkMillionConnsMemory(b *testing.B) {
	const total, ndst = 1_000_000, 100
	p, _ := ProfileByName("linux")
	for b.Loop() {
		h, _ := NewHost(HostConfig{Name: "c", Addr: clientIP, Profile: p, Seed: 1})
		for i := range total {
			if _, err := h.Connect(TCP, netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 1, 0, byte(i % ndst)}), 443)); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkPortStates is the port map's read of a host every frame: all
// 65,536 ports, half of Linux's range in use.
func BenchmarkPortStates(b *testing.B) {
	p, _ := ProfileByName("linux")
	h, _ := NewHost(HostConfig{Name: "c", Addr: clientIP, Profile: p, Seed: 1})
	fill(b, h, 0.5)
	var dst [65536]PortState
	for b.Loop() {
		h.PortStates(TCP, &dst)
	}
}
