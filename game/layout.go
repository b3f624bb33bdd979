package game

import (
	"math"

	"github.com/portplay/portplay/lesson"
)

// rect is an area of the canvas, in layout units.
type rect struct{ x, y, w, h float64 }

func (r rect) has(x, y float64) bool {
	return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h
}

// holds says whether o is all inside r.
func (r rect) holds(o rect) bool {
	return o.x >= r.x && o.y >= r.y && o.right() <= r.right() && o.bottom() <= r.bottom()
}

func (r rect) bottom() float64 { return r.y + r.h }
func (r rect) right() float64  { return r.x + r.w }

// The window's size when it opens natively, and the canvas that larger
// landscape screens are zoomed from, in CSS pixels.
const (
	DesignW = 1280
	DesignH = 720
)

// screenSize is the window or the page's canvas: its size in CSS pixels
// (device-independent) and the device pixels per CSS pixel.
type screenSize struct{ w, h, dpr float64 }

// deviceSize is the backing store for a screen: every device pixel, so
// that text stays crisp at devicePixelRatio 2.
func (s screenSize) deviceSize() (int, int) {
	return int(math.Round(s.w * s.dpr)), int(math.Round(s.h * s.dpr))
}

// Type sizes in layout units. A unit is at least one CSS pixel (Layout.Zoom
// ≥ 1 on every supported screen), so these are the least CSS sizes too.
const (
	sizeNarration      = 17.0 // the lesson's text on wide screens
	sizeNarrationSmall = 15.0 // on a phone
	sizeLabel          = 12.0 // the smallest text drawn anywhere
	sizeButton         = 13.0
	sizeButtonBig      = 20.0 // presenter mode's answer buttons, read from the back of a room
	lineHeight         = 1.3  // of the narration, times its size
	touchMin           = 44.0 // a control's height where room allows (WCAG 2.5.5)
	touchLeast         = 24.0 // and never less (WCAG 2.5.8)
)

// Layout is where everything goes on one screen for one view: a pure
// function of the screen's size and the view's controls, made once per
// view generation and size. Panels that must not overlap: Title, Menu,
// Net, Map, Legend, Inspect, Chart, Timeline, Events (when shown),
// Narration, Controls.
type Layout struct {
	W, H  float64 // the canvas, in units
	Zoom  float64 // CSS pixels per unit
	Scale float64 // device pixels per unit: Zoom × the device scale factor
	// Portrait: panels stacked; Phone: a narrow portrait screen, where
	// buttons show only their key or number and the chart is left out.
	Portrait, Phone bool
	// Small: a landscape screen under 960×640, such as an <iframe>
	// embedding the app: the bars are lower, and the chart, then the port
	// map, give way. Beside: there the narration is a column right of the
	// network, where under it the network would have no room.
	Small, Beside bool

	Title, Menu rect
	// TitleLines is the title on two lines in portrait where one does
	// not hold it; else nil.
	TitleLines                    []string
	Net, Map, Legend, Inspect     rect
	MapShown                      bool // Map, Legend and Inspect
	Chart                         rect
	ChartShown                    bool
	Timeline, Narration, Controls rect
	// Timeline is the strip under the picture for the timeline scrubber,
	// Events the event list's place, used when EventsShown (issue 15's
	// panels draw into them).
	Events      rect
	EventsShown bool
	// Notes: the presenter's notes take the event list's place (N),
	// rather than the event log (L).
	Notes bool
	// Strip is where the focused host's small ephemeral range is shown
	// port by port, inside Net under the hosts; empty for none.
	Strip rect

	// Inside the narration panel: where its text goes, how many lines of
	// it fit, and at what size; the status line at its bottom.
	NarrText  rect
	NarrLines int
	NarrSize  float64
	// lineCap, if set, is the most lines of text the narration shows: in
	// the smallest frames, beside the network, a text longer than the
	// column holds (the sandbox's beside its knobs) is cut short with "…"
	// rather than run over the control bar (the text mirror, T, has all
	// of it).
	lineCap int
	// tight, if set, is a narration short of room giving some up (on a
	// phone, where one line of text is still too many): a small frame's step buttons go beside the status
	// line even where they take more than half its row (the line cut
	// short with "…": the timeline shows the time too), as a phone's
	// do but with a question, whose go in a row as wide as their labels,
	// and a phone's knobs lower and closer; presenter mode's larger
	// choices are the usual size (on a phone, or in landscape where the
	// chart would have no room).
	tight   bool
	Status  rect
	Buttons []button
	Knobs   []rect
	Hosts   []rect
}

