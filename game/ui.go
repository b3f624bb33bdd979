package game

import (
	"fmt"
	"strconv"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/portplay/portplay/engine"
)

// rect is an area of the design canvas.
type rect struct{ x, y, w, h float64 }

func (r rect) has(x, y float64) bool {
	return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h
}

// The screen's regions on the 1280×720 design canvas.
var (
	areaTitle     = rect{0, 0, DesignW, 52}
	areaNet       = rect{16, 58, 820, 458}
	areaMap       = rect{852, 74, 288, 288} // 256×256 ports, scaled 1.125
	areaLegend    = rect{1148, 74, 120, 288}
	areaInspect   = rect{852, 366, 412, 24}
	areaChart     = rect{852, 396, 412, 120}
	areaNarration = rect{16, 524, DesignW - 32, 124}
	areaControls  = rect{16, 656, DesignW - 32, 52}
)

// action is something a key, a click or a tap asks the game to do.
type action int

const (
	actNone action = iota
	actPlay
	actStepForward
	actStepBack
	actFaster
	actSlower
	actRestart
	actFullscreen
	actHelp
	actEscape
	actProfile
	actFocus
	actKnobNext // Tab: the next sandbox knob
	actKnobUp
	actKnobDown
	actNextStep
	actPrevStep
	actPresenter
	actResetProgress
	actAnswer              // actAnswer+k answers choice k (0: A)
	actScene  = 100 + iota // actScene+n selects scene n (1 to SceneCount)
)

// keyActions map keys to actions. Keys are physical (US layout names):
// + is the = key with or without Shift, ? the / key.
var keyActions = []struct {
	keys []ebiten.Key
	act  action
}{
	{[]ebiten.Key{ebiten.KeySpace}, actPlay},
	{[]ebiten.Key{ebiten.KeyArrowRight}, actStepForward},
	{[]ebiten.Key{ebiten.KeyArrowLeft}, actStepBack},
	{[]ebiten.Key{ebiten.KeyEqual, ebiten.KeyNumpadAdd}, actFaster},
	{[]ebiten.Key{ebiten.KeyMinus, ebiten.KeyNumpadSubtract}, actSlower},
	{[]ebiten.Key{ebiten.KeyR}, actRestart},
	{[]ebiten.Key{ebiten.KeyF}, actFullscreen},
	{[]ebiten.Key{ebiten.KeySlash, ebiten.KeyF1}, actHelp},
	{[]ebiten.Key{ebiten.KeyEscape}, actEscape},
	{[]ebiten.Key{ebiten.KeyP}, actProfile},
	{[]ebiten.Key{ebiten.KeyH}, actFocus},
	{[]ebiten.Key{ebiten.KeyTab}, actKnobNext},
	{[]ebiten.Key{ebiten.KeyArrowUp}, actKnobUp},
	{[]ebiten.Key{ebiten.KeyArrowDown}, actKnobDown},
	{[]ebiten.Key{ebiten.KeyPageDown, ebiten.KeyEnter, ebiten.KeyNumpadEnter}, actNextStep},
	{[]ebiten.Key{ebiten.KeyPageUp}, actPrevStep},
	{[]ebiten.Key{ebiten.KeyM}, actPresenter},
	{[]ebiten.Key{ebiten.KeyA}, actAnswer},
	{[]ebiten.Key{ebiten.KeyB}, actAnswer + 1},
	{[]ebiten.Key{ebiten.KeyC}, actAnswer + 2},
	{[]ebiten.Key{ebiten.KeyDigit1, ebiten.KeyNumpad1}, actScene + 1},
	{[]ebiten.Key{ebiten.KeyDigit2, ebiten.KeyNumpad2}, actScene + 2},
	{[]ebiten.Key{ebiten.KeyDigit3, ebiten.KeyNumpad3}, actScene + 3},
	{[]ebiten.Key{ebiten.KeyDigit4, ebiten.KeyNumpad4}, actScene + 4},
	{[]ebiten.Key{ebiten.KeyDigit5, ebiten.KeyNumpad5}, actScene + 5},
	{[]ebiten.Key{ebiten.KeyDigit6, ebiten.KeyNumpad6}, actScene + 6},
}

// button is an on-screen control: every key's action has one.
type button struct {
	r     rect
	label string
	key   string // the key that does the same, shown on the button
	act   action
	on    bool // drawn highlighted (the current scene, playing, help shown)
}

// buttons lays out the title bar's scene menu and the control bar.
func buttons(scene int, playing, help bool, profileLive bool) []button {
	var bs []button
	x := DesignW - 8 - float64(len(scenes))*106
	for i, d := range scenes {
		w := 100.0
		bs = append(bs, button{r: rect{x, 8, w, 38}, label: d.short, key: strconv.Itoa(i + 1), act: actScene + action(i+1), on: scene == i+1})
		x += w + 6
	}
	play := "Play"
	if playing {
		play = "Pause"
	}
	controls := []button{
		{label: "Restart", key: "R", act: actRestart},
		{label: "Back", key: "←", act: actStepBack},
		{label: play, key: "Space", act: actPlay, on: playing},
		{label: "Step", key: "→", act: actStepForward},
		{label: "Slower", key: "−", act: actSlower},
		{label: "Faster", key: "+", act: actFaster},
		{label: "Map host", key: "H", act: actFocus},
	}
	if profileLive {
		controls = append(controls, button{label: "Profile", key: "P", act: actProfile})
	}
	controls = append(controls,
		button{label: "Present", key: "M", act: actPresenter},
		button{label: "Full screen", key: "F", act: actFullscreen},
		button{label: "Help", key: "?", act: actHelp, on: help},
	)
	x = areaControls.x
	for _, b := range controls {
		w := 30 + 8.5*float64(len([]rune(b.label))+len([]rune(b.key)))
		b.r = rect{x, areaControls.y + 6, w, 40}
		bs = append(bs, b)
		x += w + 6
	}
	return bs
}

