package game

import (
	"strings"

	"github.com/portplay/portplay/lesson"
	"github.com/portplay/portplay/lesson/phrase"
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
func announcement(b *phrase.Book, l, last lesson.Log) string {
	if len(l.Lines) == 0 {
		return ""
	}
	latest := l.Lines[len(l.Lines)-1]
	at := func(text string) string { return b.T("event.at", "t", lesson.FmtDurIn(b, latest.At), "event", text) }
	n := l.Total - last.Total
	if l.Epoch != last.Epoch {
		// The run started again (another lesson, a step back): where it
		// is now, not what it replayed to get there.
		return at(latest.Text)
	}
	switch {
	case n <= 0:
		return ""
	case n <= announceLines:
		var texts []string
		for _, x := range l.Lines[len(l.Lines)-n:] {
			texts = append(texts, x.Text)
		}
		return at(strings.Join(texts, "; "))
	}
	parts := []string{b.T("announce.events", "n", n)}
	if p := l.Ports - last.Ports; p > 0 {
		parts = append(parts, b.T("announce.ports", "n", p))
	}
	if f := l.Failures - last.Failures; f > 0 {
		parts = append(parts, b.T("announce.failures", "n", f))
	}
	return at(b.T("announce.summary", "counts", strings.Join(parts, ", "), "latest", latest.Text))
}

// sentences joins the non-empty of texts, finished sentences each, into
// one paragraph as b's language does (join.sentences).
func sentences(b *phrase.Book, texts ...string) string {
	out := ""
	for _, t := range texts {
		switch {
		case t == "":
		case out == "":
			out = t
		default:
			out = b.T("join.sentences", "first", out, "then", t)
		}
	}
	return out
}

// verdictText says the engine's verdict on the learner's answer and why,
// as the lesson panel does; before it, how to answer (the keymap's hint
// h.AskText); "" with no question.
func verdictText(b *phrase.Book, q *lesson.QuestionView, h lesson.Hints) string {
	switch {
	case q == nil:
		return ""
	case q.Verdict != lesson.Unjudged:
		return sentences(b, q.Lead, q.Why)
	case q.Chosen >= 0:
		return b.T("mirror.answered", "answer", q.Choices[q.Chosen].Label)
	}
	return h.AskText
}

// qrLinkName is the text mirror's name for presenter mode's link, which
// is also drawn as a QR code where the layout has room for one.
func qrLinkName(b *phrase.Book, drawn bool) string {
	if drawn {
		return b.T("mirror.qr-link-drawn")
	}
	return b.T("mirror.qr-link")
}

// clockText is the status line in words.
func clockText(b *phrase.Book, c lesson.Clock) string {
	state := b.T("clock.paused")
	switch c.State {
	case lesson.Playing:
		state = b.T("clock.playing")
	case lesson.Finished:
		state = b.T("mirror.clock.end")
	}
	s := b.T("mirror.clock", "now", lesson.FmtDurIn(b, c.Now), "end", lesson.FmtDurIn(b, c.End), "speed", c.Speed, "state", state)
	if c.Limited {
		s = b.T("mirror.clock-limited", "clock", s, "limited", b.T("mirror.clock.limited", "reached", c.Reached))
	}
	return s
}

// socketLines are a host's socket rows in words, and a line with the
// counts when the box lists only some of them.
func socketLines(b *phrase.Book, h lesson.HostView) []string {
	var out []string
	for _, r := range h.Rows {
		out = append(out, r.Line())
	}
	if more := h.Total - len(h.Rows); more > 0 {
		out = append(out, b.T("mirror.hosts.more", "n", more, "counts", h.Counts()))
	}
	if h.Failures > 0 {
		out = append(out, b.T("mirror.hosts.failures", "n", h.Failures, "err", h.LastErrName))
	}
	return out
}

// inspectText is the port inspector's line in the text mirror.
func inspectText(b *phrase.Book, in lesson.Inspection, h lesson.Hints) string {
	if !in.OK {
		return h.InspectText
	}
	head, _, _ := strings.Cut(in.Text, " · ")
	return b.T("mirror.inspector.port", "port", head, "n", len(in.Sockets)+in.More)
}

// inspectLines are the inspected port's sockets in words, and how many
// more there are.
func inspectLines(b *phrase.Book, in lesson.Inspection) []string {
	out := append([]string(nil), in.Sockets...)
	if in.More > 0 {
		out = append(out, b.T("mirror.inspector.more", "n", in.More))
	}
	return out
}

// filterNames are the event list's filters as its buttons name them:
// the host shown (or every host) and the kind of event.
func filterNames(b *phrase.Book, l *lesson.EventList) (host, kind string) {
	host = l.Host
	if host == "" {
		host = b.T("events.every-host")
	}
	ids := [...]string{lesson.AllEvents: "events.kind.all", lesson.PortEvents: "events.kind.ports", lesson.PacketEvents: "events.kind.packets",
		lesson.StateEvents: "events.kind.states", lesson.ErrorEvents: "events.kind.errors"}
	return host, b.T(ids[l.Kind])
}

// filterControls are the event list's filter buttons' controls.
func filterControls(b *phrase.Book, l *lesson.EventList) []lesson.Control {
	host, kind := filterNames(b, l)
	return []lesson.Control{
		{Action: lesson.ActEventHost, Label: b.T("events.filter.host", "host", host)},
		{Action: lesson.ActEventKind, Label: b.T("events.filter.kind", "kind", kind)},
	}
}
