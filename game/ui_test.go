package game

import (
	"fmt"
	"image/color"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/sim"
)

func overlaps(a, b rect) bool {
	return a.x < b.x+b.w && b.x < a.x+a.w && a.y < b.y+b.h && b.y < a.y+a.h
}

func inside(inner, outer rect) bool {
	return inner.x >= outer.x && inner.y >= outer.y && inner.x+inner.w <= outer.x+outer.w && inner.y+inner.h <= outer.y+outer.h
}

func centre(r rect) (float64, float64) { return r.x + r.w/2, r.y + r.h/2 }

var canvas = rect{0, 0, DesignW, DesignH}

func TestRectHas(t *testing.T) {
	r := rect{10, 20, 30, 40}
	tests := []struct {
		x, y float64
		want bool
	}{
		{10, 20, true}, {39.999, 59.999, true}, {25, 40, true},
		{40, 40, false}, {25, 60, false}, {9.999, 40, false}, {25, 19.999, false},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, r.has(tc.x, tc.y), "(%g, %g)", tc.x, tc.y)
	}
}

func TestScreenAreasFitAndDoNotOverlap(t *testing.T) {
	areas := map[string]rect{"title": areaTitle, "net": areaNet, "map": areaMap, "legend": areaLegend,
		"inspect": areaInspect, "chart": areaChart, "narration": areaNarration, "controls": areaControls}
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

func TestButtonsFitAndDoNotOverlap(t *testing.T) {
	panels := map[string]rect{"net": areaNet, "map": areaMap, "chart": areaChart, "narration": areaNarration}
	for n := 1; n <= SceneCount; n++ {
		for _, playing := range []bool{false, true} {
			for _, help := range []bool{false, true} {
				live := scenes[n-1].profileLive
				bs := buttons(n, playing, help, live)
				name := fmt.Sprintf("scene %d playing=%v help=%v", n, playing, help)
				for i, b := range bs {
					assert.True(t, inside(b.r, canvas), "%s: %s at %+v", name, b.label, b.r)
					assert.Positive(t, b.r.w, b.label)
					assert.Positive(t, b.r.h, b.label)
					for p, a := range panels {
						assert.False(t, overlaps(b.r, a), "%s: %s covers the %s panel", name, b.label, p)
					}
					for _, o := range bs[i+1:] {
						assert.False(t, overlaps(b.r, o.r), "%s: %s and %s overlap", name, b.label, o.label)
					}
					assert.NotEmpty(t, b.label)
					assert.NotEmpty(t, b.key)
				}
				// Highlights: the current scene, Pause while playing, Help.
				for _, b := range bs {
					switch {
					case b.act > actScene:
						assert.Equal(t, b.act == actScene+action(n), b.on, "%s: %s", name, b.label)
					case b.act == actPlay:
						assert.Equal(t, playing, b.on, name)
						assert.Equal(t, map[bool]string{true: "Pause", false: "Play"}[playing], b.label)
					case b.act == actHelp:
						assert.Equal(t, help, b.on, name)
					default:
						assert.False(t, b.on, "%s: %s", name, b.label)
					}
				}
			}
		}
	}
}

// lessonStates are the lesson moments of scene n whose buttons differ: the
// overview, and (if the lesson asks any) its first question.
func lessonStates(t testing.TB, n int) []*Game {
	t.Helper()
	g := newGame(t, func(s *Settings) { s.Scene, s.SceneGiven = n, true })
	out := []*Game{g}
	for i, st := range lessonSteps(n) {
		if st.ask != nil {
			q := newGame(t, func(s *Settings) { s.Scene, s.SceneGiven = n, true })
			q.gotoStep(i)
			require.NotNil(t, q.question())
			out = append(out, q)
			break
		}
	}
	return out
}

func TestEveryKeyActionHasAButton(t *testing.T) {
	noButton := map[action]bool{actEscape: true, actKnobNext: true, actKnobUp: true, actKnobDown: true}
	for n := 1; n <= SceneCount; n++ {
		live := scenes[n-1].profileLive
		// The title and control bars.
		bar := map[action]int{}
		for _, b := range buttons(n, false, false, live) {
			bar[b.act]++
		}
		for s := 1; s <= SceneCount; s++ {
			assert.Equal(t, 1, bar[actScene+action(s)], "scene %d: a button for scene %d", n, s)
		}
		for _, a := range []action{actPlay, actStepForward, actStepBack, actFaster, actSlower, actRestart, actFullscreen, actHelp, actFocus} {
			assert.Equal(t, 1, bar[a], "scene %d: action %d has one button", n, a)
		}
		assert.Equal(t, map[bool]int{true: 1, false: 0}[live], bar[actProfile], "scene %d: a Profile button only where P works", n)
		assert.Zero(t, bar[actNone])

		// With the lesson's own buttons, at each kind of lesson moment.
		acts := map[action]bool{}
		questions := 0
		for _, g := range lessonStates(t, n) {
			if g.question() != nil {
				questions = len(g.ls.choices)
			}
			for _, b := range g.buttons() {
				acts[b.act] = true
			}
		}
		for _, ka := range keyActions {
			require.NotEmpty(t, ka.keys)
			switch {
			case noButton[ka.act]:
				assert.False(t, acts[ka.act], "scene %d: action %d", n, ka.act)
			case ka.act == actProfile && !live:
				assert.False(t, acts[actProfile], "scene %d: no Profile button where P does nothing", n)
			case ka.act >= actAnswer && ka.act < actAnswer+3:
				k := int(ka.act - actAnswer)
				assert.Equal(t, k < questions, acts[ka.act], "scene %d: an answer button %c while a question offers it", n, 'A'+k)
			default:
				assert.True(t, acts[ka.act], "scene %d: action %d (keys %v) has a button", n, ka.act, ka.keys)
			}
		}
	}
	// Every scene has its digit key, every other action a key (but Reset
	// progress, a button only), and no key does two things.
	keys := map[any]action{}
	for _, ka := range keyActions {
		for _, k := range ka.keys {
			prev, dup := keys[k]
			assert.False(t, dup, "key %v is bound to %d and %d", k, prev, ka.act)
			keys[k] = ka.act
		}
	}
	bound := map[action]bool{}
	for _, a := range keys {
		bound[a] = true
	}
	for s := 1; s <= SceneCount; s++ {
		assert.True(t, bound[actScene+action(s)], "scene %d has a key", s)
	}
	for a := actPlay; a <= actAnswer+2; a++ {
		assert.Equal(t, a != actResetProgress, bound[a], "action %d has a key", a)
	}
}

func TestLessonButtonsFit(t *testing.T) {
	for n := 1; n <= SceneCount; n++ {
		for _, g := range lessonStates(t, n) {
			bs := g.buttons()
			bar := len(buttons(n, g.playing, g.help, scenes[n-1].profileLive))
			for i, b := range bs {
				assert.True(t, inside(b.r, canvas), "scene %d: %s", n, b.label)
				for _, o := range bs[i+1:] {
					assert.False(t, overlaps(b.r, o.r), "scene %d: %s and %s overlap", n, b.label, o.label)
				}
				if i < bar {
					continue
				}
				assert.True(t, inside(b.r, areaNarration), "scene %d: lesson button %s in the narration panel", n, b.label)
				if n == SceneCount {
					for k := range knobs(g.set) {
						assert.False(t, overlaps(b.r, knobRect(k)), "scene %d: %s covers knob %d", n, b.label, k)
					}
				}
				x, y := centre(b.r)
				assert.Equal(t, b.act, hit(bs, x, y), "scene %d: %s", n, b.label)
			}
		}
	}
}

func TestHit(t *testing.T) {
	for n := 1; n <= SceneCount; n++ {
		bs := buttons(n, true, false, scenes[n-1].profileLive)
		for _, b := range bs {
			x, y := centre(b.r)
			assert.Equal(t, b.act, hit(bs, x, y), "scene %d: %s's centre", n, b.label)
			assert.Equal(t, b.act, hit(bs, b.r.x, b.r.y), "%s's top left corner", b.label)
			assert.Equal(t, actNone, hit(bs, x, b.r.y-1), "just above %s", b.label)
			assert.Equal(t, actNone, hit(bs, x, b.r.y+b.r.h), "just below %s", b.label)
		}
		for _, pt := range [][2]float64{{0, 0}, {-5, -5}, {DesignW, DesignH}, {DesignW / 2, DesignH / 2}} {
			assert.Equal(t, actNone, hit(bs, pt[0], pt[1]), "(%g, %g)", pt[0], pt[1])
		}
		for _, a := range []rect{areaNet, areaMap, areaChart, areaNarration} {
			x, y := centre(a)
			assert.Equal(t, actNone, hit(bs, x, y))
		}
	}
	assert.Equal(t, actNone, hit(nil, 10, 10))
}

func TestCycle(t *testing.T) {
	tests := []struct{ i, dir, n, want int }{
		{0, 1, 3, 1},
		{2, 1, 3, 0},
		{0, -1, 3, 2},
		{1, -1, 3, 0},
		{0, -7, 3, 2},
		{0, 7, 3, 1},
		{5, 13, 6, 0},
		{0, 0, 1, 0},
		{0, -1, 1, 0},
		{4, -4, 4, 0},
		{0, -9, 4, 3},
	}
	for _, tc := range tests {
		got := cycle(tc.i, tc.dir, tc.n)
		assert.Equal(t, tc.want, got, "cycle(%d, %d, %d)", tc.i, tc.dir, tc.n)
		assert.True(t, got >= 0 && got < tc.n)
	}
}

func TestFmtDur(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0.000 s"},
		{time.Millisecond, "0.001 s"},
		{1250 * time.Millisecond, "1.250 s"},
		{9999 * time.Millisecond, "9.999 s"},
		{10 * time.Second, "10.0 s"},
		{42 * time.Second, "42.0 s"},
		{42*time.Second + 350*time.Millisecond, "42.4 s"},
		{119*time.Second + 900*time.Millisecond, "119.9 s"},
		{2 * time.Minute, "2 min 0 s"},
		{2*time.Minute + 5*time.Second, "2 min 5 s"},
		{10 * time.Minute, "10 min 0 s"},
		{time.Hour + 59*time.Second + 999*time.Millisecond, "60 min 59 s"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, fmtDur(tc.d), "%v", tc.d)
	}
}

