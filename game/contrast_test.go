package game

import (
	"image/color"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// luminance is WCAG 2's relative luminance of c.
func luminance(c color.RGBA) float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// contrast is WCAG 2's contrast ratio of two colours, 1 to 21.
func contrast(a, b color.RGBA) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// Every pair of text colour and the ground it is drawn on meets WCAG's
// 4.5:1, at every size: the 3:1 that large text may have is not used.
func TestTextContrast(t *testing.T) {
	assert.InDelta(t, 21, contrast(color.RGBA{0, 0, 0, 255}, color.RGBA{255, 255, 255, 255}), 1e-9, "the formula")
	for _, p := range []struct {
		where  string
		fg, bg color.RGBA
	}{
		{"the title, the legend, help", colText, colBackground},
		{"narration, host boxes, buttons", colText, colPanel},
		{"the selected sandbox knob", colText, colPanelEdge},
		{"step heading, hints, subtitles, muted buttons", colMuted, colPanel},
		{"the inspector's hint, knob names, the port map's classes", colMuted, colBackground},
		{"LISTEN rows, the help's keys", colListen, colPanel},
		{"ESTABLISHED rows, the chart's in-use count", colInUse, colPanel},
		{"TIME_WAIT rows and count", colTimeWait, colPanel},
		{"WAITING rows, failures, notices, a wrong answer", colError, colPanel},
		{"a right answer, lesson complete, the chart's range line", colRange, colPanel},
		{"a pressed button, LISTENING, responses' labels", colBackground, colListen},
		{"SERVING, requests' labels, the port strip", colBackground, colInUse},
		{"the port strip's TIME_WAIT", colBackground, colTimeWait},
		{"the port strip's reserved", colBackground, colReserved},
		{"failure banners", colBackground, colError},
		{"the port strip's free ports", colText, colFreeDynamic},
		{"the port strip's free ports (registered)", colText, colFreeRegistered},
		{"the port strip's free ports (system)", colText, colFreeSystem},
	} {
		assert.GreaterOrEqual(t, contrast(p.fg, p.bg), 4.5, "%s: %v on %v", p.where, p.fg, p.bg)
	}
}
