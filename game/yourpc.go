package game

import (
	"image/color"
	"slices"
	"strconv"
	"strings"

	"github.com/portplay/portplay/lesson"
)

// yourPCBox is where the "Your computer" panel is drawn: over the scene,
// as large as the screen allows up to a reading width.
func yourPCBox(lay *Layout, p *lesson.YourPCView) rect {
	w, h := min(lay.W-16, 1040), lay.H-16
	switch {
	case len(p.Props) == 0:
		h = min(h, 300) // words only
	case !p.Differ:
		h = min(h, 560)
	}
	return rect{(lay.W - w) / 2, 8, w, h}
}

// yourPCSize is the panel's text size for its width.
func yourPCSize(w float64) float64 {
	if w < 700 {
		return 13
	}
	return 16
}

// drawYourPC draws the "Your computer" panel from the view model: every
// word is the session's (lesson.YourPCView); the panel only places it,
// and plots the two port sequences over the range. Its buttons are kept
// for clicks.
func (g *Game) drawYourPC(v *view, lay *Layout) {
	p := &g.vm.YourPC
	g.pcButtons = g.pcButtons[:0]
	if !p.Shown {
		return
	}
	r := yourPCBox(lay, p)
	v.fillRect(r.x, r.y, r.w, r.h, colPanel)
	v.strokeRect(r.x, r.y, r.w, r.h, 2, colText)
	size := yourPCSize(r.w)
	bh := 40.0
	x, w := r.x+20, r.w-40
	bottom := r.bottom() - bh - 24
	ty := r.y + 16
	line := func(s string, tf Typeface, sz float64, col color.Color) {
		for _, l := range v.wrap(s, tf, sz, w) {
			if ty+sz > bottom {
				return // the panel is full: the text view has it whole
			}
			// fit: a word longer than the line is cut, not spilt.
			v.text(v.fit(l, tf, sz, w), tf, sz, x, ty, alignStart, col)
			ty += sz * lineHeight
		}
	}
	line(p.Title, Bold, size+8, colText)
	line(p.Safety, Regular, size-2, colMuted)
	ty += 6
	switch {
	case p.Running:
		line(p.Progress, Bold, size+2, colText)
		drawWorking(v, x, ty+4, g.frames)
	case p.Problem != "":
		col := colError
		if p.Browser {
			col = colText
		}
		line(p.Problem, Regular, size+2, col)
	case len(p.Props) > 0:
		line(p.Against, Regular, size, colText)
		line(p.RangeText, Regular, size, colText)
		ty += 4
		ty = drawPortRuns(v, p, x, ty, w, size, bottom)
		line(p.Note, Regular, size-2, colMuted)
		ty += 4
		ty = drawPropTable(v, p, x, ty, w, size, bottom)
		ty += 4
		col := colRange
		if p.Differ {
			col = colError
		}
		line(p.Verdict, Bold, size, col)
		if p.Differ {
			ty += 4
			drawReport(v, p.Report, x, ty, w, max(size-3, 11), bottom)
		}
	}
	bw := min(240, (w-10)/2)
	for i, c := range p.Buttons {
		b := button{label: c.Label, key: c.Key, act: c.Action, off: c.Disabled,
			r: rect{r.right() - 20 - float64(len(p.Buttons)-i)*(bw+10) + 10, r.bottom() - bh - 16, bw, bh}}
		g.pcButtons = append(g.pcButtons, b)
		drawButton(v, b)
	}
}

// drawWorking is a row of dots that moves on with the frames: the
// observation is under way.
func drawWorking(v *view, x, y float64, frame int) {
	const dots = 8
	lit := frame / 6 % dots
	for i := range dots {
		col := colPanelEdge
		if i == lit {
			col = colListen
		}
		v.fillRect(x+float64(i)*16, y, 10, 10, col)
	}
}

