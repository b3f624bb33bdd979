// Package u64map is a hash map from uint64 keys to values, for the
// engine's and the simulation's hottest tables: tens of thousands of
// entries added and removed every simulated minute, looked up several
// times per connection.
//
// Go's built-in map spent most of its time there matching control bytes
// along probe sequences lengthened by the tombstones that deletes leave
// (the CPU profile of BenchmarkHourAt1000PerSecond). This map uses linear
// probing with backward-shift deletion, so it never holds tombstones: a
// lookup reads one or two neighbouring slots of one array, and a key
// needs no hashing beyond one multiplication.
//
// It has no iteration order to depend on except through Each, which
// visits slots in array order: callers that need a deterministic result
// must not depend on it (the tests that do only count or compare sets).
package u64map

import "math/bits"

// Map is the map. The zero Map is empty and ready to use. It is not safe
// for concurrent use.
//
// Invariants: len(slots) is 0 or a power of two; n < len(slots)/2 after
// every Put (at half load a miss, the commonest lookup, reads about two
// slots; at three quarters it would read about eight); every key k lies in the run of used slots that starts at its
// home slot (home(k)) and reaches it without an empty slot between.
type Map[V any] struct {
	slots []slot[V]
	n     int
	shift uint8 // 64 - log2(len(slots))
}

type slot[V any] struct {
	key  uint64
	used bool
	val  V
}

// home is k's first slot: Fibonacci hashing, the top bits of k times
// 2^64/φ, which spreads runs of consecutive keys (ports) evenly.
func (m *Map[V]) home(k uint64) int {
	return int((k * 0x9e3779b97f4a7c15) >> m.shift)
}

// Len is the number of entries.
func (m *Map[V]) Len() int { return m.n }

// Get returns k's value and whether k is present.
func (m *Map[V]) Get(k uint64) (V, bool) {
	if m.n == 0 {
		var zero V
		return zero, false
	}
	mask := len(m.slots) - 1
	for i := m.home(k); ; i = (i + 1) & mask {
		s := &m.slots[i]
		if !s.used {
			var zero V
			return zero, false
		}
		if s.key == k {
			return s.val, true
		}
	}
}

// Put sets k's value.
func (m *Map[V]) Put(k uint64, v V) {
	if (m.n+1)*2 >= len(m.slots) {
		m.grow()
	}
	mask := len(m.slots) - 1
	for i := m.home(k); ; i = (i + 1) & mask {
		s := &m.slots[i]
		if !s.used {
			*s = slot[V]{key: k, used: true, val: v}
			m.n++
			return
		}
		if s.key == k {
			s.val = v
			return
		}
	}
}

// Delete removes k, if present.
func (m *Map[V]) Delete(k uint64) { m.Take(k) }

// Take removes k, if present, and returns the value it had: Get then
// Delete with one probe. The entries after it whose probe run passed
// through its slot shift back, so that no tombstone is left.
func (m *Map[V]) Take(k uint64) (V, bool) {
	var v V
	if m.n == 0 {
		return v, false
	}
	mask := len(m.slots) - 1
	i := m.home(k)
	for ; ; i = (i + 1) & mask {
		if !m.slots[i].used {
			return v, false
		}
		if m.slots[i].key == k {
			break
		}
	}
	v = m.slots[i].val
	// i is the hole. Move into it the next entry whose home does not lie
	// cyclically in (i, j]: that entry's run passes through the hole.
	for j := (i + 1) & mask; m.slots[j].used; j = (j + 1) & mask {
		h := m.home(m.slots[j].key)
		if (j-h)&mask >= (j-i)&mask {
			m.slots[i] = m.slots[j]
			i = j
		}
	}
	m.slots[i] = slot[V]{}
	m.n--
	return v, true
}

// Each calls fn for every entry, in slot order.
func (m *Map[V]) Each(fn func(k uint64, v V)) {
	for i := range m.slots {
		if m.slots[i].used {
			fn(m.slots[i].key, m.slots[i].val)
		}
	}
}

// grow doubles the slots (16 at first) and puts every entry back.
func (m *Map[V]) grow() {
	old := m.slots
	size := max(16, 2*len(old))
	m.slots = make([]slot[V], size)
	m.shift = uint8(64 - bits.TrailingZeros(uint(size)))
	m.n = 0
	for i := range old {
		if old[i].used {
			m.Put(old[i].key, old[i].val)
		}
	}
}