// layoutFor lays out view vm on screen s, with the event list's place if
// the list is open or logShown (the log panel, L). fc measures text, so
// that every button fits its label.
func layoutFor(fc *faces, s screenSize, vm *lesson.View, logShown bool) *Layout {
	l := &Layout{Zoom: 1, EventsShown: logShown || vm.EventList.Open}
	if s.w <= 0 || s.h <= 0 || s.dpr <= 0 {
		s = screenSize{DesignW, DesignH, 1}
	}
	l.Portrait = s.h > s.w
	// Wide screens zoom the 1280×720 design up; smaller ones get their own
	// layout at one unit per CSS pixel; screens smaller than the supported
	// ones are zoomed down to the least canvas that holds every panel.
	// The least landscape is a 640×360 <iframe>.
	minW, minH := 640.0, 360.0
	if l.Portrait {
		minW, minH = 360.0, 640.0
	}
	switch {
	case !l.Portrait && s.w >= DesignW && s.h >= DesignH:
		l.Zoom = min(s.w/DesignW, s.h/DesignH)
	case s.w < minW || s.h < minH:
		l.Zoom = min(s.w/minW, s.h/minH)
	}
	l.W, l.H = s.w/l.Zoom, s.h/l.Zoom
	l.Scale = l.Zoom * s.dpr
	l.Phone = l.Portrait && l.W < 600
	l.Small = !l.Portrait && (l.W < 960 || l.H < 640)
	l.NarrSize = sizeNarration
	if l.Phone {
		l.NarrSize = sizeNarrationSmall
	}
	if l.Portrait {
		l.portrait(fc, vm)
	} else {
		l.landscape(fc, vm)
	}
	// A small ephemeral range is also shown port by port, zoomed, under
	// the hosts, where that leaves them room: on the port map one port
	// is a unit or less.
	hosts := l.Net
	if vm.PortMap.Strip && l.Strip.h == 0 {
		if h := stripH(vm, l.Net.w); l.Net.h-h >= 150 {
			l.Strip = rect{l.Net.x, l.Net.bottom() - h, l.Net.w, h}
			hosts.h -= h
		}
	}
	l.Hosts = layoutHosts(vm.Hosts, hosts)
	l.dropKeys(fc)
	return l
}

// dropKeys draws a button without its key where its label and key do not
// fit it together (a longer language's label, or key name): the help and
// aria-keyshortcuts still name the key.
func (l *Layout) dropKeys(fc *faces) {
	for i := range l.Buttons {
		b := &l.Buttons[i]
		withKey := b.text == "" || b.text == b.label+"  "+b.key
		if b.key != "" && withKey && measure(fc, b.caption(), Bold, b.textSize())+8 > b.r.w {
			b.text = b.label
		}
	}
}

// The range's strip: a row of cells is stripRowH high, a cell at least
// stripCellMin wide (room for a port number and "TIME_" over "WAIT") and
// at most stripCellMax.
const (
	stripRowH    = 56.0
	stripCellMin = 62.0
	stripCellMax = 76.0
)

// stripH is the height of the range's strip w wide.
func stripH(vm *lesson.View, w float64) float64 {
	_, rows := stripCells(vm.PortMap.Range.Size(), w)
	return 30 + float64(rows)*stripRowH
}

// compareH is the height of lesson 4's comparison chart: its title and a
// bar for each of three ways.
const compareH = 24 + 3*31 + 6

// stripCells is how wide the cells of a strip of n ports are across w,
// and in how many rows.
func stripCells(n int, w float64) (float64, int) {
	per := max(1, min(n, int((w-16)/stripCellMin)))
	return min(stripCellMax, (w-16)/float64(per)), (n + per - 1) / per
}

