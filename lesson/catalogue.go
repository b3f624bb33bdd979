package lesson

import (
	"fmt"
	"slices"
	"strings"

	"github.com/portplay/portplay/assets"
	"github.com/portplay/portplay/engine/scenario"
)

// Catalogue is every lesson, in order. Keys, help, flag texts and "1 to N"
// are derived from it: adding a lesson is adding its files under assets/.
type Catalogue struct {
	Lessons []*Lesson
}

// maxLessons: lessons are chosen with the digit keys 1 to 9.
const maxLessons = 9

// NewCatalogue parses lesson files; scenarioSource finds a built-in
// scenario's text by name. The error names the file, line and column.
func NewCatalogue(files []assets.Builtin, scenarioSource func(string) (string, error)) (*Catalogue, error) {
	c := &Catalogue{}
	for _, f := range files {
		n := assets.Number(f.Name)
		if n < 1 || n > maxLessons {
			return nil, fmt.Errorf("lessons/%s.txt: the file name must start with the lesson's number, 1 to %d", f.Name, maxLessons)
		}
		if prev, ok := c.Lesson(n); ok {
			return nil, fmt.Errorf("lessons/%s.txt: lesson %d is also lessons/%s.txt", f.Name, n, prev.Name)
		}
		l, err := Parse(n, f.Name, f.Source)
		if err == nil {
			err = check(l, scenarioSource)
		}
		if e, ok := err.(*Error); ok {
			e.File = "lessons/" + f.Name + ".txt"
		}
		if err != nil {
			return nil, err
		}
		c.Lessons = append(c.Lessons, l)
	}
	if len(c.Lessons) == 0 {
		return nil, fmt.Errorf("no lessons")
	}
	for i, l := range c.Lessons {
		if l.Number != i+1 {
			return nil, fmt.Errorf("lessons/%s.txt: lessons are numbered 1 to %d without gaps; %d is missing", l.Name, len(c.Lessons), i+1)
		}
	}
	return c, nil
}

// check holds a lesson to its scenario: it exists, and every host a pause
// names is one of its hosts.
func check(l *Lesson, scenarioSource func(string) (string, error)) error {
	var hosts []string
	if l.Scenario != "" {
		src, err := scenarioSource(l.Scenario)
		if err != nil {
			return &Error{Pos: Pos{1, 1}, Msg: err.Error()}
		}
		sc, err := scenario.Parse(src)
		if err != nil {
			return &Error{Pos: Pos{1, 1}, Msg: fmt.Sprintf("scenario %s: %v", l.Scenario, err)}
		}
		if l.Title == "" {
			l.Title = sc.Title
		}
		for _, h := range sc.Hosts {
			hosts = append(hosts, h.Name)
		}
	} else if l.Title == "" {
		l.Title = "Sandbox"
	}
	unknown := func(h string) bool { return h != "" && l.Scenario != "" && slices.Index(hosts, h) < 0 }
	for _, st := range l.Steps {
		if c := st.Until; c != nil {
			for _, h := range []string{c.Host, c.NotHost} {
				if unknown(h) {
					return &Error{Pos: c.Pos, Msg: fmt.Sprintf("until: no host %q in scenario %s; its hosts are %s", h, l.Scenario, strings.Join(hosts, ", "))}
				}
			}
		}
		for _, e := range st.Expect {
			if unknown(e.Host) {
				return &Error{Pos: e.Pos, Msg: fmt.Sprintf("expect: no host %q in scenario %s; its hosts are %s", e.Host, l.Scenario, strings.Join(hosts, ", "))}
			}
		}
	}
	return nil
}

// Lesson finds lesson n.
func (c *Catalogue) Lesson(n int) (*Lesson, bool) {
	for _, l := range c.Lessons {
		if l.Number == n {
			return l, true
		}
	}
	return nil, false
}

// Range says which lesson numbers there are, for help and messages:
// "1 to 7".
func (c *Catalogue) Range() string {
	return fmt.Sprintf("1 to %d", len(c.Lessons))
}

// Switching lists the lessons whose clients' profile can be switched:
// "3, 5, 6".
func (c *Catalogue) Switching() string {
	return c.numbers(func(l *Lesson) bool { return l.ProfileSwitch })
}

// YourComputer lists the lessons with the "Your computer" panel: "3, 5, 6".
func (c *Catalogue) YourComputer() string {
	return c.numbers(func(l *Lesson) bool { return l.YourComputer })
}

// numbers lists the numbers of the lessons that are so.
func (c *Catalogue) numbers(so func(*Lesson) bool) string {
	var ns []string
	for _, l := range c.Lessons {
		if so(l) {
			ns = append(ns, fmt.Sprint(l.Number))
		}
	}
	return strings.Join(ns, ", ")
}