func TestKnobsCycleAndStayValid(t *testing.T) {
	def := DefaultSettings()
	ks := knobs(def)
	require.Len(t, ks, 7)
	for i, k := range ks {
		assert.NotEmpty(t, k.name)
		assert.NotEmpty(t, k.value, k.name)
		// Forward through every choice comes back to the start.
		fwd := knobChoices(t, def, i)
		n := len(fwd)
		s := def
		for j := range n {
			require.Equal(t, fwd[j], s, "%s forward %d", k.name, j)
			requireValidSettings(t, s, k.name)
			knobs(s)[i].step(&s.Sandbox, &s.Profile, 1)
		}
		assert.Equal(t, def, s, "%s: %d steps forward come back", k.name, n)
		// Backward visits the same choices in reverse.
		for j := range n {
			knobs(s)[i].step(&s.Sandbox, &s.Profile, -1)
			require.Equal(t, fwd[(n-1-j+n)%n], s, "%s backward %d", k.name, j)
		}
		// Only this knob's setting moves.
		for _, c := range fwd {
			other := c
			other.Sandbox, other.Profile = def.Sandbox, def.Profile
			assert.Equal(t, def, other, "%s changes nothing else", k.name)
		}
		// Each choice is shown as a different value.
		shown := map[string]bool{}
		for _, c := range fwd {
			shown[knobs(c)[i].value] = true
		}
		assert.Len(t, shown, n, "%s: every choice reads differently", k.name)
	}
	assert.Equal(t, "Profile", ks[0].name)
	profiles := knobChoices(t, def, 0)
	assert.Len(t, profiles, len(engine.Profiles())+1, "every profile, and the scenario's mix")
	strategies := map[string]bool{}
	for _, c := range knobChoices(t, def, 2) {
		strategies[c.Sandbox.Strategy] = true
	}
	for _, st := range engine.Strategies {
		assert.True(t, strategies[st.String()], "the strategy knob offers %s", st)
	}
	assert.Len(t, knobChoices(t, def, 4), 6, "1 to 6 clients")
	assert.Len(t, knobChoices(t, def, 6), len(sandboxServers), "1 to %d servers", len(sandboxServers))
}

