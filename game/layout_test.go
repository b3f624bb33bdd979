package game

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/lesson"
	"github.com/portplay/portplay/lesson/phrase"
)

func overlaps(a, b rect) bool {
	return a.x < b.x+b.w && b.x < a.x+a.w && a.y < b.y+b.h && b.y < a.y+a.h
}

func inside(inner, outer rect) bool {
	const eps = 1e-6
	return inner.x >= outer.x-eps && inner.y >= outer.y-eps && inner.right() <= outer.right()+eps && inner.bottom() <= outer.bottom()+eps
}

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

// viewports are the supported screens (issue 11): landscape wide and
// small, portrait tablets and a phone, and HiDPI ones; and the usual
// sizes of an <iframe> embedding the app (?embed=1): 16:9 frames in LMS
// pages and slides, and YouTube's default embed size.
var viewports = []struct {
	name string
	s    screenSize
}{
	{"1280x720", screenSize{1280, 720, 1}},
	{"1920x1080", screenSize{1920, 1080, 1}},
	{"1366x768", screenSize{1366, 768, 1}},
	{"1024x768", screenSize{1024, 768, 1}},
	{"768x1024", screenSize{768, 1024, 1}},
	{"820x1180", screenSize{820, 1180, 1}},
	{"390x844", screenSize{390, 844, 1}},
	{"1280x720@2", screenSize{1280, 720, 2}},
	{"390x844@3", screenSize{390, 844, 3}},
	{"960x540", screenSize{960, 540, 1}},
	{"800x450", screenSize{800, 450, 1}},
	{"640x360", screenSize{640, 360, 1}},
	{"640x360@2", screenSize{640, 360, 2}},
}

func TestLayoutZoomAndBackingStore(t *testing.T) {
	fc, err := newFaces()
	require.NoError(t, err)
	vm := newGame(t, 1, nil).vm
	for _, tc := range []struct {
		s                   screenSize
		w, h, zoom, scale   float64
		devW, devH          int
		portrait, phone, ok bool
	}{
		{screenSize{1280, 720, 1}, 1280, 720, 1, 1, 1280, 720, false, false, true},
		{screenSize{1920, 1080, 1}, 1280, 720, 1.5, 1.5, 1920, 1080, false, false, true},
		{screenSize{1280, 720, 2}, 1280, 720, 1, 2, 2560, 1440, false, false, true},
		{screenSize{1024, 768, 1}, 1024, 768, 1, 1, 1024, 768, false, false, true},
		{screenSize{1600, 720, 1}, 1600, 720, 1, 1, 1600, 720, false, false, true},
		{screenSize{768, 1024, 2}, 768, 1024, 1, 2, 1536, 2048, true, false, true},
		{screenSize{390, 844, 3}, 390, 844, 1, 3, 1170, 2532, true, true, true},
		// Iframes: a unit a CSS pixel down to 640×360.
		{screenSize{960, 540, 1}, 960, 540, 1, 1, 960, 540, false, false, true},
		{screenSize{800, 450, 2}, 800, 450, 1, 2, 1600, 900, false, false, true},
		// Below the supported sizes the least canvas is zoomed down.
		{screenSize{640, 360, 1}, 640, 360, 1, 1, 640, 360, false, false, true},
		// Below the supported sizes the least canvas is zoomed down
		// (YouTube's default embed, 560×315, among them).
		{screenSize{560, 315, 1}, 640, 360, 0.875, 0.875, 560, 315, false, false, false},
		{screenSize{480, 320, 1}, 640, 1280.0 / 3, 0.75, 0.75, 480, 320, false, false, false},
		// A screen Ebiten has not measured yet is taken as the design's.
		{screenSize{0, 0, 0}, 1280, 720, 1, 1, 0, 0, false, false, true},
	} {
		name := fmt.Sprintf("%gx%g@%g", tc.s.w, tc.s.h, tc.s.dpr)
		l := layoutFor(fc, tc.s, &vm, false)
		assert.InDelta(t, tc.w, l.W, 1e-9, name)
		assert.InDelta(t, tc.h, l.H, 1e-9, name)
		assert.InDelta(t, tc.zoom, l.Zoom, 1e-9, name)
		assert.InDelta(t, tc.scale, l.Scale, 1e-9, name)
		assert.Equal(t, tc.portrait, l.Portrait, name)
		assert.Equal(t, tc.phone, l.Phone, name)
		w, h := tc.s.deviceSize()
		assert.Equal(t, [2]int{tc.devW, tc.devH}, [2]int{w, h}, "%s: the backing store has every device pixel", name)
		if tc.ok {
			assert.GreaterOrEqual(t, l.NarrSize*l.Zoom, 14.0, "%s: narration ≥ 14 CSS px", name)
			assert.GreaterOrEqual(t, sizeLabel*l.Zoom, 12.0, "%s: labels ≥ 12 CSS px", name)
		}
	}
}

// inLang sets a game's language (a phrasebook's code or the
// pseudo-language), as a link's lang= does.
func inLang(lang string) func(*lesson.Settings) {
	return func(s *lesson.Settings) { s.Lang, s.LangGiven = lang, true }
}