// landscape: the network left, the port map, legend and chart right, the
// timeline strip, the narration and the control bar below, full width.
func (l *Layout) landscape(fc *faces, vm *lesson.View) {
	const pad = 16.0
	top := 58.0
	l.Title = rect{pad, 8, 0, 38}
	if l.Small {
		l.Title, top = rect{pad, 6, 0, 32}, 44
	}
	l.Menu = rect{0, l.Title.y, 0, l.Title.h}
	l.flowMenu(fc, vm, l.W-pad, false)
	l.Title.w = l.Menu.x - pad - 12
	if measure(fc, vm.Title, Bold, l.titleSize()) > l.Title.w {
		// A long title (a longer language's) smaller, on two lines,
		// not cut short.
		lines := wrapText(fc, vm.Title, Bold, sizeNarrationSmall, l.Title.w)
		l.TitleLines = lines[:min(2, len(lines))]
	}
	cw := l.W - 2*pad
	rows := l.flowControls(fc, vm, rect{pad, 0, cw, 0})
	pitch := l.barH() + 6
	l.Controls = rect{pad, l.H - l.Title.y - 4 - float64(rows)*pitch, cw, float64(rows)*pitch + 4}
	l.shiftButtons(len(l.Buttons)-l.barButtons(vm), l.Controls.y+4)
	from := len(l.Buttons)
	narrH := max(124, l.planNarration(fc, vm, pad, cw))
	if !l.Small && l.Controls.y-narrH-52-top-16-128-28-6 < chartLeast {
		// The chart under the smallest map would have no room for its
		// axis: presenter mode's larger choices (a longer language's,
		// a row each) give way.
		l.tight = true
		l.Buttons, l.Knobs = l.Buttons[:from], l.Knobs[:0]
		narrH = max(124, l.planNarration(fc, vm, pad, cw))
	}
	if l.Small && (l.Controls.y-8-narrH-8-36-top < netMin || len(vm.Knobs) > 0 && knobAcrossW(cw) < knobMinW || l.EventsShown) {
		// Under the network the narration would leave it no room, or its
		// knobs theirs, or the event list's column the network.
		l.beside(fc, vm, top, from)
		return
	}
	l.Narration = rect{pad, l.Controls.y - 8 - narrH, cw, narrH}
	l.placeNarration(from)
	l.Timeline = rect{pad, l.Narration.y - 8 - 28, cw, 28}
	bottom := l.Timeline.y - 8
	right := l.W - pad
	if l.EventsShown {
		// A column down to the narration (the event list's thirteen
		// rows want its height); the timeline under the rest.
		ew := min(320, math.Floor(l.W*0.25))
		l.Events = rect{right - ew, top, ew, l.Narration.y - 8 - top}
		right = l.Events.x - pad
		l.Timeline.w = right - pad
	}
	// The port map: 256 units a side (one unit a port) if the picture
	// leaves room for the chart below it and the network netReadable
	// across, never under half a unit a port. A small screen leaves out
	// the chart where it would be under chartMin high, then the map
	// where even that leaves it no room.
	wide := right - 2*pad - netReadable - 8 - l.legendW(128)
	side := min(256, bottom-top-16-28-chartMin, wide)
	chart := true
	if l.Small && side < 128 {
		side, chart = min(256, bottom-top-16-28, wide), false
	}
	if l.Small && side < 128 {
		l.Net = rect{pad, top, right - pad, bottom - top}
		return
	}
	side = math.Floor(max(128, side))
	legendW := l.legendW(side)
	if l.W >= 1200 && side >= legendTall {
		legendW = 148
	}
	colW := side + 8 + legendW
	x := right - colW
	l.Map = rect{x, top + 16, side, side}
	l.Legend = rect{l.Map.right() + 8, l.Map.y, legendW, side}
	l.Inspect = rect{x, l.Map.bottom() + 4, colW, 24}
	l.Chart = rect{x, l.Inspect.bottom() + 6, colW, bottom - l.Inspect.bottom() - 6}
	l.MapShown, l.ChartShown = true, chart
	l.Net = rect{pad, top, x - 2*pad, bottom - top}
}

// beside lays out a small landscape screen with the narration as a
// column right of the network, from top down to the control bar, in the
// phone's type; the buttons from index from on are the narration's.
func (l *Layout) beside(fc *faces, vm *lesson.View, top float64, from int) {
	const pad = 16.0
	l.Beside, l.NarrSize = true, sizeNarrationSmall
	room := l.Controls.y - 8 - top
	plan := func(nw float64) float64 {
		l.Buttons, l.Knobs = l.Buttons[:from], l.Knobs[:0]
		return l.planNarration(fc, vm, l.W-pad-nw, nw)
	}
	// A column wider where its text, or the sandbox's two knobs abreast,
	// need it.
	nw, wider := math.Floor(max(besideMinW, min(besideMaxW, l.W*0.45))), math.Floor(max(besideMinW, min(besideMaxW+40, l.W*0.5)))
	if len(vm.Knobs) > 0 {
		nw = wider
	}
	narrH := plan(nw)
	if narrH > room && wider > nw {
		nw = wider
		narrH = plan(nw)
	}
	if narrH > room {
		l.tight = true
		narrH = plan(nw)
	}
	if narrH > room {
		over := math.Ceil((narrH - room) / (l.NarrSize * lineHeight))
		l.lineCap = max(1, l.NarrLines-int(over))
		narrH = plan(nw)
	}
	l.Narration = rect{l.W - pad - nw, top, nw, max(narrH, room)}
	l.placeNarration(from)
	l.Timeline = rect{pad, l.Controls.y - 8 - 28, l.Narration.x - 2*pad, 28}
	l.Net = rect{pad, top, l.Timeline.w, l.Timeline.y - 8 - top}
	if l.EventsShown {
		// The event list takes the network's lower part: half, and a
		// row at least.
		h := math.Floor(l.Net.h / 2)
		if el := &vm.EventList; el.Open {
			er := rect{w: l.Net.w, h: h}
			h = max(h, eventHead(er)+eventRowH+saveH(el, er))
		}
		l.Events = rect{pad, l.Net.bottom() - h, l.Net.w, h}
		l.Net.h -= h + 8
	}
}

