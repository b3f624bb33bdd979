package lesson

import (
	"fmt"

	"github.com/portplay/portplay/engine/scenario"
)

// CustomLesson is the number of the learner's own scenario, opened from a
// file, pasted text or a share link: past the digit keys' lessons, so it
// never takes a built-in lesson's number.
const CustomLesson = maxLessons + 1

// customLesson makes a one-step lesson of the learner's scenario src,
// which CheckScenario accepted. Its clients' profile can be switched, as
// in the built-in lessons that compare operating systems.
func customLesson(src string) (*Lesson, error) {
	sc, err := scenario.Parse(src)
	if err != nil {
		return nil, err
	}
	// Its title is the file's, or "Your scenario" in the learner's
	// language (Run.SetBook); its short name "Yours" (View's buttons).
	l := &Lesson{Number: CustomLesson, Name: "yours", Title: sc.Title, Short: "Yours", Source: src, ProfileSwitch: true}
	// Lesson 3's pace: a packet visible on its link for most of a
	// second, idle time passing four times faster.
	l.Flight, l.Idle = 0.8, 4
	overview, _ := English().Raw("yours.overview")
	err = l.Overview.add(overview, Pos{})
	l.Overview.ID = "yours.overview"
	return l, err
}

// LoadScenario opens the learner's own scenario src in place of the lesson
// shown. A scenario that does not parse or run changes nothing: its first
// problem, with its line and column, is shown and returned.
func (s *Session) LoadScenario(name, src string) error {
	s.gen++
	err := CheckScenario(src)
	var l *Lesson
	if err == nil {
		l, err = customLesson(src)
	}
	if err != nil {
		err = fmt.Errorf("%s: %w", name, err)
		s.problems = append(s.problems, msg{id: "yours.not-opened", args: []any{"err", err.Error()}})
		return err
	}
	s.custom = l
	s.set.Scenario = src
	s.open(CustomLesson)
	return nil
}

// lesson finds lesson n, the learner's own included.
func (s *Session) lesson(n int) (*Lesson, bool) {
	if n == CustomLesson && s.custom != nil {
		return s.custom, true
	}
	return s.cat.Lesson(n)
}