// moments are the views of lesson n in language lang whose layouts
// differ: the overview, in presenter mode too, playing with help shown,
// its first question asked and answered, and presenter mode.
func moments(t *testing.T, n int, lang string) []lesson.View {
	g := newGame(t, n, inLang(lang))
	out := []lesson.View{g.sess.View()}
	g.do(lesson.ActPresenter) // with its class session button, and no question
	out = append(out, g.sess.View())
	g.do(lesson.ActPresenter)
	g.do(lesson.ActPlay)
	g.do(lesson.ActHelp)
	out = append(out, g.sess.View())
	g.do(lesson.ActHelp)
	for range 8 {
		g.do(lesson.ActNextStep)
		if v := g.sess.View(); v.Narration.Question != nil {
			out = append(out, v)
			g.do(lesson.ActPresenter)
			out = append(out, g.sess.View())
			g.do(lesson.ActPresenter)
			g.do(lesson.ActAnswer(1))
			out = append(out, g.sess.View())
			break
		}
	}
	g.do(lesson.ActPresenter)
	return append(out, g.sess.View())
}

// steps are the views of every step of lesson n in language lang, for
// every OS it can switch to, each played to its pause: every text the
// narration shows.
func steps(t *testing.T, n int, lang string) []lesson.View {
	var out []lesson.View
	l, ok := catalogue(t).Lesson(n)
	require.True(t, ok)
	profiles := []engine.Profile{{}}
	if l.ProfileSwitch {
		profiles = append(profiles, engine.Profiles()...)
	}
	for _, prof := range profiles {
		g := newGame(t, n, func(s *lesson.Settings) { s.Profile = prof; inLang(lang)(s) })
		for i := 0; i <= len(l.Steps); i++ {
			out = append(out, g.sess.View())
			if g.sess.View().Narration.Question != nil {
				g.do(lesson.ActAnswer(0))
				out = append(out, g.sess.View())
			}
			g.sess.PlayToPause(nil)
			out = append(out, g.sess.View())
			g.do(lesson.ActNextStep)
		}
	}
	return out
}

// errnoNames are the engine's errors' names as the picture shows them.
var errnoNames = []string{"EADDRNOTAVAIL", "EADDRINUSE", "EACCES", "EAGAIN", "ECONNREFUSED", "ENOTCONN", "EINVAL", "WSAENOBUFS", "WSAEADDRINUSE", "WSAEADDRNOTAVAIL", "WSAEACCES", "WSAECONNREFUSED"}

// cutFailure says whether s, a text drawn in b's language, is a
// failure's report cut short before or inside its error's name ("failed:
// W…", "EADDRNO…", "connect to 10.0.0.10:80 fail…"). A narration's
// sentence cut short ("bind() fail…") is the narration's length, not a
// report's.
func cutFailure(b *phrase.Book, s string) bool {
	body, cut := strings.CutSuffix(s, "…")
	if !cut {
		return false
	}
	raw, _ := b.Raw("failure.short") // "failed: {err}"
	failed, _, _ := strings.Cut(strings.TrimLeft(raw, "["), "{err}")
	if strings.Contains(body, "failed:") || strings.Contains(body, strings.TrimSpace(failed)) {
		return true
	}
	word := body[strings.LastIndexAny(body, " :")+1:]
	before := strings.TrimRight(strings.TrimSuffix(body, word), " ")
	if len(word) >= 3 && strings.HasPrefix("failed", word) && before != "" && before[len(before)-1] >= '0' && before[len(before)-1] <= '9' {
		return true // a report of an address's failure: "…:80 fail…"
	}
	for _, n := range errnoNames {
		if len(word) >= 4 && strings.HasPrefix(n, word) {
			return true
		}
	}
	return false
}

// lastStep is lesson n at its last step in language lang, played to its
// pause.
func lastStep(t *testing.T, n int, lang string) *Game {
	g := newGame(t, n, inLang(lang))
	for {
		if g.sess.View().Narration.Question != nil {
			g.do(lesson.ActAnswer(0))
		}
		g.sess.PlayToPause(nil)
		if nv := g.sess.View().Narration; nv.Step == nv.Steps-1 {
			return g
		}
		g.do(lesson.ActNextStep)
	}
}