// The least height of the chart, where a small screen may leave it out
// (its axis, a few ticks and its key); the narration column's width
// beside the network on a small screen; and the network's least height.
const (
	chartMin = 100.0
	// chartLeast is the least height of the chart's place where it is
	// shown: its plot high enough to keep its axis's top and zero
	// labels apart (drawPortsChart).
	chartLeast = 64.0
	besideMinW = 272.0
	besideMaxW = 360.0
	netMin     = 150.0
	// phoneNetMin is the least a phone's network keeps beside the event
	// list: a row of small boxes.
	phoneNetMin = 60.0
)

// barH is the height of the title bar's and the control bar's buttons:
// a small landscape screen keeps the picture room with lower ones.
func (l *Layout) barH() float64 {
	if l.Small {
		return 32
	}
	return touchMin
}

// netReadable is the network's least width in landscape where the port
// map can give it up: two columns of host boxes wide enough for a host's
// name and full address (in Mono 14 in a narrow box, "192.168.1.11"
// needs about 110), with room for the links between them.
const netReadable = 2*140 + 16 + linksMinW

// portrait: everything stacked, full width: title and lessons, the
// network, the timeline strip, the narration, the port map with its
// legend (and the chart beside them where there is room), the event list
// when shown, and the control bar at the bottom, wrapping. A phone shows
// the port map only where it leaves the network room (not beside the
// sandbox's knobs or a question), and no chart.
func (l *Layout) portrait(fc *faces, vm *lesson.View) {
	pad := 16.0
	if l.Phone {
		pad = 8
	}
	cw := l.W - 2*pad
	l.Title = rect{pad, 8, cw, 26}
	if measure(fc, vm.Title, Bold, l.titleSize()) > cw {
		// A long title smaller, on two lines where one does not hold
		// it, not cut short.
		lines := wrapText(fc, vm.Title, Bold, sizeNarrationSmall, cw)
		l.TitleLines = lines[:min(2, len(lines))]
		l.Title.h = max(l.Title.h, float64(len(l.TitleLines))*l.titleSize()*lineHeight-3)
	}
	l.Menu = rect{pad, l.Title.bottom() + 4, cw, touchMin}
	l.flowMenu(fc, vm, l.W-pad, true)
	rows := l.flowControls(fc, vm, rect{pad, 0, cw, 0})
	l.Controls = rect{pad, l.H - 8 - float64(rows)*(touchMin+6), cw, float64(rows)*(touchMin+6) + 2}
	l.shiftButtons(len(l.Buttons)-l.barButtons(vm), l.Controls.y+2)
	from := len(l.Buttons)
	narrH := l.planNarration(fc, vm, pad, cw)
	top := l.Menu.bottom() + 8
	// The network keeps netMin; the event list, when shown, takes what
	// is left up to 160 (at least 80); then a tablet's port map gives up
	// size (down to half a unit a port), a phone's its place.
	y := l.Controls.y - 8
	if l.Phone {
		// A narration longer than a phone holds with the network (a
		// longer language's) is cut short, its last line ending "…":
		// the network keeps netMin, or with the event list phoneNetMin
		// and the list its least. The text view (T) has the text whole.
		need := netMin
		if l.EventsShown {
			need = phoneNetMin + 8 + 80
			if el, er := &vm.EventList, (rect{w: cw}); el.Open {
				need = phoneNetMin + 8 + eventHead(er) + eventRowH + saveH(el, er)
			}
		}
		short := func() float64 { return need - (y - top - 36 - narrH - 8) }
		cut := func() {
			if short := short(); short > 0 {
				l.lineCap = max(1, l.NarrLines-int(math.Ceil(short/(l.textSize(vm)*lineHeight))))
				l.Buttons, l.Knobs = l.Buttons[:from], l.Knobs[:0]
				narrH = l.planNarration(fc, vm, pad, cw)
			}
		}
		cut()
		if short() > 0 {
			// Even one line is too many: the rest gives some up
			// (Layout.tight), and the text is cut as little as that
			// then needs.
			l.tight, l.lineCap = true, 0
			l.Buttons, l.Knobs = l.Buttons[:from], l.Knobs[:0]
			narrH = l.planNarration(fc, vm, pad, cw)
			cut()
		}
	}
	free := y - top - 36 - narrH - 8 - netMin
	if vm.PortMap.Strip && !l.Phone {
		// A tablet's network keeps room for the range's strip under its
		// hosts: the port map gives up size first.
		free -= stripH(vm, cw)
	}
	if l.EventsShown {
		// The log's lines, or the event list's header, a few of its rows
		// and its save buttons.
		want, least := 160.0, 80.0
		el, er := &vm.EventList, rect{w: cw}
		if el.Open {
			want = eventHead(er) + 6*eventRowH + saveH(el, er)
			least = eventHead(er) + eventRowH + saveH(el, er) // one row at least
		}
		h := min(want, max(least, free-8-18-128-4-24-8))
		if l.Phone {
			if el.Open {
				want = eventHead(er) + 3*eventRowH + saveH(el, er)
			}
			h = min(want, max(least, free-8))
		}
		if el.Open {
			// Whole rows: what a row would not fill goes to the network.
			h = least + math.Floor((h-least)/eventRowH)*eventRowH
		}
		l.Events = rect{pad, y - h, cw, h}
		y = l.Events.y - 8
		free -= h + 8
	}
	room := free - 8 - 18 - 4 - 24
	side := math.Floor(max(128, min(256, room)))
	legendW := l.legendW(side)
	if l.Phone {
		side = 128
		legendW = cw - side - 8
	}
	mapRow := 18 + side + 4 + 24
	switch {
	case l.Phone && vm.Chart.Compare != nil && room+mapRow-side >= compareH:
		// Lesson 4's comparison, rather than the map: its point.
		l.Chart = rect{pad, y - compareH, cw, compareH}
		l.ChartShown = true
		y = l.Chart.y - 8
	case l.Phone && vm.PortMap.Strip && room+mapRow-side >= stripH(vm, cw):
		// A small range port by port, rather than the map, where a
		// port is a dot.
		h := stripH(vm, cw)
		l.Strip = rect{pad, y - h, cw, h}
		y = l.Strip.y - 8
	case !l.Phone || room >= side:
		l.MapShown = true
		l.Map = rect{pad, y - mapRow + 18, side, side}
		l.Legend = rect{l.Map.right() + 8, l.Map.y, legendW, side}
		l.Inspect = rect{pad, l.Map.bottom() + 4, side + 8 + legendW, 24}
		if !l.Phone {
			x := l.Legend.right() + 16
			l.Chart = rect{x, l.Map.y - 18, l.W - pad - x, mapRow}
			l.ChartShown = true
		}
		y = l.Map.y - 18 - 8
	}
	l.Narration = rect{pad, y - narrH, cw, narrH}
	l.placeNarration(from)
	l.Timeline = rect{pad, l.Narration.y - 8 - 28, cw, 28}
	l.Net = rect{pad, top, cw, l.Timeline.y - 8 - top}
}