// requireValidSettings checks s by the rules links are checked with: the
// same values given to ParseSettings come back unchanged and without a
// problem.
func requireValidSettings(t testing.TB, s Settings, knob string) {
	t.Helper()
	given := map[string]string{
		"scene":   strconv.Itoa(s.Scene),
		"speed":   strconv.FormatFloat(s.Speed, 'g', -1, 64),
		"seed":    strconv.FormatUint(s.Seed, 10),
		"clients": strconv.Itoa(s.Sandbox.Clients),
		"rate":    strconv.Itoa(s.Sandbox.Rate),
		"dests":   strconv.Itoa(s.Sandbox.Dests),
	}
	if s.Profile != "" {
		given["profile"] = s.Profile
		_, err := engine.ProfileByName(s.Profile)
		require.NoError(t, err, knob)
	}
	if s.Sandbox.Range != "" {
		given["range"] = s.Sandbox.Range
		_, err := engine.ParseRange(s.Sandbox.Range)
		require.NoError(t, err, knob)
	}
	if s.Sandbox.Strategy != "" {
		given["strategy"] = s.Sandbox.Strategy
		_, err := engine.StrategyByName(s.Sandbox.Strategy)
		require.NoError(t, err, knob)
	}
	if s.Sandbox.TimeWait != 0 {
		given["timewait"] = s.Sandbox.TimeWait.String()
	}
	got, problems := ParseSettings(func(n string) (string, bool) { v, ok := given[n]; return v, ok })
	require.Empty(t, problems, "%s: %+v", knob, s)
	s.SceneGiven = true
	require.Equal(t, s, got, knob)
}

