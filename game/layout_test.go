package game

import (
	"fmt"
	"image/color"
	"testing"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/lesson"
)

func overlaps(a, b rect) bool {
	return a.x < b.x+b.w && b.x < a.x+a.w && a.y < b.y+b.h && b.y < a.y+a.h
}

func inside(inner, outer rect) bool {
	return inner.x >= outer.x && inner.y >= outer.y && inner.x+inner.w <= outer.x+outer.w && inner.y+inner.h <= outer.y+outer.h
}

var canvas = rect{0, 0, DesignW, DesignH}

func TestRectHas(t *testing.T) {
	r := rect{10, 20, 30, 40}
	for _, tc := range []struct {
		x, y float64
		want bool
	}{
		{10, 20, true}, {39.999, 59.999, true}, {25, 40, true},
		{40, 40, false}, {25, 60, false}, {9.999, 40, false}, {25, 19.999, false},
	} {
		assert.Equal(t, tc.want, r.has(tc.x, tc.y), "(%g, %g)", tc.x, tc.y)
	}
}

func TestScreenAreasFitAndDoNotOverlap(t *testing.T) {
	areas := map[string]rect{"net": areaNet, "map": areaMap, "legend": areaLegend,
		"inspect": areaInspect, "chart": areaChart, "narration": areaNarration, "controls": areaControls, "timeline": areaTimeline}
	for name, a := range areas {
		assert.True(t, inside(a, canvas), name)
		for other, b := range areas {
			if name < other {
				assert.False(t, overlaps(a, b), "%s and %s", name, other)
			}
		}
	}
	assert.Equal(t, areaMap.w, areaMap.h, "the port map is square: 256×256 ports")
}

// moments are the views of lesson n whose buttons differ: the overview,
// playing and paused, and its first question, asked and answered.
func moments(t *testing.T, n int) []lesson.View {
	g := newGame(t, n, nil)
	out := []lesson.View{g.sess.View()}
	g.do(lesson.ActPlay)
	g.do(lesson.ActHelp)
	out = append(out, g.sess.View())
	for range 8 {
		g.do(lesson.ActNextStep)
		if v := g.sess.View(); v.Narration.Question != nil {
			out = append(out, v)
			g.do(lesson.ActAnswer + 1)
			out = append(out, g.sess.View())
			break
		}
	}
	return out
}

func TestButtonsFitDoNotOverlapAndHit(t *testing.T) {
	panels := map[string]rect{"net": areaNet, "map": areaMap, "chart": areaChart}
	for _, l := range catalogue(t).Lessons {
		for m, vm := range moments(t, l.Number) {
			name := fmt.Sprintf("lesson %d moment %d", l.Number, m)
			bs := buttons(&vm)
			for i, b := range bs {
				assert.True(t, inside(b.r, canvas), "%s: %s at %+v", name, b.label, b.r)
				assert.NotEmpty(t, b.label)
				for p, a := range panels {
					assert.False(t, overlaps(b.r, a), "%s: %s covers the %s panel", name, b.label, p)
				}
				for _, o := range bs[i+1:] {
					assert.False(t, overlaps(b.r, o.r), "%s: %s and %s overlap", name, b.label, o.label)
				}
				for k := range vm.Knobs {
					assert.False(t, overlaps(b.r, knobRect(k)), "%s: %s covers knob %d", name, b.label, k)
				}
				x, y := centre(b.r)
				assert.Equal(t, b.act, hit(bs, x, y), "%s: %s's centre", name, b.label)
				assert.Equal(t, lesson.ActNone, hit(bs, x, b.r.y-1), "%s: just above %s", name, b.label)
			}
			for k := range vm.Knobs {
				assert.True(t, inside(knobRect(k), areaNarration), "knob %d", k)
			}
		}
	}
}