// titleSize is the title's type size: smaller on a phone, and smaller
// again on two lines.
func (l *Layout) titleSize() float64 {
	switch {
	case l.TitleLines != nil:
		return sizeNarrationSmall
	case l.Phone:
		return 17
	}
	return 20
}

// legendTall is the least height of a one-column legend; a shorter one
// has two columns.
const legendTall = 250.0

func (l *Layout) legendW(side float64) float64 {
	if side < legendTall {
		return 224
	}
	return 112
}

// buttonWidth is what a button needs for its text, with room either side.
func buttonWidth(fc *faces, label string) float64 {
	return measure(fc, label, Bold, sizeButton) + 24
}

// titleRoom is what the title keeps of the title bar in landscape.
const titleRoom = 480.0

// flowMenu puts the lesson buttons in a row ending at right: their short
// names where they fit, else only their numbers. In landscape the row
// shares the title bar, at most 124 units a button.
func (l *Layout) flowMenu(fc *faces, vm *lesson.View, right float64, below bool) {
	n := float64(len(vm.Lessons))
	avail := l.Menu.w
	if !below {
		room := titleRoom
		if l.Small {
			room = min(room, math.Floor(l.W*0.35))
		}
		avail = min(n*130, l.W-2*16-12-room)
	}
	w := math.Floor(avail/n - 6)
	compact := false
	for _, ls := range vm.Lessons {
		compact = compact || buttonWidth(fc, menuLabel(ls, false)) > w
	}
	if compact {
		w = min(w, touchMin+12)
		if !below {
			// Numbers alone narrow down to touchMin where the title
			// beside them would otherwise be cut (eight lessons at
			// 960×540).
			spare := right - 16 - 12 - measure(fc, vm.Title, Bold, l.titleSize()) // the title starts at the frame's padding
			w = max(touchMin, min(w, math.Floor(spare/n-6)))
		}
	}
	x := right - n*(w+6) + 6
	l.Menu.x, l.Menu.w = x, right-x
	for _, ls := range vm.Lessons {
		l.Buttons = append(l.Buttons, button{r: rect{x, l.Menu.y, w, l.Menu.h}, text: menuLabel(ls, compact),
			label: ls.Short, key: ls.Key, act: lesson.ActOpen(ls.Number), on: ls.Current})
		x += w + 6
	}
}

// menuLabel is a lesson's button's text: its name and key, or where room
// is short its key alone (the learner's own scenario has none: its name).
func menuLabel(ls lesson.LessonButton, compact bool) string {
	switch {
	case ls.Key == "":
		return ls.Short
	case compact:
		return ls.Key
	}
	return ls.Short + "  " + ls.Key
}

