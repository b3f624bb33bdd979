package game

import (
	"testing"
	"time"
)

// sandboxAtTopSpeed is the busiest scene: the sandbox at the highest speed.
func sandboxAtTopSpeed(b *testing.B) *Game {
	s := DefaultSettings()
	s.Scene, s.Speed = SceneCount, speeds[len(speeds)-1]
	g, err := New(s, nil)
	if err != nil {
		b.Fatal(err)
	}
	return g
}

// BenchmarkUpdateSandbox is one tick of the busiest scene: the simulation
// moved on by a frame at 64× (about 150 connections and 2,000 events).
func BenchmarkUpdateSandbox(b *testing.B) {
	g := sandboxAtTopSpeed(b)
	for b.Loop() {
		g.tick(time.Second / 60)
		if !g.playing {
			g.do(actRestart, 1)
		}
	}
}

// BenchmarkPortMapUpdate is repainting the whole port map from the engine.
func BenchmarkPortMapUpdate(b *testing.B) {
	g := sandboxAtTopSpeed(b)
	g.tick(20 * time.Second)
	h := g.run.play.sim.Hosts()[g.focus]
	for b.Loop() {
		g.pm.update(h, false)
	}
}
