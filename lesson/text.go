package lesson

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/portplay/portplay/engine"
)

// Text is a narration template: prose with {names} of quantities that the
// run fills in (the range a client got, its TIME_WAIT, the capacity…), so
// that no number the engine computes is ever typed into a lesson.
type Text struct {
	Pos   Pos
	Src   string
	parts []part
}

// part is a piece of literal text, or a quantity's name.
type part struct {
	lit  string
	name string
}

// quantities are the names a text may use, and how each is read from a
// run. Every number they give comes from the engine's profiles (whose
// numbers come from facts/ports.md) or from the run itself.
var quantities = map[string]func(r *Run) string{
	"client":            func(r *Run) string { return r.firstClient().Name },
	"client.profile":    func(r *Run) string { return r.firstClient().Profile.Name },
	"client.range":      func(r *Run) string { return r.firstClient().Profile.Ephemeral.String() },
	"client.range.size": func(r *Run) string { return fmt.Sprint(r.firstClient().Profile.Ephemeral.Size()) },
	"client.timewait":   func(r *Run) string { return fmtWhole(r.firstClient().Profile.TimeWait) },
	"client.capacity": func(r *Run) string {
		return fmt.Sprintf("%.2f", engine.Capacity(r.firstClient().Profile.Ephemeral, r.firstClient().Profile.TimeWait))
	},
	"client.strategy": func(r *Run) string { return strategyText(r.firstClient().Profile.Connect) },
	"server":          func(r *Run) string { return r.firstServer() },
	"servers":         func(r *Run) string { return fmt.Sprint(len(r.servers())) },
	"clients.ranges": func(r *Run) string {
		var parts []string
		for _, h := range r.clients() {
			parts = append(parts, fmt.Sprintf("%s (%s) %s (%d ports)", h.Name, h.Profile.Name, h.Profile.Ephemeral, h.Profile.Ephemeral.Size()))
		}
		return strings.Join(parts, ", ")
	},
	"clients.timewaits": func(r *Run) string {
		var parts []string
		var seen []time.Duration
		for _, h := range r.clients() {
			if tw := h.Profile.TimeWait; !slices.Contains(seen, tw) {
				seen = append(seen, tw)
				parts = append(parts, fmt.Sprintf("%s on %s", fmtWhole(tw), h.Profile.Name))
			}
		}
		return strings.Join(parts, ", ")
	},
	"clients.capacities": func(r *Run) string {
		var parts []string
		for _, h := range r.clients() {
			parts = append(parts, fmt.Sprintf("%s %.0f/s", h.Name, engine.Capacity(h.Profile.Ephemeral, h.Profile.TimeWait)))
		}
		return strings.Join(parts, ", ")
	},
	"rate":         func(r *Run) string { return fmt.Sprintf("%g", r.connectRate()) },
	"connections":  func(r *Run) string { return fmt.Sprint(r.With.Started) },
	"with.done":    func(r *Run) string { return FmtDur(r.With.LastDone) },
	"without.done": func(r *Run) string { return FmtDur(r.Without.LastDone) },
	// The IANA classes (facts/ports.md §1).
	"iana.system":     func(*Run) string { return engine.SystemPorts.String() },
	"iana.registered": func(*Run) string { return engine.RegisteredPorts.String() },
	"iana.dynamic":    func(*Run) string { return engine.DynamicPorts.String() },
}

// add appends a line of src at pos, splitting out its {names}.
func (t *Text) add(src string, pos Pos) error {
	if t.Src != "" {
		t.Src += " "
		t.parts = append(t.parts, part{lit: " "})
	}
	t.Src += src
	for i := 0; i < len(src); {
		open := strings.IndexByte(src[i:], '{')
		if open < 0 {
			t.parts = append(t.parts, part{lit: src[i:]})
			break
		}
		t.parts = append(t.parts, part{lit: src[i : i+open]})
		start := i + open
		end := strings.IndexByte(src[start:], '}')
		if end < 0 {
			return &Error{Pos: Pos{pos.Line, pos.Col + start}, Msg: "this { is never closed"}
		}
		name := src[start+1 : start+end]
		if _, ok := quantities[name]; !ok {
			return &Error{Pos: Pos{pos.Line, pos.Col + start}, Msg: fmt.Sprintf("unknown quantity {%s}; want one of %s", name, quantityList())}
		}
		t.parts = append(t.parts, part{name: name})
		i = start + end + 1
	}
	return nil
}

func quantityList() string {
	var names []string
	for n := range quantities {
		names = append(names, "{"+n+"}")
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// Fill writes the text with the quantities of run r.
func (t Text) Fill(r *Run) string {
	var b strings.Builder
	for _, p := range t.parts {
		if p.name != "" {
			b.WriteString(quantities[p.name](r))
		} else {
			b.WriteString(p.lit)
		}
	}
	return b.String()
}

func fmtWhole(d time.Duration) string { return fmt.Sprintf("%g s", d.Seconds()) }

// strategyText says how a connect() strategy picks ports (facts/ports.md
// §1, §2, §3).
func strategyText(s engine.Strategy) string {
	switch s {
	case engine.Sequential:
		return "one sequential counter (a freed port comes back only after the whole range was used)"
	case engine.RandomStart:
		return "a random start and a linear search (RFC 6056 Algorithm 1)"
	case engine.RandomPick:
		return "a random pick on every try (RFC 6056 Algorithm 2)"
	}
	return "Linux's per-destination offset, every other port first (those of the range's first port's parity)"
}