// Every action a key does also has a button, and no key does two things.
func TestEveryKeyActionHasAButton(t *testing.T) {
	// Home and End: the timeline is their control (a tap at either end).
	noButton := map[lesson.Action]bool{lesson.ActEscape: true, lesson.ActKnobNext: true, lesson.ActKnobUp: true, lesson.ActKnobDown: true,
		lesson.ActTimeStart: true, lesson.ActTimeEnd: true}
	cat := catalogue(t)
	for _, l := range cat.Lessons {
		acts := map[lesson.Action]bool{}
		choices := 0
		for _, vm := range moments(t, l.Number) {
			for _, b := range buttons(&vm) {
				acts[b.act] = true
			}
			if q := vm.Narration.Question; q != nil {
				choices = len(q.Choices)
			}
		}
		for _, ka := range keyActions {
			switch {
			case ka.act > lesson.ActOpen+lesson.Action(len(cat.Lessons)):
				assert.False(t, acts[ka.act], "no button for a digit with no lesson")
			case noButton[ka.act]:
			case ka.act == lesson.ActProfile:
				assert.Equal(t, l.ProfileSwitch, acts[ka.act], "lesson %d: a Profile button only where P works", l.Number)
			case ka.act >= lesson.ActAnswer && ka.act < lesson.ActAnswer+3:
				k := int(ka.act - lesson.ActAnswer)
				assert.Equal(t, k < choices, acts[ka.act], "lesson %d: answer %c", l.Number, 'A'+k)
			default:
				assert.True(t, acts[ka.act], "lesson %d: action %d (keys %v) has a button", l.Number, ka.act, ka.keys)
			}
		}
	}
	keys := map[ebiten.Key]lesson.Action{}
	for _, ka := range keyActions {
		require.NotEmpty(t, ka.keys)
		for _, k := range ka.keys {
			prev, dup := keys[k]
			assert.False(t, dup, "key %v is bound to %d and %d", k, prev, ka.act)
			keys[k] = ka.act
		}
	}
	for n := 1; n <= len(cat.Lessons); n++ {
		assert.Equal(t, lesson.ActOpen+lesson.Action(n), keys[ebiten.KeyDigit0+ebiten.Key(n)], "digit %d opens lesson %d", n, n)
	}
}

func TestLayoutHostsFitsEveryLesson(t *testing.T) {
	for _, l := range catalogue(t).Lessons {
		for _, clients := range []int{1, 6} {
			g := newGame(t, l.Number, func(s *lesson.Settings) { s.Sandbox.Clients = clients })
			boxes := layoutHosts(g.vm.Hosts)
			require.Len(t, boxes, len(g.vm.Hosts))
			for i, b := range boxes {
				assert.True(t, inside(b, areaNet), "lesson %d: %s", l.Number, g.vm.Hosts[i].Name)
				for _, o := range boxes[i+1:] {
					assert.False(t, overlaps(b, o), "lesson %d: boxes overlap", l.Number)
				}
				if g.vm.Hosts[i].Server {
					assert.Greater(t, b.x, areaNet.x+areaNet.w/2, "servers on the right")
				}
			}
		}
	}
}

func TestPortAt(t *testing.T) {
	for _, p := range []int{0, 1, 80, 255, 256, 1023, 32768, 49152, 65535} {
		x := areaMap.x + (float64(p%256)+0.5)*areaMap.w/256
		y := cellY(p) + areaMap.h/512
		got, ok := portAt(x, y)
		require.True(t, ok, "port %d", p)
		assert.Equal(t, engine.Port(p), got)
	}
	for _, pt := range [][2]float64{{areaMap.x - 1, areaMap.y}, {areaMap.x, areaMap.y - 1}, {areaMap.x + areaMap.w, areaMap.y}, {0, 0}} {
		_, ok := portAt(pt[0], pt[1])
		assert.False(t, ok, "(%g, %g) is off the map", pt[0], pt[1])
	}
}

// Every port state has its own colour, and free ports show their IANA
// class; states also carry their names (legend, inspector).
func TestPortColours(t *testing.T) {
	seen := map[color.RGBA]string{}
	for s := engine.PortListening; s <= engine.PortReserved; s++ {
		c := portColour(s, 50000)
		assert.Empty(t, seen[c], "%s shares its colour", s)
		seen[c] = s.String()
	}
	for _, p := range []engine.Port{80, 5000, 50000} {
		c := portColour(engine.PortFree, p)
		assert.Empty(t, seen[c], "free %d shares its colour", p)
		seen[c] = fmt.Sprint(p)
	}
}

func TestNiceMax(t *testing.T) {
	for _, tc := range []struct{ in, want int }{{1, 1}, {2, 2}, {3, 5}, {6, 10}, {11, 20}, {499, 500}, {28232, 50000}} {
		assert.Equal(t, tc.want, niceMax(tc.in), "%d", tc.in)
	}
}