func TestKnobRects(t *testing.T) {
	n := len(knobs(DefaultSettings()))
	for i := range n {
		r := knobRect(i)
		assert.True(t, inside(r, areaNarration), "knob %d at %+v", i, r)
		for j := i + 1; j < n; j++ {
			assert.False(t, overlaps(r, knobRect(j)), "knobs %d and %d", i, j)
		}
		for _, b := range buttons(SceneCount, true, false, true) {
			assert.False(t, overlaps(r, b.r), "knob %d and button %s", i, b.label)
		}
	}
}

func TestLayoutHosts(t *testing.T) {
	check := func(name string, hosts []hostState) {
		boxes := layoutHosts(hosts)
		require.Len(t, boxes, len(hosts))
		for i, b := range boxes {
			assert.True(t, inside(b, areaNet), "%s: %s at %+v", name, hosts[i].name, b)
			assert.Greater(t, b.h, hostHeader, "%s: %s's header fits", name, hosts[i].name)
			for j := i + 1; j < len(boxes); j++ {
				assert.False(t, overlaps(b, boxes[j]), "%s: %s and %s", name, hosts[i].name, hosts[j].name)
			}
			for k, o := range hosts {
				if !hosts[i].server && o.server {
					assert.Less(t, b.x+b.w, boxes[k].x, "%s: client %s left of server %s", name, hosts[i].name, o.name)
				}
			}
		}
	}
	for n := 1; n <= SceneCount; n++ {
		check(scenes[n-1].scenario, mustPlayer(t, builtin(t, n)).hosts)
	}
	for c := 1; c <= 6; c++ {
		for d := 1; d <= len(sandboxServers); d++ {
			s := DefaultSettings()
			s.Sandbox.Clients, s.Sandbox.Dests = c, d
			check(fmt.Sprintf("sandbox %d×%d", c, d), mustScene(t, SceneCount, s).play.hosts)
		}
	}
}

