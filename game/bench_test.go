package game

import (
	"testing"
	"time"

	"github.com/portplay/portplay/lesson"
)

// sandboxAtTopSpeed is the busiest lesson: the sandbox at the highest
// speed, playing.
func sandboxAtTopSpeed(b *testing.B) *Game {
	cat, err := lesson.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	s := lesson.DefaultSettings()
	s.Lesson, s.LessonGiven, s.Speed = 6, true, lesson.Speeds[len(lesson.Speeds)-1]
	g, err := New(cat, s, nil)
	if err != nil {
		b.Fatal(err)
	}
	return g
}

// BenchmarkUpdateSandbox is one tick of the busiest lesson and its view:
// the simulation moved on by a frame at 64× (about 150 connections and
// 2,000 events).
func BenchmarkUpdateSandbox(b *testing.B) {
	g := sandboxAtTopSpeed(b)
	for b.Loop() {
		g.sess.Tick(time.Second / 60)
		g.sess.ViewInto(&g.vm)
		if !g.sess.Playing() {
			g.do(lesson.ActRestart)
		}
	}
}

// BenchmarkUpdateSandboxEventList is the same tick with the event list
// open: its rows are made every frame, against BenchmarkUpdateSandbox.
func BenchmarkUpdateSandboxEventList(b *testing.B) {
	g := sandboxAtTopSpeed(b)
	g.do(lesson.ActEvents)
	for b.Loop() {
		g.sess.Tick(time.Second / 60)
		g.sess.ViewInto(&g.vm)
		if len(g.vm.EventList.Rows) == 0 {
			b.Fatal("no rows")
		}
		if !g.sess.Playing() {
			g.do(lesson.ActRestart)
		}
	}
}