// lessonButtons are the lesson's controls in the narration panel: the
// current question's choices, and stepping and resetting.
func lessonButtons(choices []string, chosen int, sandbox bool) []button {
	var bs []button
	a := areaNarration
	for i, c := range choices {
		bs = append(bs, button{r: rect{a.x + 16 + float64(i)*170, a.y + 58, 160, 30}, label: c, key: string(rune('A' + i)), act: actAnswer + action(i), on: i == chosen})
	}
	if sandbox {
		// The knobs hold the panel's right: stepping sits under the text.
		for i, b := range []button{{label: "Back", key: "PgUp", act: actPrevStep}, {label: "Next", key: "PgDn", act: actNextStep}} {
			b.r = rect{a.x + 470 + float64(i)*110, a.y + a.h - 30, 104, 26}
			bs = append(bs, b)
		}
		return bs
	}
	x := a.x + a.w - 170
	for i, b := range []button{
		{label: "Next", key: "PgDn", act: actNextStep},
		{label: "Back", key: "PgUp", act: actPrevStep},
		{label: "Reset progress", act: actResetProgress},
	} {
		b.r = rect{x, a.y + 8 + float64(i)*36, 160, 30}
		bs = append(bs, b)
	}
	return bs
}

// hit finds the button at (x, y), in design units.
func hit(bs []button, x, y float64) action {
	for _, b := range bs {
		if b.r.has(x, y) {
			return b.act
		}
	}
	return actNone
}

// knob is one of the sandbox's settings as a control: its name, its value
// as shown, and how to move it to the next or previous choice.
type knob struct {
	name  string
	value string
	step  func(sb *Sandbox, profile *string, dir int)
}

// cycle moves i by dir through n choices, wrapping around.
func cycle(i, dir, n int) int { return ((i+dir)%n + n) % n }

func indexOf[T comparable](xs []T, x T) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return 0
}

// knobs are the sandbox's controls for settings s.
func knobs(s Settings) []knob {
	sb := s.Sandbox
	profiles := []string{""}
	for _, p := range engine.Profiles() {
		profiles = append(profiles, p.Name)
	}
	strategies := []string{"", "sequential", "random-start", "random-pick", "linux-connect"}
	or := func(v, def string) string {
		if v == "" {
			return def
		}
		return v
	}
	tw := "profile's"
	if sb.TimeWait > 0 {
		tw = sb.TimeWait.String()
	}
	ranges := sandboxRanges
	if indexOf(ranges, sb.Range) == 0 && sb.Range != "" {
		ranges = append([]string{sb.Range}, ranges...) // a range from the link stays one choice
	}
	return []knob{
		{"Profile", or(s.Profile, "mixed"), func(_ *Sandbox, p *string, d int) {
			*p = profiles[cycle(indexOf(profiles, *p), d, len(profiles))]
		}},
		{"Range", or(sb.Range, "profile's"), func(sb *Sandbox, _ *string, d int) {
			sb.Range = ranges[cycle(indexOf(ranges, sb.Range), d, len(ranges))]
		}},
		{"Strategy", or(sb.Strategy, "profile's"), func(sb *Sandbox, _ *string, d int) {
			sb.Strategy = strategies[cycle(indexOf(strategies, sb.Strategy), d, len(strategies))]
		}},
		{"TIME_WAIT", tw, func(sb *Sandbox, _ *string, d int) {
			sb.TimeWait = sandboxTimeWaits[cycle(indexOf(sandboxTimeWaits, sb.TimeWait), d, len(sandboxTimeWaits))]
		}},
		{"Clients", strconv.Itoa(sb.Clients), func(sb *Sandbox, _ *string, d int) {
			sb.Clients = 1 + cycle(sb.Clients-1, d, 6)
		}},
		{"Rate", fmt.Sprintf("%d/s", sb.Rate), func(sb *Sandbox, _ *string, d int) {
			sb.Rate = sandboxRates[cycle(indexOf(sandboxRates, sb.Rate), d, len(sandboxRates))]
		}},
		{"Servers", strconv.Itoa(sb.Dests), func(sb *Sandbox, _ *string, d int) {
			sb.Dests = 1 + cycle(sb.Dests-1, d, len(sandboxServers))
		}},
	}
}

// knobRect is where knob i is drawn, in the narration panel's right part.
func knobRect(i int) rect {
	col, row := i%2, i/2
	return rect{areaNarration.x + 700 + float64(col)*276, areaNarration.y + 8 + float64(row)*29, 268, 26}
}

// fmtDur writes a simulated time for people: 1.250 s, 42.0 s, 2 min 5 s.
func fmtDur(d time.Duration) string {
	switch {
	case d < 10*time.Second:
		return fmt.Sprintf("%.3f s", d.Seconds())
	case d < 2*time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return fmt.Sprintf("%d min %d s", int(d.Minutes()), int(d.Seconds())%60)
}