func TestPortAt(t *testing.T) {
	const e = 1e-6
	x0, y0, x1, y1 := areaMap.x, areaMap.y, areaMap.x+areaMap.w-e, areaMap.y+areaMap.h-e
	tests := []struct {
		name string
		x, y float64
		want engine.Port
	}{
		{"top left", x0, y0, 0},
		{"top right", x1, y0, 255},
		{"bottom left", x0, y1, 65280},
		{"bottom right", x1, y1, 65535},
		{"centre", x0 + areaMap.w/2, y0 + areaMap.h/2, 128*256 + 128},
		{"centre row, left", x0, y0 + areaMap.h/2, 128 * 256},
		{"one cell in", x0 + areaMap.w/256, y0 + areaMap.h/256, 257},
	}
	for _, tc := range tests {
		p, ok := portAt(tc.x, tc.y)
		assert.True(t, ok, tc.name)
		assert.Equal(t, tc.want, p, tc.name)
		// The row holding it starts at cellY, one cell high.
		assert.LessOrEqual(t, cellY(int(p)), tc.y+1e-9, tc.name)
		assert.Greater(t, cellY(int(p))+areaMap.h/256, tc.y, tc.name)
	}
	for _, pt := range [][2]float64{{x0 - 1, y0}, {x0, y0 - 1}, {areaMap.x + areaMap.w, y0}, {x0, areaMap.y + areaMap.h}, {0, 0}, {DesignW, DesignH}} {
		_, ok := portAt(pt[0], pt[1])
		assert.False(t, ok, "(%g, %g) is off the map", pt[0], pt[1])
	}
}

func TestCellY(t *testing.T) {
	assert.Equal(t, areaMap.y, cellY(0))
	assert.Equal(t, areaMap.y, cellY(255), "one row holds 256 ports")
	assert.InDelta(t, areaMap.y+areaMap.h/256, cellY(256), 1e-9)
	assert.InDelta(t, areaMap.y+areaMap.h*255/256, cellY(65535), 1e-9)
	for p := 1; p < 65536; p++ {
		require.GreaterOrEqual(t, cellY(p), cellY(p-1), "port %d", p)
	}
}

func TestPortColours(t *testing.T) {
	// A used port shows its state whatever its class; a free one its class.
	samples := []engine.Port{80, 8080, 50000}
	used := map[color.RGBA]engine.PortState{}
	for _, st := range []engine.PortState{engine.PortListening, engine.PortInUse, engine.PortTimeWait, engine.PortReserved} {
		c := portColour(st, samples[0])
		for _, p := range samples {
			assert.Equal(t, c, portColour(st, p), "%s does not depend on the class", st)
		}
		prev, dup := used[c]
		assert.False(t, dup, "%s and %s share a colour", st, prev)
		used[c] = st
	}
	free := map[color.RGBA]engine.Class{}
	for _, p := range []engine.Port{0, 1023, 1024, 49151, 49152, 65535} {
		c := portColour(engine.PortFree, p)
		if cl, ok := free[c]; ok {
			assert.Equal(t, cl, engine.ClassOf(p), "port %d", p)
		}
		free[c] = engine.ClassOf(p)
		_, clash := used[c]
		assert.False(t, clash, "a free port %d looks like a used one", p)
	}
	assert.Len(t, free, 3, "the three IANA classes have three shades")
	// The class bands start and end where RFC 6335 puts them.
	assert.NotEqual(t, portColour(engine.PortFree, 1023), portColour(engine.PortFree, 1024))
	assert.NotEqual(t, portColour(engine.PortFree, 49151), portColour(engine.PortFree, 49152))
}

