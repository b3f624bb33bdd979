package game

import (
	"fmt"
	"image/color"
	"time"

	"github.com/hajimehoshi/ebiten/v2/vector"
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

// drawPortsChart plots the clients' 4-tuples in use and in TIME_WAIT over
// the run so far. The two series differ by line and by dots, not colour
// alone, and each is named at its end.
func drawPortsChart(v *view, p *player, limit int) {
	a := areaChart
	top := 0
	for _, s := range p.samples {
		top = max(top, s.inUse, s.wait)
	}
	if limit > 0 && limit < 4*max(top, 1) {
		top = max(top, limit)
	}
	top = niceMax(max(top, 1))
	px, py, pw, ph := a.x+44, a.y+26, a.w-160, a.h-44
	v.fillRect(px, py+ph, pw, 1, colMuted)
	v.fillRect(px, py, 1, ph, colMuted)
	v.text(fmt.Sprint(top), Mono, 11, px-4, py-6, alignEnd, colMuted)
	v.text("0", Mono, 11, px-4, py+ph-8, alignEnd, colMuted)
	v.text(fmtDur(p.end()), Mono, 11, px+pw, py+ph+2, alignEnd, colMuted)
	xOf := func(t time.Duration) float64 { return px + pw*float64(t)/float64(p.end()) }
	yOf := func(n int) float64 { return py + ph - ph*float64(n)/float64(top) }
	if limit > 0 && limit <= top {
		y := yOf(limit)
		for x := px; x < px+pw; x += 10 {
			v.fillRect(x, y, 5, 1.5, colRange)
		}
		v.text(fmt.Sprintf("range: %d ports", limit), Regular, 12, px+6, y+3, alignStart, colRange)
	}
	var path vector.Path
	for i, s := range p.samples {
		x, y := v.pt(xOf(s.at), yOf(s.inUse))
		if i == 0 {
			path.MoveTo(x, y)
		} else {
			path.LineTo(x, y)
		}
	}
	op := &vector.DrawPathOptions{}
	op.ColorScale.ScaleWithColor(colInUse)
	vector.StrokePath(v.dst, &path, &vector.StrokeOptions{Width: float32(2.5 * v.scale)}, op)
	for i, s := range p.samples {
		if i%2 == 0 {
			v.fillRect(xOf(s.at)-1.5, yOf(s.wait)-1.5, 3, 3, colTimeWait)
		}
	}
	if n := len(p.samples); n > 0 {
		last := p.samples[n-1]
		v.text(fmt.Sprintf("in use %d", last.inUse), Bold, 12, px+pw+6, a.y+30, alignStart, colInUse)
		v.text(fmt.Sprintf("TIME_WAIT %d", last.wait), Bold, 12, px+pw+6, a.y+48, alignStart, colTimeWait)
	}
}

// drawCompletionChart compares how long the scenario's clients take with
// ephemeral ports and without (lesson 4), from two complete runs.
func drawCompletionChart(v *view, r *sceneRun) {
	a := areaChart
	v.text(fmt.Sprintf("All %d connections done after", r.with.Started), Bold, 14, a.x+8, a.y+4, alignStart, colText)
	longest := max(r.with.LastDone, r.without.LastDone, time.Millisecond)
	bar := func(i int, label string, st timeStats) {
		y := a.y + 30 + float64(i)*44
		v.text(label, Regular, 13, a.x+8, y, alignStart, colText)
		w := (a.w - 16) * float64(st.done) / float64(longest)
		v.fillRect(a.x+8, y+17, w, 16, st.col)
		txt := fmtDur(st.done)
		if st.failed > 0 {
			txt += fmt.Sprintf(", %d failed", st.failed)
		}
		v.text(txt, Bold, 13, a.x+a.w-8, y, alignEnd, st.col)
	}
	bar(0, "with ephemeral ports", timeStats{r.with.LastDone, r.with.Failed, colListen})
	bar(1, "without: everything through port 80", timeStats{r.without.LastDone, r.without.Failed, colError})
}

type timeStats struct {
	done   time.Duration
	failed int
	col    color.RGBA
}