// checkLayout holds the layout's promises for view vm: every panel on
// screen and apart from the others, every button big enough to tap and
// fitting its label, the narration's text fitting its lines, and every
// text drawn inside the screen, covering no other.
func checkLayout(t *testing.T, g *Game, name string, l *Layout, vm *lesson.View, screen *ebiten.Image) {
	fc := g.faces
	book := phrases(vm.Lang)
	t.Helper()
	canvas := rect{0, 0, l.W, l.H}
	// The type floors, in CSS pixels: every text drawn is checked below.
	assert.GreaterOrEqual(t, l.Zoom, 1.0, "%s: a unit is at least a CSS pixel", name)
	assert.GreaterOrEqual(t, l.NarrSize*l.Zoom, sizeNarrationSmall, "%s: the narration's size", name)
	panels := map[string]rect{"title": l.Title, "menu": l.Menu, "net": l.Net, "timeline": l.Timeline, "narration": l.Narration, "controls": l.Controls}
	if l.MapShown {
		panels["map"], panels["legend"], panels["inspect"] = l.Map, l.Legend, l.Inspect
		assert.Equal(t, l.Map.w, l.Map.h, "%s: the port map is square", name)
		assert.GreaterOrEqual(t, l.Map.w, 128.0, name)
	} else {
		assert.True(t, l.Phone || l.Small, "%s: only a phone or a small landscape screen leaves the port map out", name)
	}
	if !l.ChartShown {
		assert.True(t, l.Phone || l.Small, "%s: only a phone or a small landscape screen leaves the chart out", name)
	}
	if l.ChartShown {
		panels["chart"] = l.Chart
	}
	if l.EventsShown {
		panels["events"] = l.Events
	}
	if l.Strip.h > 0 && !inside(l.Strip, l.Net) {
		assert.True(t, l.Phone, "%s: only a phone puts the range's strip outside the network", name)
		panels["strip"] = l.Strip
	}
	if vm.EventList.Open {
		assert.GreaterOrEqual(t, l.Events.h, eventHead(l.Events)+eventRowH+saveH(&vm.EventList, l.Events), "%s: the event list holds a row", name)
		if l.Portrait {
			rows := (l.Events.h - eventHead(l.Events) - saveH(&vm.EventList, l.Events)) / eventRowH
			assert.InDelta(t, math.Round(rows), rows, 1e-9, "%s: the event list is whole rows high, the rest the network's", name)
		}
	}
	for p, a := range panels {
		assert.True(t, inside(a, canvas), "%s: %s at %+v is off the screen", name, p, a)
		assert.True(t, a.w > 0 && a.h > 0, "%s: %s is empty", name, p)
		for q, b := range panels {
			if p < q {
				assert.False(t, overlaps(a, b), "%s: %s and %s overlap", name, p, q)
			}
		}
	}
	netMin := 150.0
	switch {
	case l.EventsShown && l.Phone && vm.EventList.Open:
		netMin = 60 // the list's rows asked for, on a phone: a row of small boxes
	case l.EventsShown && (l.Portrait || l.Beside):
		netMin = 60 // the event list asked for, on a small screen
	}
	assert.GreaterOrEqual(t, l.Net.h, netMin, "%s: the network has room", name)
	if l.Beside {
		assert.InDelta(t, l.Narration.x-16-l.Timeline.x, l.Timeline.w, 1e-9, "%s: the timeline runs up to the narration", name)
	} else if l.EventsShown && !l.Portrait {
		assert.InDelta(t, l.Events.x-16-l.Timeline.x, l.Timeline.w, 1e-9, "%s: the timeline runs up to the event list", name)
	} else {
		assert.InDelta(t, l.W-2*l.Timeline.x, l.Timeline.w, 1e-9, "%s: the timeline is full width", name)
	}
	assert.Equal(t, 28.0, l.Timeline.h, name)

	for i, b := range l.Buttons {
		assert.True(t, inside(b.r, canvas), "%s: %s at %+v", name, b.label, b.r)
		assert.GreaterOrEqual(t, b.r.w*l.Zoom, touchLeast, "%s: %s is wide enough to tap", name, b.label)
		assert.GreaterOrEqual(t, b.r.h*l.Zoom, touchLeast, "%s: %s is tall enough to tap", name, b.label)
		assert.NotEmpty(t, b.label)
		assert.LessOrEqual(t, measure(fc, b.caption(), Bold, b.textSize()), b.r.w-8, "%s: %q fits its button", name, b.text)
		in := 0
		for p, a := range panels {
			if inside(b.r, a) {
				in++
			} else {
				assert.False(t, overlaps(b.r, a), "%s: %s covers the %s panel", name, b.label, p)
			}
		}
		assert.Equal(t, 1, in, "%s: %s is in one panel", name, b.label)
		for _, o := range l.Buttons[i+1:] {
			assert.False(t, overlaps(b.r, o.r), "%s: %s and %s overlap", name, b.label, o.label)
		}
		for k, kr := range l.Knobs {
			assert.False(t, overlaps(b.r, kr), "%s: %s covers knob %d", name, b.label, k)
		}
		assert.False(t, overlaps(b.r, l.NarrText), "%s: %s covers the narration", name, b.label)
		x, y := centre(b.r)
		assert.Equal(t, b.act, hit(l.Buttons, x, y), "%s: %s's centre", name, b.label)
	}
	require.Len(t, l.Knobs, len(vm.Knobs))
	for i, k := range l.Knobs {
		assert.True(t, inside(k, l.Narration), "%s: knob %d", name, i)
		assert.GreaterOrEqual(t, k.h, touchLeast, name)
		assert.False(t, overlaps(k, l.NarrText), "%s: knob %d covers the narration", name, i)
		// Its value drawn whole inside it, and in English its name too
		// (a longer language's may be cut short: the text view names
		// the knob whole).
		kv := newView(screen, fc, l.Scale, book)
		var drawnKnob []string
		kv.record = func(s string, r rect) {
			drawnKnob = append(drawnKnob, s)
			assert.True(t, inside(r, k), "%s: knob %d's %q is inside it", name, i, s)
		}
		drawKnob(kv, k, vm.Knobs[i])
		assert.True(t, slices.ContainsFunc(drawnKnob, func(s string) bool { return strings.Contains(s, vm.Knobs[i].Value) }),
			"%s: knob %d's value %q is whole: %q", name, i, vm.Knobs[i].Value, drawnKnob)
		if vm.Lang == "en" {
			assert.Contains(t, drawnKnob, vm.Knobs[i].Name, "%s: knob %d's name is whole", name, i)
		}
		for _, o := range l.Knobs[i+1:] {
			assert.False(t, overlaps(k, o), "%s: knobs overlap", name)
		}
	}
	if l.Strip.h > 0 {
		assert.True(t, vm.PortMap.Strip, name)
		assert.True(t, l.Phone || inside(l.Strip, l.Net), "%s: the range's strip is in the network's area", name)
		for i, b := range l.Hosts {
			assert.False(t, overlaps(b, l.Strip), "%s: %s's box covers the range's strip", name, vm.Hosts[i].Name)
		}
	} else if vm.PortMap.Strip {
		assert.True(t, l.Phone || l.Small || l.EventsShown, "%s: only a phone, a small landscape screen or the event list leaves out the range's strip", name)
	}
	require.Len(t, l.Hosts, len(vm.Hosts))
	col := min(hostMaxW, (l.Net.w-16-linksMinW)/2)
	for i, b := range l.Hosts {
		assert.True(t, inside(b, l.Net), "%s: %s's box", name, vm.Hosts[i].Name)
		if hd := headerOf(b); l.across() && hd.narrow && !hd.tiny && b.w == col {
			// A box a column wide, in landscape where the port map gives
			// the network room (not a small frame's column beside the
			// narration, as not a phone's): its name, its whole address
			// and its counts readable.
			h := vm.Hosts[i]
			assert.LessOrEqual(t, measure(fc, h.AddrText, Mono, 14), b.w-24, "%s: %s's address fits its box", name, h.Name)
			assert.LessOrEqual(t, measure(fc, h.Name, Bold, 17), b.w-24, "%s: %s's name fits its box", name, h.Name)
			assert.LessOrEqual(t, measure(fc, book.T("hostbox.more", "n", 99999), Regular, 12), b.w-30, "%s: %s's counts fit its box", name, h.Name)
		}
		for _, o := range l.Hosts[i+1:] {
			assert.False(t, overlaps(b, o), "%s: host boxes overlap", name)
		}
		if vm.Hosts[i].Server {
			assert.Greater(t, b.x, l.Net.x+l.Net.w/2, "%s: servers on the right", name)
		}
	}
	if vm.Lesson > 0 {
		assert.True(t, inside(l.NarrText, l.Narration), "%s: the narration's text box", name)
		assert.GreaterOrEqual(t, l.NarrLines, 1, name)
		if n := vm.Narration; n.Question == nil || n.Question.Verdict == lesson.Unjudged {
			lines := wrapText(fc, n.Text, Regular, l.textSize(vm), l.NarrText.w)
			if l.lineCap > 0 {
				// A text longer than the column holds (the sandbox's
				// beside its knobs), in a small frame beside the
				// network, or than a phone holds with the network (a
				// longer language's), and only there.
				assert.True(t, l.Beside || l.Phone, "%s: only a small frame's column or a phone cuts the text", name)
				lines = lines[:min(len(lines), l.NarrLines)]
			}
			assert.LessOrEqual(t, len(lines), l.NarrLines, "%s: step %d's text fits: %q", name, n.Step, lines)
			assert.LessOrEqual(t, float64(len(lines))*l.textSize(vm)*lineHeight, l.NarrText.h+1, "%s: and its lines the box", name)
		}
	}

	// Every text drawn, chrome and moving parts: on the screen, apart.
	type drawn struct {
		s string
		r rect
	}
	var texts []drawn
	v := newView(screen, fc, l.Scale, book)
	// The network's moving parts (packets and their labels) and the event
	// list stay inside their areas.
	within := func(area string, a rect, draw func(v *view)) {
		var in []drawn
		v.record = func(s string, r rect) { in = append(in, drawn{s, r}) }
		draw(v)
		for _, d := range in {
			if !inside(d.r, a) {
				t.Errorf("%s: %q at %+v is outside the %s at %+v", name, d.s, d.r, area, a)
			}
		}
	}
	within("network", l.Net, func(v *view) { drawNetwork(v, vm, l.Hosts, l.Net) })
	if l.EventsShown && !vm.EventList.Open {
		// The presenter's notes (N) in the event list's place.
		within("notes", l.Events, func(v *view) { drawNotes(v, notesOf(vm), vm.Hints.Notes, l.Events) })
	}
	// A server's box shows its listeners before the count of the rest
	// wherever it has room for a row under its header.
	for i, h := range vm.Hosts {
		b, hd := l.Hosts[i], headerOf(l.Hosts[i])
		if h.Keep == 0 || hd.tiny || h.Failure != nil {
			continue
		}
		listens := 0
		v.record = func(s string, _ rect) {
			// A UDP server's bound socket is labelled UDP (no listen());
			// the lessons' servers have no other UDP rows.
			if s == "LISTEN" || s == "UDP" {
				listens++
			}
		}
		drawHostBox(v, h, b)
		var keep []hostRow
		for _, rw := range h.Rows[:h.Keep] {
			keep = append(keep, layRow(v, h, rw, b, hd))
		}
		top := hd.rows
		if h.HalfDuplex && hd.narrow && badgeW(v) <= b.w-16 {
			top += 22 // the LISTENING badge's line
		}
		want := rowsWithin(keep, b.bottom()-4-top)
		if want < len(keep) && h.Total == want+1 && !keep[want].two && top+rowsHeight(keep[:want])+compactRowH <= b.bottom()-4 {
			want++ // the one row left over, in the counts' line's place
		}
		assert.Equal(t, want, listens, "%s: %s's box shows its listeners", name, h.Name)
	}
	if el := &vm.EventList; el.Open {
		within("event list", l.Events, func(v *view) { drawEvents(v, el, l.Events) })
		if el.Dropped > 0 {
			// The count of events dropped is shown whole.
			whole := false
			v.record = func(s string, _ rect) { whole = whole || strings.Contains(s, book.T("events.before", "n", el.Dropped)) }
			drawEvents(v, el, l.Events)
			assert.True(t, whole, "%s: the count of events before is shown whole", name)
		}
		// Its buttons fit their labels, apart, and a row fits above them.
		bs := append(eventButtons(fc, book, el, l.Events), saveButtons(el, l.Events)...)
		require.Len(t, bs, 2+len(el.Saves))
		for i, b := range bs {
			assert.True(t, inside(b.r, l.Events), "%s: %s is in the event list", name, b.label)
			assert.LessOrEqual(t, measure(fc, b.caption(), Bold, b.textSize()), b.r.w-8, "%s: %q fits its button", name, b.label)
			assert.GreaterOrEqual(t, b.r.h*l.Zoom, touchLeast, "%s: %s is tall enough to tap", name, b.label)
			for _, o := range bs[i+1:] {
				assert.False(t, overlaps(b.r, o.r), "%s: %s and %s overlap", name, b.label, o.label)
			}
		}
		assert.LessOrEqual(t, eventRowRect(l.Events, 0).bottom(), l.Events.bottom()-saveH(el, l.Events), "%s: a row fits", name)
		// The current event (or the cursor's) is among the rows drawn,
		// however few the panel holds.
		for _, row := range el.Rows {
			if !row.Current && !row.Selected {
				continue
			}
			at, shown := lesson.FmtDurIn(v.book, row.At), false
			v.record = func(s string, r rect) { shown = shown || s == at && r.y >= l.Events.y+eventHead(l.Events) }
			drawEvents(v, el, l.Events)
			assert.True(t, shown, "%s: the event at %s (current %v) is in view", name, at, row.Current)
		}
	}
	if l.ChartShown && vm.Chart.Compare == nil {
		// The chart's labels go around its plot, not over the series.
		plot := chartPlot(l.Chart)
		v.record = func(s string, r rect) {
			if overlaps(r, plot) {
				t.Errorf("%s: the chart's %q at %+v is over its plot %+v", name, s, r, plot)
			}
		}
		drawPortsChart(v, vm.Chart, l.Chart)
	}
	if cs := vm.PortMap.Callouts; l.MapShown && len(cs) > 0 {
		// The ports in use, few, are named on the map: one at least, and
		// each name on the map.
		named := 0
		v.record = func(s string, r rect) {
			named++
			assert.True(t, inside(r, l.Map), "%s: the callout %q is on the map", name, s)
		}
		drawCallouts(v, cs, l)
		assert.Positive(t, named, "%s: the ports in use are named on the map", name)
	}
	if in := vm.Inspect; in.OK && len(in.Sockets) > 0 && l.ChartShown {
		// The inspected port's sockets, whole, as many as the chart's
		// place holds, and how many more.
		var socks []string
		var drawnTexts []string
		v.record = func(s string, _ rect) {
			if slices.ContainsFunc(in.Sockets, func(o string) bool { return socketRow(v, in, slices.Index(in.Sockets, o), l.Chart.w-16)[0] == s }) {
				socks = append(socks, s)
			}
			drawnTexts = append(drawnTexts, s)
		}
		drawSockets(v, in, l.Chart)
		all := len(in.Sockets) + in.More
		assert.GreaterOrEqual(t, len(socks), min(all, 2), "%s: the sockets on port %d are listed whole: %q", name, in.Port, socks)
		if len(socks) < all {
			assert.Contains(t, drawnTexts, book.T("inspector.more", "n", all-len(socks)), "%s: and how many more, whole", name)
		}
	}
	v.record = func(s string, r rect) { texts = append(texts, drawn{s, r}) }
	// Presenting in the browser, the QR code takes its slot: no text in it.
	qr := (&qrCode{}).shown("http://school.example/portplay/", vm.Link, l)
	note := ""
	if qr {
		// On make serve's loopback address the code comes with a note
		// no student's device can open it, in the narration's place.
		note = loopbackNote(book, "http://127.0.0.1:8080/")
	}
	drawChrome(v, vm, l, qr, note)
	if qr {
		texts = append(texts, drawn{"the QR code", qrSlot(l.Legend)})
		if vm.Narration.Question == nil {
			full := book.T("presenter.qr-note", "note", note)
			assert.True(t, slices.ContainsFunc(texts, func(d drawn) bool {
				return strings.Contains(d.s, "127.0.0.1:8080") && strings.HasPrefix(full, strings.TrimSuffix(d.s, " …"))
			}), "%s: the loopback note is drawn with the code", name)
		}
	}
	if vm.Lesson > 0 {
		g.drawLive(v, vm, l)
	}
	// Plain ifs: the pairs are many, and assert's arguments cost even
	// when it passes.
	for i, a := range texts {
		if a.r.h*l.Zoom < sizeLabel {
			t.Errorf("%s: %q is %g CSS px, under the labels' %g", name, a.s, a.r.h*l.Zoom, sizeLabel)
		}
		if !inside(a.r, canvas) {
			t.Errorf("%s: %q at %+v is off the screen", name, a.s, a.r)
		}
		// (A frame under 960 wide keeps the lesson menu's row beside
		// the title: a long title is cut there.)
		if head, cut := strings.CutSuffix(a.s, "…"); cut && vm.Title != "" && strings.HasPrefix(vm.Title, head) && (l.Portrait || l.W >= 960) {
			t.Errorf("%s: the title is cut short: %q", name, a.s)
		}
		if cutFailure(book, a.s) {
			t.Errorf("%s: %q cuts an error's name short", name, a.s)
		}
		for _, b := range texts[i+1:] {
			if overlaps(a.r, b.r) {
				t.Errorf("%s: %q and %q overlap", name, a.s, b.s)
			}
		}
	}
}