func TestInspect(t *testing.T) {
	sc := builtin(t, 2)
	p := mustPlayer(t, sc)
	client := &p.hosts[p.hostIndex("client")]
	for len(client.conns) == 0 {
		require.False(t, p.finished(), "the client connects")
		p.stepForward()
	}
	// Go on until a server has the connection too.
	for {
		var served bool
		for _, h := range p.hosts {
			served = served || h.server && len(h.conns) > 0
		}
		if served {
			break
		}
		require.False(t, p.finished())
		p.stepForward()
	}
	ci := p.hostIndex("client")
	for _, c := range client.conns {
		port := engine.Port(c.tuple.Local.Port())
		st := p.sim.Hosts()[ci].PortState(engine.TCP, port)
		assert.Equal(t, engine.PortInUse, st, "a connection's local port is in use")
		s := inspect(port, st, client)
		assert.Contains(t, s, fmt.Sprintf("port %d ", port))
		assert.Contains(t, s, engine.ClassOf(port).String())
		assert.Contains(t, s, "client")
		assert.Contains(t, s, st.String())
		assert.Contains(t, s, fmt.Sprintf("%s → %s %s", c.tuple.Local, c.tuple.Remote, c.state))
		assert.True(t, client.profile.Ephemeral.Contains(port), "autobind picks from the range")
		assert.Contains(t, s, "ephemeral range")
	}
	// A server's port 80: its listener, and the connection accepted on it.
	for i := range p.hosts {
		h := &p.hosts[i]
		if !h.server {
			continue
		}
		st := p.sim.Hosts()[i].PortState(engine.TCP, 80)
		assert.Equal(t, engine.PortListening, st)
		s := inspect(80, st, h)
		assert.Contains(t, s, "port 80 (system)")
		assert.Contains(t, s, "LISTEN "+netip.AddrPortFrom(h.addr, 80).String())
		assert.NotContains(t, s, "ephemeral range")
		if n := len(h.conns); n > 0 {
			assert.Contains(t, s, fmt.Sprintf("(+%d more)", n), "%s: the listener and %d connections", h.name, n)
		} else {
			assert.NotContains(t, s, "more")
		}
	}
	// A port nobody uses.
	s := inspect(7, engine.PortFree, client)
	assert.Equal(t, "port 7 (system) on client: free", s)
}

func TestNiceMax(t *testing.T) {
	tests := []struct{ n, want int }{{0, 1}, {1, 1}, {2, 2}, {3, 5}, {5, 5}, {6, 10}, {10, 10}, {11, 20}, {21, 50}, {51, 100}, {28232, 50000}}
	for _, tc := range tests {
		got := niceMax(tc.n)
		assert.Equal(t, tc.want, got, "niceMax(%d)", tc.n)
		assert.GreaterOrEqual(t, got, tc.n)
	}
}

func TestFlagName(t *testing.T) {
	tests := []struct {
		flags sim.Flags
		n     int
		want  string
	}{
		{sim.SYN, 0, "SYN"},
		{sim.SYN | sim.ACK, 0, "SYN-ACK"},
		{sim.ACK, 0, "ACK"},
		{sim.PSH | sim.ACK, sim.RequestLen, "data"},
		{sim.FIN | sim.ACK, 0, "FIN"},
		{sim.RST | sim.ACK, 0, "RST"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, flagName(sim.Event{Kind: sim.Packet, Flags: tc.flags, Len: tc.n}), "%s", tc.flags)
	}
	// Every packet the simulation sends gets one of these names.
	evs := reference(t, builtin(t, 3), 10*time.Second)
	names := map[string]bool{}
	for _, e := range evs {
		if e.Kind == sim.Packet {
			names[flagName(e)] = true
		}
	}
	assert.Equal(t, map[string]bool{"SYN": true, "SYN-ACK": true, "ACK": true, "data": true, "FIN": true}, names,
		"lesson 3's packets (nothing is refused there)")
}