// flowControls lays out the control bar's buttons in rows across r,
// from y 0 (shiftButtons moves them to the bar), and says how many rows
// they take. A phone's buttons leave their keys out: no keyboard; a small
// landscape screen's too where that saves a row (help, ?, lists them).
func (l *Layout) flowControls(fc *faces, vm *lesson.View, r rect) int {
	form := withKeys
	if l.Phone {
		form = labelOnly
	}
	// The fewest rows: the picture needs the height more than the buttons
	// need their keys (the help names them), and a small frame's more than
	// they need their words.
	forms := []textForm{labelOnly}
	if l.Small {
		forms = append(forms, keyOnly)
	}
	for _, f := range forms {
		if l.controlRows(fc, vm, r, f) < l.controlRows(fc, vm, r, form) {
			form = f
		}
	}
	h := l.barH()
	x, y, rows := r.x, 0.0, 1
	for _, c := range vm.Controls {
		if l.leaves(c) {
			continue
		}
		txt := controlText(c, form)
		w := max(buttonWidth(fc, txt), h)
		if x > r.x && x+w > r.right() {
			x, y, rows = r.x, y+h+6, rows+1
		}
		l.Buttons = append(l.Buttons, button{r: rect{x, y, w, h}, text: txt, label: c.Label, key: c.Key, act: c.Action, on: c.Pressed, off: c.Disabled})
		x += w + 6
	}
	return rows
}

// leaves says whether the control bar leaves c out: a spare control on a
// phone or in the smallest frames, whose picture needs every row.
func (l *Layout) leaves(c lesson.Control) bool { return c.Spare && (l.Phone || l.Small) }

// barButtons is how many of vm's controls the bar shows.
func (l *Layout) barButtons(vm *lesson.View) int {
	n := 0
	for _, c := range vm.Controls {
		if !l.leaves(c) {
			n++
		}
	}
	return n
}

// controlRows is how many rows of r the control bar takes with its
// buttons' text in form.
func (l *Layout) controlRows(fc *faces, vm *lesson.View, r rect, form textForm) int {
	x, rows := r.x, 1
	for _, c := range vm.Controls {
		if l.leaves(c) {
			continue
		}
		w := max(buttonWidth(fc, controlText(c, form)), l.barH())
		if x > r.x && x+w > r.right() {
			x, rows = r.x, rows+1
		}
		x += w + 6
	}
	return rows
}

// textForm is what a control bar's button says: its label and key, its
// label, or (in the smallest frames) its key, as the compact lesson menu
// shows numbers; the help (?) and the text mirror name every one.
type textForm int

const (
	withKeys textForm = iota
	labelOnly
	keyOnly
)

func controlText(c lesson.Control, form textForm) string {
	switch {
	case form == withKeys:
		return c.Label + "  " + c.Key
	case form == keyOnly && c.Key != "":
		return c.Key
	}
	return c.Label
}

// shiftButtons moves the buttons from index from on down by dy.
func (l *Layout) shiftButtons(from int, dy float64) {
	for i := from; i < len(l.Buttons); i++ {
		l.Buttons[i].r.y += dy
	}
}

// across says whether the narration panel runs across the screen under
// the picture, in landscape, rather than stacked in a narrow panel.
func (l *Layout) across() bool { return !l.Portrait && !l.Beside }

// knobH is a knob's height: in landscape its name and value on one line,
// on a phone and in the narration's column beside the network the name
// above the value.
func (l *Layout) knobH() float64 {
	switch {
	case l.across():
		return 26
	case l.Phone && l.tight:
		return 38 // drawKnob's least for the name above the value
	case l.Phone || l.Beside:
		return 40
	}
	return 32
}

// panelButtonH is the height of the narration panel's buttons: in
// landscape 30, to leave the picture room; on a phone 36.
func (l *Layout) panelButtonH() float64 {
	switch {
	case !l.Portrait:
		return 30
	case l.Phone:
		return 36
	}
	return touchMin
}

// presenting says whether the narration is in presenter mode's larger
// type: not on a small landscape screen, which is no projector's (F, full
// screen, gives the projector the larger layout).
func (l *Layout) presenting(vm *lesson.View) bool {
	return vm.Narration.Presenter && !l.Small
}

// textSize is the narration's size: larger in presenter mode.
func (l *Layout) textSize(vm *lesson.View) float64 {
	if l.presenting(vm) {
		return l.NarrSize * 1.5
	}
	return l.NarrSize
}

// statusW is room for the clock's status line at its usual length;
// stepW a step button's width beside it, knobMinW a knob's least width
// with its name and value on one line.
const (
	statusW  = 460.0
	stepW    = 110.0
	knobMinW = 230.0
	// phoneStepW is a step button's least width on a phone beside the
	// status line.
	phoneStepW = 72.0
	// statusLeast is the least of the status line kept beside the step
	// buttons: the time now, as "t = 12.3 s / …" in Mono 14 (the
	// timeline shows the end).
	statusLeast = 120.0
)