// layoutLangs are the languages the layout is checked in: every one
// Portplay speaks, and the pseudo-language, longer than any.
func layoutLangs() []string { return append(lesson.LanguageCodes(), phrase.PseudoLang) }

func TestLayoutEveryViewport(t *testing.T) {
	for _, lang := range layoutLangs() {
		t.Run(lang, func(t *testing.T) { layoutEveryViewport(t, lang) })
	}
}

// layoutEveryViewport checks every lesson's views in lang on every
// viewport.
func layoutEveryViewport(t *testing.T, lang string) {
	fc, err := newFaces()
	require.NoError(t, err)
	screen := ebiten.NewImage(1, 1)
	g := &Game{faces: fc, pm: newPortMap()} // what drawLive needs
	for _, l := range catalogue(t).Lessons {
		views := append(moments(t, l.Number, lang), steps(t, l.Number, lang)...)
		e := newGame(t, l.Number, inLang(lang))
		e.do(lesson.ActEvents)
		require.True(t, e.sess.View().EventList.Open)
		views = append(views, e.sess.View()) // the event list's place, as E opens it
		// The last step played: the lesson's fullest picture, with the
		// event list open at its latest events.
		last := lastStep(t, l.Number, lang)
		views = append(views, last.sess.View())
		last.do(lesson.ActEvents)
		views = append(views, last.sess.View())
		// A port in use inspected (I): on a server its listener and
		// every connection accepted on it.
		last.do(lesson.ActEvents)
		last.do(lesson.ActInspect)
		views = append(views, last.sess.View())
		for i, h := range last.sess.View().Hosts {
			if h.Server {
				last.sess.FocusHost(i)
				last.sess.Pin(80)
				views = append(views, last.sess.View())
				break
			}
		}
		if l.Sandbox {
			// Played on, packets in flight, and the list's header as long
			// as a long run makes it.
			p := newGame(t, l.Number, inLang(lang))
			p.do(lesson.ActPlay)
			for range 100 {
				p.sess.Tick(100 * time.Millisecond)
			}
			p.do(lesson.ActEvents)
			v := p.sess.View()
			require.NotEmpty(t, v.Packets)
			require.True(t, v.PacketsLabelled)
			v.EventList.Total, v.EventList.Dropped = 2048, 187502
			views = append(views, v)
			for _, clients := range []int{1, 6} {
				g := newGame(t, l.Number, func(s *lesson.Settings) { s.Sandbox.Clients = clients; inLang(lang)(s) })
				views = append(views, g.sess.View())
			}
		}
		for _, vp := range viewports {
			for i := range views {
				vm := &views[i]
				for _, events := range []bool{false, true} {
					name := fmt.Sprintf("%s %s lesson %d view %d events %v", lang, vp.name, l.Number, i, events)
					checkLayout(t, g, name, layoutFor(fc, vp.s, vm, events), vm, screen)
				}
			}
		}
	}
}

