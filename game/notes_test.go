package game

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/lesson"
	"github.com/portplay/portplay/lesson/phrase"
)

// The notes say what presenter mode leaves off the picture: the step's
// narration, the question with its choices, the verdict, and whether the
// step buttons would do anything.
func TestNotesOf(t *testing.T) {
	g := newGame(t, 5, nil)
	g.do(lesson.ActPresenter)
	g.do(lesson.ActNextStep)
	vm := g.sess.View()
	require.True(t, vm.Narration.Presenter)
	require.Nil(t, vm.Narration.Question)
	n := notesOf(&vm)
	assert.Equal(t, 5, n.Lesson)
	assert.Equal(t, "Step 2 of "+strings.TrimPrefix(vm.Narration.StepText(), "Step 2 of "), n.Step)
	assert.Empty(t, vm.Narration.Text, "off the projector")
	assert.NotEmpty(t, n.Text, "in the notes")
	assert.True(t, n.Next)
	assert.True(t, n.Back)
	for g.sess.View().Narration.Question == nil {
		g.sess.PlayToPause(nil)
		g.do(lesson.ActNextStep)
	}
	vm = g.sess.View()
	n = notesOf(&vm)
	q := vm.Narration.Question
	assert.Equal(t, q.Text, n.Question)
	assert.Equal(t, "Question: "+q.Text, n.Words.Question, "the page's words, in the session's language")
	assert.Equal(t, notesWords{Lang: "en", Heading: "Presenter's notes", Steps: "Lesson steps", Previous: "Previous step", Next: "Next step",
		Window: "Portplay — presenter's notes", Question: n.Words.Question}, n.Words)
	require.Len(t, n.Choices, len(q.Choices))
	assert.Equal(t, "A) "+q.Choices[0].Label, n.Choices[0])
	assert.Contains(t, n.Verdict, "Predict, then see")
	g.do(lesson.ActAnswer(0))
	g.sess.PlayToPause(nil)
	vm = g.sess.View()
	assert.Contains(t, notesOf(&vm).Verdict, vm.Narration.Question.Truth, "the engine's answer once judged")
	assert.Equal(t, notes{}, notesOf(&lesson.View{}), "no lesson, no notes")

	// In another language, the page's words are that language's.
	g = newGame(t, 5, func(s *lesson.Settings) { s.Lang, s.LangGiven = phrase.PseudoLang, true })
	vm = g.sess.View()
	book, err := lesson.Phrases(phrase.PseudoLang)
	require.NoError(t, err)
	w := notesOf(&vm).Words
	assert.Equal(t, book.T("notes.heading"), w.Heading)
	assert.Equal(t, "en", w.Lang, "the pseudo-language is English")
}

// N shows the notes natively in the event list's place, and hides the
// event log (L) there; L hides the notes.
func TestNotesPanelTakesTheLogsPlace(t *testing.T) {
	g := newGame(t, 3, nil)
	g.do(lesson.ActPresenter)
	g.vm = g.sess.View()
	assert.False(t, g.layout().EventsShown)
	g.notesKey()
	lay := g.layout()
	assert.True(t, lay.EventsShown && lay.Notes, "the notes have the place")
	g.log.shown = true // as L does
	g.notesShown = false
	lay = g.layout()
	assert.True(t, lay.EventsShown)
	assert.False(t, lay.Notes, "the log has it")
	g.notesKey()
	assert.False(t, g.log.shown, "N hides the log")
	assert.True(t, g.layout().Notes)
	g.notesKey()
	assert.False(t, g.layout().EventsShown, "and N again hides the notes")
}
