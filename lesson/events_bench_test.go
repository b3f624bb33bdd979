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

// BenchmarkViewInto is the game's per-frame refresh of its view model in
// lesson 5 and the sandbox with traffic: paused (the same moment every
// frame) and playing (a frame's time further each call, the Tick itself
// not counted). The front end keeps one View, as the game does.
func BenchmarkViewInto(b *testing.B) {
	for _, tc := range []struct {
		name   string
		lesson int
		at     time.Duration
	}{{"lesson5", 5, 3 * time.Second}, {"sandbox", 6, 5 * time.Second}} {
		for _, playing := range []bool{false, true} {
			name := tc.name + "/paused"
			if playing {
				name = tc.name + "/playing"
			}
			b.Run(name, func(b *testing.B) {
				ss := NewSession(builtinB(b), func() Settings {
					s := DefaultSettings()
					s.Lesson, s.LessonGiven = tc.lesson, true
					return s
				}(), nil, &MemStore{})
				ss.SetBudget(Budget{})
				ss.SeekTo(tc.at)
				if playing {
					ss.Do(ActPlay)
				}
				var v View
				ss.ViewInto(&v)
				if len(v.Packets) == 0 && len(v.Connections) == 0 {
					b.Fatal("no traffic to show")
				}
				b.ReportAllocs()
				for b.Loop() {
					if playing {
						b.StopTimer()
						ss.Tick(time.Second / 60)
						b.StartTimer()
					}
					ss.ViewInto(&v)
				}
			})
		}
	}
}

// BenchmarkFrameAtOneSpeed is a frame of lesson 3 playing at 1×: a
// sixtieth of a second simulated, then the view, from the start to the
// end and again. Most such frames move packets and change no port, so the
// port map is not read again (BenchmarkViewInto's sandbox changes ports
// nearly every frame).
func BenchmarkFrameAtOneSpeed(b *testing.B) {
	ss := NewSession(builtinB(b), func() Settings {
		s := DefaultSettings()
		s.Lesson, s.LessonGiven = 3, true
		return s
	}(), nil, &MemStore{})
	var v View
	for b.Loop() {
		ss.Tick(time.Second / 60)
		ss.ViewInto(&v)
		if !ss.Playing() {
			ss.Do(ActRestart)
		}
	}
}