// Every action a key does also has a button, and no key does two things
// in one scope.
func TestEveryKeyActionHasAButton(t *testing.T) {
	// Knobs are clicked, ports on the map clicked or tapped; the event
	// list's and the timeline's keys are theirs, the class panel's its
	// buttons' (TestClassPanelButtonsNameTheirKeys), the log's and the text
	// view's the page's (L: natively a panel, T: the page's toggle).
	noButton := map[lesson.Action]bool{lesson.ActEscape: true, lesson.ActKnobNext: true, lesson.ActKnobUp: true, lesson.ActKnobDown: true,
		lesson.ActInspect: true, lesson.ActTimeStart: true, lesson.ActTimeEnd: true, // Home and End: the timeline is their control
		lesson.ActClass: true, // presenter mode's (TestClassSessionButton)
		lesson.ActNotes: true, lesson.ActLog: true, lesson.ActTextView: true}
	cat := catalogue(t)
	fc, err := newFaces()
	require.NoError(t, err)
	for _, l := range cat.Lessons {
		acts := map[lesson.Action]bool{}
		choices := 0
		for _, vm := range moments(t, l.Number, "en") {
			for _, b := range layoutFor(fc, screenSize{390, 844, 1}, &vm, false).Buttons {
				acts[b.act] = true
			}
			if q := vm.Narration.Question; q != nil {
				choices = len(q.Choices)
			}
		}
		for _, k := range lesson.Keymap {
			a := k.Action
			switch {
			case k.Scope != lesson.Anywhere:
			case a.Kind == lesson.KindOpen && a.Arg > len(cat.Lessons):
				assert.False(t, acts[a], "no button for a digit with no lesson")
			case noButton[a]:
			case a == lesson.ActProfile:
				assert.Equal(t, l.ProfileSwitch, acts[a], "lesson %d: a Profile button only where P works", l.Number)
			case a == lesson.ActYourPC: // a spare button, which a phone's bar leaves out (TestYourPCButton)
			case a.Kind == lesson.KindAnswer:
				assert.Equal(t, a.Arg < choices, acts[a], "lesson %d: answer %d", l.Number, a.Arg)
			default:
				assert.True(t, acts[a], "lesson %d: action %v (keys %v) has a button", l.Number, a, k.Keys)
			}
		}
	}
	type scoped struct {
		scope lesson.Scope
		key   ebiten.Key
	}
	keys := map[scoped]lesson.Action{}
	for _, k := range lesson.Keymap {
		require.NotEmpty(t, k.Keys)
		for _, name := range k.Keys {
			var key ebiten.Key
			require.NoError(t, key.UnmarshalText([]byte(name)), "the keymap names Ebiten's keys")
			prev, dup := keys[scoped{k.Scope, key}]
			assert.False(t, dup, "key %v is bound to %v and %v", key, prev, k.Action)
			keys[scoped{k.Scope, key}] = k.Action
			assert.Equal(t, keymap[k.Scope][key], k.Action, "the app watches %v", key)
		}
	}
	for n := 1; n <= len(cat.Lessons); n++ {
		assert.Equal(t, lesson.ActOpen(n), keys[scoped{lesson.Anywhere, ebiten.KeyDigit0 + ebiten.Key(n)}], "digit %d opens lesson %d", n, n)
	}
}