func TestHostRows(t *testing.T) {
	checked := map[string]bool{}
	for _, n := range []int{3, 4, SceneCount} {
		sc := builtin(t, n)
		p := mustPlayer(t, sc)
		for _, at := range []time.Duration{150 * time.Millisecond, 300 * time.Millisecond, 1200 * time.Millisecond, 5 * time.Second, 70 * time.Second} {
			if n == SceneCount && at > 5*time.Second {
				break // thousands of connections: enough at 5 s
			}
			p.seek(at)
			for i := range p.hosts {
				h := &p.hosts[i]
				_, total := hostRows(h, p.now, 0)
				full, all := hostRows(h, p.now, total)
				require.Equal(t, total, all)
				require.Equal(t, len(h.listens)+len(h.waiting)+len(h.conns), total, "%s at %s", h.name, p.now)
				require.Len(t, full, total)
				// Listeners, waiting connections (by number), connections at
				// work, then TIME_WAIT, each in the order they began.
				var want []row
				for _, l := range h.listens {
					want = append(want, row{"LISTEN", l.String()})
					checked["LISTEN"] = true
				}
				for _, id := range slices.Sorted(maps.Keys(h.waiting)) {
					want = append(want, row{"WAITING", fmt.Sprintf("#%d %s", id, h.waiting[id].State)})
					checked["WAITING"] = true
				}
				ids := slices.Sorted(maps.Keys(h.conns))
				for _, tw := range []bool{false, true} {
					for _, id := range ids {
						c := h.conns[id]
						if (c.state == "TIME_WAIT") != tw {
							continue
						}
						arrow := "→"
						if slices.Contains(h.listens, c.tuple.Local) {
							arrow = "←"
						}
						text := fmt.Sprintf(":%d %s %s", c.tuple.Local.Port(), arrow, c.tuple.Remote)
						if tw {
							left := c.since + h.profile.TimeWait - p.now
							require.Positive(t, left)
							text += " " + strconv.FormatFloat(left.Seconds(), 'f', 0, 64) + "s"
						}
						want = append(want, row{c.state, text})
						checked[c.state] = true
					}
				}
				require.Equal(t, want, full, "%s at %s", h.name, p.now)
				for _, limit := range []int{0, 1, 2, 3, 5, total - 1, total, total + 1} {
					if limit < 0 {
						continue
					}
					rows, tot := hostRows(h, p.now, limit)
					require.Equal(t, total, tot)
					require.Equal(t, emptyToNil(full[:min(limit, total)]), emptyToNil(rows), "%s at %s, %d rows", h.name, p.now, limit)
				}
			}
		}
	}
	for _, st := range []string{"LISTEN", "WAITING", "SYN_SENT", "ESTABLISHED", "TIME_WAIT"} {
		assert.True(t, checked[st], "a %s row was checked", st)
	}
}

func TestPortMapUpdateShowsTheEngine(t *testing.T) {
	sc := builtin(t, 3)
	p := mustPlayer(t, sc)
	p.advanceTo(10 * time.Second)
	m := newPortMap()
	seen := map[engine.PortState]bool{}
	check := func(e *engine.Host) {
		t.Helper()
		var want [65536]engine.PortState
		e.PortStates(engine.TCP, &want)
		wrong := 0
		for port := range 65536 {
			st := m.states[port]
			seen[st] = true
			c := portColour(want[port], engine.Port(port))
			if st != want[port] || st != e.PortState(engine.TCP, engine.Port(port)) ||
				[4]byte(m.pix[4*port:4*port+4]) != [4]byte{c.R, c.G, c.B, c.A} {
				wrong++
			}
		}
		assert.Zero(t, wrong, "%s at %s: ports shown otherwise than the engine has them", e.Name(), p.now)
	}
	for _, e := range p.sim.Hosts() {
		m.update(e, false)
		check(e)
	}
	// The same host later, repainting only what changed.
	laptop := p.sim.Hosts()[0]
	m.update(laptop, false)
	for _, at := range []time.Duration{12 * time.Second, 40 * time.Second, 75 * time.Second} {
		p.advanceTo(at)
		m.update(laptop, true)
		check(laptop)
	}
	for _, st := range []engine.PortState{engine.PortFree, engine.PortListening, engine.PortInUse, engine.PortTimeWait} {
		assert.True(t, seen[st], "lesson 3 at 10 s has a %s port", st)
	}
}