// drawPortRuns plots each side's ports over the range (the range's low
// end at the bottom, its high end at the top; one dot per connection, in
// order from the left), side by side, each with its label and its ports
// in words below; it returns the y below them.
func drawPortRuns(v *view, p *lesson.YourPCView, x, y, w, size, bottom float64) float64 {
	plotH := min(90, max(0, (bottom-y)/4))
	half := (w - 20) / 2
	for i, run := range []lesson.PortRun{p.Kernel, p.Model} {
		px := x + float64(i)*(half+20)
		col := colListen
		if i == 1 {
			col = colInUse
		}
		v.text(v.fit(run.Label, Bold, size, half), Bold, size, px, y, alignStart, col)
		top := y + size*lineHeight
		if plotH >= 30 && len(run.Ports) > 0 {
			v.fillRect(px, top, half, plotH, colBackground)
			v.strokeRect(px, top, half, plotH, 1, colPanelEdge)
			lo, hi := slices.Min(run.Ports), slices.Max(run.Ports)
			labelW := v.textWidth("65535", Mono, size-4) + 8
			v.text(strconv.Itoa(hi), Mono, size-4, px+4, top+3, alignStart, colMuted)
			v.text(strconv.Itoa(lo), Mono, size-4, px+4, top+plotH-size-1, alignStart, colMuted)
			n, span := len(run.Ports), float64(max(hi-lo, 1))
			for k, port := range run.Ports {
				fx := 0.5
				if n > 1 {
					fx = float64(k) / float64(n-1)
				}
				fy := float64(port-lo) / span
				v.fillRect(px+labelW+fx*(half-labelW-10), top+plotH-8-fy*(plotH-14), 4, 4, col)
			}
			top += plotH + 4
		}
		v.text(v.fit(run.Text, Mono, max(size-3, 11), half), Mono, max(size-3, 11), px, top, alignStart, colText)
	}
	return y + size*lineHeight + plotH + 4 + max(size-3, 11)*lineHeight + 8
}

// drawPropTable draws the property table: each property's name, this
// computer's value, the model's and the verdict, in four columns; where
// the panel is narrow, each name on a line of its own above its values.
// It returns the y below.
func drawPropTable(v *view, p *lesson.YourPCView, x, y, w, size, bottom float64) float64 {
	size--
	rowH := size * lineHeight
	narrow := w < 600
	cols := [4]float64{0, w * 0.44, w * 0.64, w * 0.84}
	colW := [4]float64{w*0.44 - 8, w*0.2 - 8, w*0.2 - 8, w * 0.16}
	if narrow {
		cols = [4]float64{0, 0, w * 0.36, w * 0.72}
		colW = [4]float64{w, w*0.36 - 8, w*0.36 - 8, w * 0.28}
	}
	for i, h := range p.Heads {
		if i > 0 || !narrow {
			v.text(v.fit(h, Bold, size, colW[i]), Bold, size, x+cols[i], y, alignStart, colMuted)
		}
	}
	y += rowH
	for _, row := range p.Props {
		if narrow {
			if y+rowH+size > bottom {
				break
			}
			v.text(v.fit(row.Name, Regular, size, w), Regular, size, x, y, alignStart, colMuted)
			y += rowH
		} else if y+size > bottom {
			break
		}
		col := colRange
		switch {
		case row.NotObserved:
			col = colMuted
		case !row.Match:
			col = colError
		}
		for i, s := range [4]string{row.Name, row.Kernel, row.Model, row.Verdict} {
			if i == 0 && narrow {
				continue
			}
			tf, c := Regular, colText
			if i == 3 {
				tf, c = Bold, col
			}
			v.text(v.fit(s, tf, size, colW[i]), tf, size, x+cols[i], y, alignStart, c)
		}
		y += rowH
	}
	return y
}

// drawReport draws the text to paste into a report in a block of its
// own, a line each, cut where a line is longer than the block (the saved
// file has it whole).
func drawReport(v *view, report string, x, y, w, size, bottom float64) {
	lines := strings.Split(strings.TrimRight(report, "\n"), "\n")
	h := min(float64(len(lines))*size*lineHeight+12, bottom-y)
	if h < size+12 {
		return
	}
	v.fillRect(x, y, w, h, colBackground)
	v.strokeRect(x, y, w, h, 1, colPanelEdge)
	for i, l := range lines {
		ly := y + 6 + float64(i)*size*lineHeight
		if ly+size > y+h {
			break
		}
		v.text(v.fit(l, Mono, size, w-12), Mono, size, x+6, ly, alignStart, colText)
	}
}

// yourPCState is the panel's state in a word, for Status.
func yourPCState(p *lesson.YourPCView) string {
	switch {
	case !p.Shown:
		return ""
	case p.Running:
		return "running"
	case p.Browser:
		return "browser"
	case p.Problem != "":
		return "failed"
	case p.Differ:
		return "differs"
	case len(p.Props) > 0:
		return "same"
	}
	return ""
}