func TestPortAt(t *testing.T) {
	fc, err := newFaces()
	require.NoError(t, err)
	vm := newGame(t, 1, nil).vm
	shown := 0
	for _, vp := range viewports {
		l := layoutFor(fc, vp.s, &vm, false)
		if !l.MapShown {
			assert.True(t, l.Small || l.Phone, "%s: only a phone or a small frame leaves the map out", vp.name)
			// No map: no port anywhere.
			for _, pt := range [][2]float64{{0, 0}, {l.W / 2, l.H / 2}, {l.W - 1, 60}} {
				_, ok := l.portAt(pt[0], pt[1])
				assert.False(t, ok, "%s: no map, no port at (%g, %g)", vp.name, pt[0], pt[1])
			}
			continue
		}
		shown++
		m := l.Map
		for _, p := range []int{0, 1, 80, 255, 256, 1023, 32768, 49152, 65535} {
			x := m.x + (float64(p%256)+0.5)*m.w/256
			y := l.cellY(p) + m.h/512
			got, ok := l.portAt(x, y)
			require.True(t, ok, "%s: port %d", vp.name, p)
			assert.Equal(t, engine.Port(p), got, vp.name)
		}
		for _, pt := range [][2]float64{{m.x - 1, m.y}, {m.x, m.y - 1}, {m.right(), m.y}, {0, 0}} {
			_, ok := l.portAt(pt[0], pt[1])
			assert.False(t, ok, "%s: (%g, %g) is off the map", vp.name, pt[0], pt[1])
		}
	}
	assert.Positive(t, shown)
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

// Presenter mode wraps the question over as many lines as it needs, at
// one and a half times the size, and enlarges the answer buttons.
func TestPresenterModeEnlargesTheQuestion(t *testing.T) {
	fc, err := newFaces()
	require.NoError(t, err)
	g := newGame(t, 4, nil)
	for g.sess.View().Narration.Question == nil {
		g.do(lesson.ActNextStep)
	}
	plain := g.sess.View()
	g.do(lesson.ActPresenter)
	shown := g.sess.View()
	require.True(t, shown.Narration.Presenter)
	for _, vp := range viewports {
		lp, ls := layoutFor(fc, vp.s, &plain, false), layoutFor(fc, vp.s, &shown, false)
		if ls.Small {
			// A small frame is no projector's: the type stays (F, full
			// screen, enlarges it).
			assert.Equal(t, lp.textSize(&plain), ls.textSize(&shown), vp.name)
			for _, b := range ls.Buttons {
				assert.False(t, b.big, "%s: %s", vp.name, b.label)
			}
			continue
		}
		lines := wrapText(fc, shown.Narration.Text, Regular, ls.textSize(&shown), ls.NarrText.w)
		assert.Greater(t, len(lines), 1, "%s: the question is long enough to wrap", vp.name)
		assert.GreaterOrEqual(t, ls.NarrLines, len(lines), "%s: every line of it shown", vp.name)
		choices := func(l *Layout) (out []button) {
			for _, b := range l.Buttons {
				if b.act.Kind == lesson.KindAnswer {
					out = append(out, b)
				}
			}
			return out
		}
		big, small := choices(ls), choices(lp)
		require.Len(t, big, len(shown.Narration.Question.Choices), vp.name)
		for i, b := range big {
			assert.True(t, b.big, vp.name)
			assert.GreaterOrEqual(t, b.r.h, small[i].r.h, "%s: %s", vp.name, b.label)
			assert.GreaterOrEqual(t, b.r.h, 48.0, "%s: %s", vp.name, b.label)
		}
	}
}

// Packet labels, and everything else drawn in the network's area, stay
// inside it however short it is: a label with no room is left out.
func TestPacketsStayInTheNetwork(t *testing.T) {
	fc, err := newFaces()
	require.NoError(t, err)
	screen := ebiten.NewImage(1, 1)
	g := newGame(t, 6, nil)
	g.do(lesson.ActPlay)
	for range 100 {
		g.sess.Tick(100 * time.Millisecond)
	}
	vm := g.sess.View()
	require.NotEmpty(t, vm.Packets)
	for _, tc := range []struct {
		net    rect
		labels bool // room for some
	}{
		{rect{8, 90, 374, 25.5}, false}, // a phone's network squeezed by the event list before
		{rect{16, 58, 912, 30}, false},
		{rect{16, 58, 912, 394}, true}, // 1280×720 without the map's column
	} {
		labels := 0
		v := newView(screen, fc, 1, lesson.English())
		v.record = func(s string, r rect) {
			if strings.Contains(s, "→") {
				labels++
			}
			assert.True(t, inside(r, tc.net), "%+v: %q at %+v", tc.net, s, r)
		}
		drawNetwork(v, &vm, layoutHosts(vm.Hosts, tc.net), tc.net)
		assert.Equal(t, tc.labels, labels > 0, "%+v: %d labels", tc.net, labels)
	}
}

// On a phone lesson 5's range port by port and lesson 4's comparison take
// the port map's place, where a port is a dot and the comparison is the
// lesson's point.
func TestPhoneShowsTheStripAndTheComparison(t *testing.T) {
	fc, err := newFaces()
	require.NoError(t, err)
	for _, vp := range []screenSize{{390, 844, 1}, {390, 844, 3}} {
		five := lastStep(t, 5, "en").sess.View()
		l := layoutFor(fc, vp, &five, false)
		assert.Positive(t, l.Strip.h, "%v: lesson 5's strip", vp)
		assert.False(t, overlaps(l.Strip, l.Net), "%v: beside the network", vp)
		four := lastStep(t, 4, "en").sess.View()
		require.NotNil(t, four.Chart.Compare)
		l = layoutFor(fc, vp, &four, false)
		assert.True(t, l.ChartShown, "%v: lesson 4's comparison", vp)
		assert.GreaterOrEqual(t, l.Chart.h, float64(compareH), "%v", vp)
	}
}

// A landscape frame of a projector's size keeps the control bar to one
// row in presenter mode, which adds a button: its buttons drop their keys
// (the help names them) before the picture loses a row's height.
func TestPresenterControlBarIsOneRow(t *testing.T) {
	for _, sz := range []screenSize{{1280, 720, 1}, {1920, 1080, 1}} {
		g := newGame(t, 3, nil)
		g.do(lesson.ActPresenter)
		g.vm = g.sess.View()
		l := layoutFor(g.faces, sz, &g.vm, false)
		var bar []button
		for _, b := range l.Buttons {
			if slices.ContainsFunc(g.vm.Controls, func(c lesson.Control) bool { return c.Action == b.act }) {
				bar = append(bar, b)
			}
		}
		require.Len(t, bar, len(g.vm.Controls))
		for _, b := range bar {
			assert.Equal(t, bar[0].r.y, b.r.y, "%vx%v: %q on another row", sz.w, sz.h, b.caption())
		}
	}
}
