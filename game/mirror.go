package game

import (
	"fmt"
	"strings"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/lesson"
)

// The page's text mirror (mirror_js.go) writes the view model as text for
// screen readers and for anyone who reads better than they watch. What it
// says is decided here, without a page, so that it can be tested natively.

// announceLines: up to this many new events are read out one by one;
// more become a summary, so that a screen reader is never flooded.
const announceLines = 3

// announcement is what the live region says of log l, given the log as it
// was when it last spoke: the new events in words, or a summary of them;
// "" when nothing happened since.
func announcement(l, last lesson.Log) string {
	if len(l.Lines) == 0 {
		return ""
	}
	latest := l.Lines[len(l.Lines)-1]
	at := "t = " + lesson.FmtDur(latest.At) + ": "
	n := l.Total - last.Total
	if l.Epoch != last.Epoch {
		// The run started again (another lesson, a step back): where it
		// is now, not what it replayed to get there.
		return at + latest.Text
	}
	switch {
	case n <= 0:
		return ""
	case n <= announceLines:
		var texts []string
		for _, x := range l.Lines[len(l.Lines)-n:] {
			texts = append(texts, x.Text)
		}
		return at + strings.Join(texts, "; ")
	}
	parts := []string{fmt.Sprintf("%d events", n)}
	if p := l.Ports - last.Ports; p > 0 {
		parts = append(parts, lesson.Plural(p, "port given", "ports given"))
	}
	if f := l.Failures - last.Failures; f > 0 {
		parts = append(parts, lesson.Plural(f, "connect failed", "connects failed"))
	}
	return at + strings.Join(parts, ", ") + "; the latest: " + latest.Text
}

// verdictText says the engine's verdict on the learner's answer and why,
// as the lesson panel does; "" before it.
func verdictText(q *lesson.QuestionView, h lesson.Hints) string {
	switch {
	case q == nil:
		return ""
	case q.Verdict != lesson.Unjudged:
		return q.Lead + " " + q.Why
	case q.Chosen >= 0:
		return "Your answer: " + q.Choices[q.Chosen].Label + ". Watch what happens…"
	}
	return h.AskText
}

// qrLinkName is the text mirror's name for presenter mode's link, which
// is also drawn as a QR code where the layout has room for one.
func qrLinkName(drawn bool) string {
	if drawn {
		return "Link to this scene (shown as a QR code on screen)"
	}
	return "Link to this scene"
}

// clockText is the status line in words.
func clockText(c lesson.Clock) string {
	state := [...]string{lesson.Paused: "paused", lesson.Playing: "playing", lesson.Finished: "at the end"}[c.State]
	s := fmt.Sprintf("Time %s of %s, speed %g×, %s.", lesson.FmtDur(c.Now), lesson.FmtDur(c.End), c.Speed, state)
	if c.Limited {
		s += fmt.Sprintf(" Playing at %g×: the simulation is the limit.", c.Reached)
	}
	return s
}

// socketLines are a host's socket rows in words, and a line with the
// counts when the box lists only some of them.
func socketLines(h lesson.HostView) []string {
	var out []string
	for _, r := range h.Rows {
		state, text := rowText(r)
		if r.Name != "" && r.Kind == lesson.RowConn {
			text += " (" + r.Name + ")"
		}
		out = append(out, state+" "+text)
	}
	if more := h.Total - len(h.Rows); more > 0 {
		out = append(out, fmt.Sprintf("and %d more: %s", more, h.Counts()))
	}
	if h.Failures > 0 {
		out = append(out, fmt.Sprintf("%s, the latest %s", lesson.Plural(h.Failures, "failure", "failures"), engine.ErrnoName(h.LastErr)))
	}
	return out
}

// inspectText is the port inspector's line in the text mirror.
func inspectText(in lesson.Inspection, h lesson.Hints) string {
	if !in.OK {
		return h.InspectText
	}
	head, _, _ := strings.Cut(in.Text, " · ")
	return fmt.Sprintf("%s; %s.", head, lesson.Plural(len(in.Sockets)+in.More, "socket", "sockets"))
}

// inspectLines are the inspected port's sockets in words, and how many
// more there are.
func inspectLines(in lesson.Inspection) []string {
	out := append([]string(nil), in.Sockets...)
	if in.More > 0 {
		out = append(out, fmt.Sprintf("and %d more", in.More))
	}
	return out
}
