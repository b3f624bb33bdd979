package game

import (
	"fmt"
	"image/color"
	"time"

	"github.com/portplay/portplay/lesson"
)

// niceMax rounds n up to 1, 2 or 5 times a power of ten, for an axis.
func niceMax(n int) int {
	m := 1
	for {
		for _, k := range []int{1, 2, 5} {
			if k*m >= n {
				return k * m
			}
		}
		m *= 10
	}
}

// chartPlot is where the series go in chart area a: the labels are
// drawn around it, never over it.
func chartPlot(a rect) rect { return rect{a.x + 44, a.y + 26, a.w - 160, a.h - 44} }

// drawPortsChart plots the clients' 4-tuples in use and in TIME_WAIT over
// the run so far. The two series differ by line and by dots, not colour
// alone, and each is named at its end.
func drawPortsChart(v *view, ch lesson.ChartView, a rect) {
	limit := ch.Limit
	top := max(ch.Now.InUse, ch.Now.Wait)
	for _, s := range ch.Samples {
		top = max(top, s.InUse, s.Wait)
	}
	if limit > 0 && limit < 4*max(top, 1) {
		top = max(top, limit)
	}
	top = niceMax(max(top, 1))
	plot := chartPlot(a)
	px, py, pw, ph := plot.x, plot.y, plot.w, plot.h
	v.fillRect(px, py+ph, pw, 1, colMuted)
	v.fillRect(px, py, 1, ph, colMuted)
	v.text(fmt.Sprint(top), Mono, 12, px-4, py-6, alignEnd, colMuted)
	v.text("0", Mono, 12, px-4, py+ph-8, alignEnd, colMuted)
	// The window's length under the plot's right end, no wider than the
	// plot: a longer language's stays clear of the axis's 0.
	v.text(v.fit(lesson.FmtDurIn(v.book, ch.Window), Mono, 12, pw), Mono, 12, px+pw, py+ph+2, alignEnd, colMuted)
	xOf := func(t time.Duration) float64 { return px + pw*float64(min(t, ch.Window))/float64(ch.Window) }
	yOf := func(n int) float64 { return py + ph - ph*float64(n)/float64(top) }
	if limit > 0 && limit <= top {
		y := yOf(limit)
		for x := px; x < px+pw; x += 10 {
			v.fillRect(x, y, 5, 1.5, colRange)
		}
		// Named in the margin right of the plot, not over the series: at
		// its line's height where that is clear of the counts, else
		// under them.
		ly := y - 6
		if ly < a.y+64 {
			ly = a.y + 66
		}
		v.text(v.fit(v.T("chart.range", "n", limit), Regular, 12, a.right()-8-(px+pw+6)), Regular, 12, px+pw+6, ly, alignStart, colRange)
	}
	// The samples so far, then this moment's counts: the line ends where
	// the host boxes are.
	samples := ch.Samples
	if n := len(samples); n == 0 || samples[n-1].At < ch.Now.At {
		samples = append(samples[:n:n], ch.Now)
	}
	// Segments drawn as rotated rectangles with a square at each joint,
	// not as a vector path: a path's stencil shaders would be compiled
	// before the first frame, and the start-up is the budget.
	for i, s := range samples {
		x, y := xOf(s.At), yOf(s.InUse)
		if i > 0 {
			p := samples[i-1]
			v.line(xOf(p.At), yOf(p.InUse), x, y, 2.5, colInUse)
		}
		v.fillRect(x-1.25, y-1.25, 2.5, 2.5, colInUse)
	}
	for i, s := range samples {
		if i%2 == 0 || i == len(samples)-1 {
			v.fillRect(xOf(s.At)-1.5, yOf(s.Wait)-1.5, 3, 3, colTimeWait)
		}
	}
	lw := a.right() - 8 - (px + pw + 6)
	v.text(v.fit(v.T("chart.in-use", "n", ch.Now.InUse), Bold, 12, lw), Bold, 12, px+pw+6, a.y+30, alignStart, colInUse)
	v.text(v.fit(v.T("chart.time-wait", "n", ch.Now.Wait), Bold, 12, lw), Bold, 12, px+pw+6, a.y+48, alignStart, colTimeWait)
}

// drawCompletionChart compares how long the scenario's clients take in
// each mode (lesson 4), from complete runs: one bar each.
func drawCompletionChart(v *view, cmp *lesson.Comparison, a rect) {
	v.text(v.fit(v.T("chart.compare", "n", cmp.Connections), Bold, 14, a.w-16), Bold, 14, a.x+8, a.y+4, alignStart, colText)
	longest := time.Millisecond
	for _, m := range cmp.Runs {
		longest = max(longest, m.Stats.LastDone)
	}
	cols := []color.RGBA{colError, colTimeWait, colListen}
	for i, m := range cmp.Runs {
		y := a.y + 24 + float64(i)*31
		st := m.Stats
		txt := lesson.FmtDurIn(v.book, st.LastDone)
		if st.Failed > 0 {
			txt = v.T("chart.done-failed", "time", txt, "n", st.Failed)
		}
		v.text(v.fit(m.Title, Regular, 12, a.w-24-v.textWidth(txt, Bold, 12)), Regular, 12, a.x+8, y, alignStart, colText)
		v.text(txt, Bold, 12, a.x+a.w-8, y, alignEnd, cols[i%len(cols)])
		v.fillRect(a.x+8, y+15, (a.w-16)*float64(st.LastDone)/float64(longest), 11, cols[i%len(cols)])
	}
}
