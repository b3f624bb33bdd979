package game

import (
	"image/color"
	"strings"

	"github.com/portplay/portplay/lesson"
	"github.com/portplay/portplay/lesson/phrase"
)

// The presenter's notes: with M the narration leaves the projected
// picture, and the notes give it to the presenter. Natively (no second
// window) they are a panel in the event list's place, toggled with N; in
// the browser N opens web/notes.html, a page that follows the lesson over
// a BroadcastChannel (notes_js.go), in a window the presenter keeps on the
// laptop's own screen.

// notes is what the presenter's notes say at a moment of view vm, as the
// panel draws it and the notes page receives it (as JSON).
type notes struct {
	Lesson    int      `json:"lesson"`
	Title     string   `json:"title"`
	Step      string   `json:"step"`
	Text      string   `json:"text"`
	Question  string   `json:"question"`
	Choices   []string `json:"choices"`
	Verdict   string   `json:"verdict"`
	Learnt    string   `json:"learnt"`
	Presenter bool     `json:"presenter"`
	// Next and Back: the notes page's step buttons would do something.
	Next bool `json:"next"`
	Back bool `json:"back"`
	// NextKey and BackKey are the keys the page turns the steps with, as
	// KeyboardEvent names them (the keymap's first key for each: the one a
	// presenter's clicker sends; Enter would also press a focused button).
	NextKey string `json:"nextKey"`
	BackKey string `json:"backKey"`
	// Words are the notes page's own words in the session's language.
	Words notesWords `json:"words"`
}

// notesWords are web/notes.html's fixed words, as the app's language says
// them: the page has no phrasebook of its own.
type notesWords struct {
	Lang     string `json:"lang"` // for <html lang>
	Heading  string `json:"heading"`
	Question string `json:"question"` // "Question: {question}", its question filled in
	Steps    string `json:"steps"`    // the step buttons' group
	Previous string `json:"previous"`
	Next     string `json:"next"`
	Window   string `json:"window"` // the window's title after the step
}

// notesOf is the presenter's notes of view vm.
func notesOf(vm *lesson.View) notes {
	if vm.Lesson == 0 {
		return notes{}
	}
	n := vm.Narration
	b := phrases(vm.Lang)
	out := notes{Lesson: vm.Lesson, Title: vm.Title, Step: n.StepText(), Text: n.Notes, Presenter: n.Presenter, Learnt: n.CompleteText()}
	out.Words = notesWords{Lang: b.Lang(), Heading: b.T("notes.heading"), Steps: b.T("mirror.lesson-steps"), Previous: b.T("mirror.previous-step"), Next: b.T("mirror.next-step"),
		Window: b.T("notes.window")}
	if out.Words.Lang == phrase.PseudoLang {
		out.Words.Lang = "en"
	}
	if q := n.Question; q != nil {
		out.Words.Question = b.T("narration.question", "question", q.Text)
		out.Question = q.Text
		for _, c := range q.Choices {
			out.Choices = append(out.Choices, c.Key+") "+c.Label)
		}
		out.Verdict = verdictText(b, q, vm.Hints)
	}
	for _, c := range vm.StepControls {
		switch c.Action {
		case lesson.ActNextStep:
			out.Next, out.NextKey = !c.Disabled, firstKey(c.Shortcut)
		case lesson.ActPrevStep:
			out.Back, out.BackKey = !c.Disabled, firstKey(c.Shortcut)
		}
	}
	return out
}

// firstKey is the first of an aria-keyshortcuts list.
func firstKey(shortcut string) string {
	k, _, _ := strings.Cut(shortcut, " ")
	return k
}

// paragraphs are the notes as the panel shows them, each with its type:
// the step, the narration, the question, its choices, the verdict and
// what the lesson taught.
func (n notes) paragraphs(b *phrase.Book) []notePara {
	out := []notePara{{b.T("join.dot", "first", n.Step, "then", n.Title), Bold, colMuted}}
	if n.Text != "" {
		out = append(out, notePara{n.Text, Regular, colText})
	}
	if n.Question != "" {
		out = append(out, notePara{b.T("narration.question", "question", n.Question), Bold, colText})
		for _, c := range n.Choices {
			out = append(out, notePara{c, Regular, colText})
		}
		out = append(out, notePara{n.Verdict, Regular, colMuted})
	}
	if n.Learnt != "" {
		out = append(out, notePara{n.Learnt, Bold, colRange})
	}
	return out
}

type notePara struct {
	text string
	tf   Typeface
	col  color.RGBA
}

// drawNotes draws the presenter's notes n into panel r: as many lines as
// it holds, the last cut short where they run on.
func drawNotes(v *view, n notes, title string, r rect) {
	const size, step, gap = 15.0, 20.0, 6.0
	v.fillRect(r.x, r.y, r.w, r.h, colPanel)
	v.text(v.fit(title, Bold, 14, r.w-16), Bold, 14, r.x+8, r.y+6, alignStart, colText)
	type line struct {
		notePara
		y float64
	}
	var lines []line
	y := r.y + 30
	for _, p := range n.paragraphs(v.book) {
		for _, l := range v.wrap(p.text, p.tf, size, r.w-16) {
			lines = append(lines, line{notePara{l, p.tf, p.col}, y})
			y += step
		}
		y += gap
	}
	for i, l := range lines {
		if l.y+size > r.bottom()-4 {
			break
		}
		txt := l.text
		if i+1 < len(lines) && lines[i+1].y+size > r.bottom()-4 {
			txt = v.fit(txt+" …", l.tf, size, r.w-16) // more than the panel holds
		}
		v.text(txt, l.tf, size, r.x+8, l.y, alignStart, l.col)
	}
}
