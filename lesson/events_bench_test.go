package lesson

import (
	"testing"
	"time"
)

// benchView is a frame's view of a busy sandbox (its event list full)
// with the list open or closed: the list's cost per frame is the
// difference, bounded by HistorySize filter tests and EventRows rows.
func benchView(b *testing.B, open bool) {
	ss := NewSession(builtinB(b), func() Settings {
		s := DefaultSettings()
		s.Lesson, s.LessonGiven = 6, true
		return s
	}(), nil, &MemStore{})
	ss.SetBudget(Budget{})
	ss.SeekTo(5 * time.Second)
	if open {
		ss.Do(ActEvents)
	}
	var v View
	for b.Loop() {
		ss.ViewInto(&v)
	}
	if open && len(v.EventList.Rows) != EventRows {
		b.Fatal("the list is not full")
	}
}

func BenchmarkViewEventListClosed(b *testing.B) { benchView(b, false) }
func BenchmarkViewEventListOpen(b *testing.B)   { benchView(b, true) }

func builtinB(b *testing.B) *Catalogue {
	cat, err := Builtin()
	if err != nil {
		b.Fatal(err)
	}
	return cat
}
