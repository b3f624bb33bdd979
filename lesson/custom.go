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
	l := &Lesson{Number: CustomLesson, Name: "yours", Title: sc.Title, Short: "Yours", Source: src, ProfileSwitch: true}
	if l.Title == "" {
		l.Title = "Your scenario"
	}
	// Lesson 3's pace: a packet visible on its link for most of a
	// second, idle time passing four times faster.
	l.Flight, l.Idle = 0.8, 4
	err = l.Overview.add(fmt.Sprintf("Your own scenario, %d hosts: every port, packet and error here is the engine's. Space plays, → and ← step, P switches the clients' OS.", len(sc.Hosts)), Pos{})
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
		s.problems = append(s.problems, fmt.Sprintf("Your scenario was not opened: %v. Nothing else changed.", err))
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