// planNarration lays out the narration panel at x, w wide, with its top
// at 0 (placeNarration moves it), and says how tall it is. Top to bottom:
// the step's head, the text, the question's choices, in portrait the
// knobs and the step buttons, and the status line. In landscape the step
// buttons are stacked at the right, or in the sandbox the knobs take the
// right in two columns and the step buttons share the status line.
func (l *Layout) planNarration(fc *faces, vm *lesson.View, x, w float64) float64 {
	if vm.Lesson == 0 {
		return 60
	}
	n := vm.Narration
	size := l.textSize(vm)
	bh := l.panelButtonH()
	textX, textR := x+16, x+w-16
	right := 0.0 // the height of what sits beside the text and status line
	if l.across() {
		if k := len(vm.Knobs); k > 0 {
			kw := knobAcrossW(w)
			kx := x + w - 8 - 2*kw - 8
			for i := range k {
				l.Knobs = append(l.Knobs, rect{kx + float64(i%2)*(kw+8), 8 + float64(i/2)*(l.knobH()+3), kw, l.knobH()})
			}
			right = float64((k+1)/2)*(l.knobH()+3) + 8
			textR = kx - 16
		} else {
			for i, c := range vm.StepControls {
				l.Buttons = append(l.Buttons, stepButton(c, rect{x + w - 170, 8 + float64(i)*36, 160, bh}))
			}
			right = 8 + float64(len(vm.StepControls))*36
			textR = x + w - 186
		}
	}
	tw := textR - textX
	lines := len(wrapText(fc, n.Text, Regular, size, tw))
	// Two lines at least: a question's verdict and its reason take its
	// place.
	lines = max(lines, 2)
	if n.Question == nil && l.across() {
		lines = max(lines, n.MaxLines)
	}
	if l.lineCap > 0 {
		lines = min(lines, l.lineCap)
	}
	l.NarrLines = lines
	l.NarrText = rect{textX, 24, tw, float64(lines) * size * lineHeight}
	y := l.NarrText.bottom() + 6
	if q := n.Question; q != nil {
		// Side by side where they fit, else one a row; in presenter mode
		// larger.
		per, ch, size := len(q.Choices), bh, sizeButton
		big := l.presenting(vm) && !l.tight
		for _, c := range q.Choices {
			// Larger only where each choice fits a row at the larger
			// size (a longer language's may not, on a phone).
			big = big && measure(fc, c.Label+"  "+c.Key, Bold, sizeButtonBig)+24 <= tw
		}
		if big {
			ch, size = max(bh, 48), sizeButtonBig
		}
		cw := min(220, (tw-float64(per-1)*8)/float64(per))
		if big {
			cw = min(320, (tw-float64(per-1)*8)/float64(per))
		}
		for _, c := range q.Choices {
			if measure(fc, c.Label+"  "+c.Key, Bold, size)+24 > cw {
				per, cw = 1, tw
			}
		}
		for i, c := range q.Choices {
			b := choiceButton(c, rect{textX + float64(i%per)*(cw+8), y + float64(i/per)*(ch+6), cw, ch})
			if measure(fc, b.caption(), Bold, size)+8 > cw {
				b.text = c.Label // without its key (the help names it) where a row is too narrow
			}
			b.big = big
			l.Buttons = append(l.Buttons, b)
		}
		y += float64((len(q.Choices)+per-1)/per) * (ch + 6)
	}
	if !l.across() {
		if k := len(vm.Knobs); k > 0 {
			cols := int(max(2, min(3, (tw+8)/(knobMinW+8))))
			kw := (tw - float64(cols-1)*8) / float64(cols)
			gap := 4.0
			if l.Phone && l.tight {
				gap = 2
			}
			for i := range k {
				l.Knobs = append(l.Knobs, rect{textX + float64(i%cols)*(kw+8), y + float64(i/cols)*(l.knobH()+gap), kw, l.knobH()})
			}
			y += float64((k+cols-1)/cols) * (l.knobH() + gap)
		}
	}
	if l.Beside {
		// Beside the status line where they leave it half the row, else
		// rows of their own.
		ws, all := l.stepWidths(fc, vm)
		if all <= tw/2 || l.tight && all <= tw-statusLeast-6 {
			x := textR - all
			for i, c := range vm.StepControls {
				b := stepButton(c, rect{x, y, ws[i], bh})
				b.text = c.Label
				l.Buttons = append(l.Buttons, b)
				x += ws[i] + 6
			}
			l.Status = rect{textX, y + (bh-20)/2, tw - all - 6, 20}
			return y + bh + 6
		}
	}
	if l.Phone && (vm.EventList.Open || l.tight && n.Question == nil) {
		// Beside the status line, cut short: the network keeps its room
		// above the event list, or short of room its least (the clock's
		// line cut: the timeline shows the time too).
		ws := make([]float64, len(vm.StepControls))
		for i, c := range vm.StepControls {
			ws[i] = max(phoneStepW, buttonWidth(fc, c.Label))
			textR -= ws[i] + 6
		}
		x := textR + 6
		for i, c := range vm.StepControls {
			b := stepButton(c, rect{x, y, ws[i], bh})
			b.text = c.Label // no keyboard
			l.Buttons = append(l.Buttons, b)
			x += ws[i] + 6
		}
		l.Status = rect{textX, y + (bh-20)/2, textR - textX, 20}
		return max(y+bh+6, right)
	}
	if l.Beside {
		y = l.flowSteps(fc, vm, textX, tw, y, bh)
	} else if l.Phone && l.tight {
		from := len(l.Buttons)
		y = l.flowSteps(fc, vm, textX, tw, y, bh)
		for i := from; i < len(l.Buttons); i++ {
			l.Buttons[i].text = l.Buttons[i].label // no keyboard
		}
	} else if l.Portrait && (l.Phone || tw < statusW+float64(len(vm.StepControls))*(stepW+6)) {
		// A row of their own, across the panel; fewer a row where a
		// label (a longer language's) would not fit its share.
		per := len(vm.StepControls)
		sw := 0.0
		for ; ; per-- {
			sw = (tw - float64(per-1)*6) / float64(per)
			fits := true
			for _, c := range vm.StepControls {
				fits = fits && buttonWidth(fc, c.Label) <= sw
			}
			if fits || per == 1 {
				break
			}
		}
		for i, c := range vm.StepControls {
			b := stepButton(c, rect{textX + float64(i%per)*(sw+6), y + float64(i/per)*(bh+6), sw, bh})
			if l.Phone {
				b.text = c.Label // no keyboard
			}
			l.Buttons = append(l.Buttons, b)
		}
		y += float64((len(vm.StepControls)+per-1)/per) * (bh + 6)
	} else if l.Portrait || len(vm.Knobs) > 0 {
		// The step buttons beside the status line if there is room for
		// both, else a row of their own above it.
		bw, sh := stepW, bh
		if !l.Portrait {
			sh = bh - 2
		}
		sy := y
		if tw >= statusW+float64(len(vm.StepControls))*(bw+6) {
			sy = y + 2
		} else {
			y += sh + 6
		}
		for i, c := range vm.StepControls {
			r := rect{textR - float64(len(vm.StepControls)-i)*(bw+6) + 6, sy, bw, sh}
			l.Buttons = append(l.Buttons, stepButton(c, r))
		}
		if sy != y {
			textR -= float64(len(vm.StepControls)) * (bw + 6)
			right = max(right, sy+sh+6)
		}
	}
	l.Status = rect{textX, y, textR - textX, 20}
	return max(y+24, right)
}

