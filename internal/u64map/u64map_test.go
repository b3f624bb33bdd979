package u64map

import (
	"math/rand/v2"
	"testing"
)

// TestAgainstBuiltinMap applies the same random puts and deletes, over
// few enough keys that runs collide and shift often, to a Map and to a
// built-in map, and compares them after every step.
func TestAgainstBuiltinMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var m Map[int]
	want := map[uint64]int{}
	for step := range 200_000 {
		// Keys alike in their low bits too, as ports toward one destination are.
		k := uint64(rng.IntN(3000)) << (16 * uint(rng.IntN(2)))
		switch rng.IntN(6) {
		case 0:
			m.Delete(k)
			delete(want, k)
		case 1:
			w, present := want[k]
			if v, ok := m.Take(k); ok != present || v != w {
				t.Fatalf("step %d: Take(%d) = %d, %v; want %d, %v", step, k, v, ok, w, present)
			}
			delete(want, k)
		default:
			m.Put(k, step)
			want[k] = step
		}
		w, present := want[k]
		if v, ok := m.Get(k); ok != present || v != w {
			t.Fatalf("step %d: Get(%d) = %d, %v; want %d, %v", step, k, v, ok, w, present)
		}
		if m.Len() != len(want) {
			t.Fatalf("step %d: Len %d, want %d", step, m.Len(), len(want))
		}
	}
	n := 0
	m.Each(func(k uint64, v int) {
		n++
		if want[k] != v {
			t.Fatalf("Each: %d = %d, want %d", k, v, want[k])
		}
	})
	for k, v := range want {
		if got, ok := m.Get(k); !ok || got != v {
			t.Fatalf("Get(%d) = %d, %v; want %d", k, got, ok, v)
		}
	}
	if n != len(want) {
		t.Fatalf("Each visited %d, want %d", n, len(want))
	}
}