// stepWidths is the step buttons' widths with their labels alone, and
// theirs in a row.
func (l *Layout) stepWidths(fc *faces, vm *lesson.View) ([]float64, float64) {
	ws, all := make([]float64, len(vm.StepControls)), -6.0
	for i, c := range vm.StepControls {
		ws[i] = max(touchMin, buttonWidth(fc, c.Label))
		all += ws[i] + 6
	}
	return ws, all
}

// flowSteps puts the step buttons in rows w wide from x at y, each as
// wide as its text (their keys left out where one row would not hold
// them all with them), and says where the rows end.
func (l *Layout) flowSteps(fc *faces, vm *lesson.View, x0, w, y, bh float64) float64 {
	all := -6.0
	for _, c := range vm.StepControls {
		all += max(touchMin, buttonWidth(fc, stepButton(c, rect{}).text)) + 6
	}
	x := x0
	for _, c := range vm.StepControls {
		b := stepButton(c, rect{})
		if all > w {
			b.text = c.Label
		}
		bw := max(touchMin, buttonWidth(fc, b.text))
		if x > x0 && x+bw > x0+w {
			x, y = x0, y+bh+6
		}
		b.r = rect{x, y, bw, bh}
		l.Buttons = append(l.Buttons, b)
		x += bw + 6
	}
	return y + bh + 6
}

// knobAcrossW is a knob's width in a narration panel w wide across the
// screen: four abreast, the text's room left of them.
func knobAcrossW(w float64) float64 { return min(268, math.Floor((w-16)/4)) }

// placeNarration moves what planNarration laid out (the buttons from
// index from on) to the panel's place.
func (l *Layout) placeNarration(from int) {
	dy := l.Narration.y
	l.shiftButtons(from, dy)
	for i := range l.Knobs {
		l.Knobs[i].y += dy
	}
	l.NarrText.y += dy
	l.Status.y += dy
}

func stepButton(c lesson.Control, r rect) button {
	txt := c.Label
	if c.Key != "" {
		txt += "  " + c.Key
	}
	return button{r: r, text: txt, label: c.Label, key: c.Key, act: c.Action, off: c.Disabled}
}

func choiceButton(c lesson.Control, r rect) button {
	return button{r: r, text: c.Label + "  " + c.Key, label: c.Label, key: c.Key, act: c.Action, on: c.Pressed, off: c.Disabled}
}
