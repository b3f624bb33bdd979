package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/portplay/portplay/engine/sim"
	"github.com/portplay/portplay/lesson"
)

const lessonHelp = `usage: portsim lesson N [--answers LETTERS | --key] [--seed N] [--lang LANG]

Works through lesson N in the terminal: the same lessons, the same engine
and the same judging as the app. Each step's narration is printed, the
simulation plays to the step's pause (its events printed as portsim run
prints them), and each question is asked: answer A, B or C on standard
input, and the engine's verdict follows. With --answers, the letters answer
the questions in order (for scripts); the end of the input, or of the
letters, ends the lesson.

With --key, the answer key for a teacher preparing the lesson: each step,
how long it plays at 1×, and each question with its answer and why, as the
engine answers them (the same run as the app's, with the same seed).

With --lang, the lesson in another language: de, es, uk (English by
default; xx-long is English made longer, for testing layouts).
`

func lessonCmd(args []string, stdout, _ io.Writer) error {
	fs := newFlags("lesson")
	answers := fs.String("answers", "", "answer the questions in order with these `LETTERS` (A, B or C each), not from standard input")
	seed := fs.String("seed", "", "seed `N` of every random choice (default 1)")
	key := fs.Bool("key", false, "print the lesson's answer key: each step's length at 1×, each question's answer and why")
	lang := fs.String("lang", "", "the `LANG`uage to work in: "+strings.Join(lesson.LanguageCodes(), ", ")+" (default en)")
	pos, err := parse(fs, args, stdout, lessonHelp)
	if err != nil {
		return err
	}
	cat, err := lesson.Builtin()
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return bad("want one lesson number, %s", cat.Range())
	}
	n, err := strconv.Atoi(pos[0])
	if _, ok := cat.Lesson(n); err != nil || !ok {
		return bad("no lesson %q; lessons are %s", pos[0], cat.Range())
	}
	for i, r := range *answers {
		if !strings.ContainsRune("ABCabc", r) {
			return bad("--answers %s: letter %d is %q; want A, B or C", *answers, i+1, r)
		}
	}
	set := lesson.DefaultSettings()
	set.Lesson, set.LessonGiven, set.Paused = n, true, true
	if *lang != "" {
		if _, err := lesson.Phrases(*lang); err != nil {
			return bad("--lang %s: %v", *lang, err)
		}
		set.Lang, set.LangGiven = *lang, true
	}
	if *seed != "" {
		if set.Seed, err = parseSeed(*seed); err != nil {
			return err
		}
	}
	if *key {
		if *answers != "" {
			return bad("--key and --answers: the key answers every question itself; give one of them")
		}
		return answerKey(stdout, lesson.NewSession(cat, set, nil, &lesson.MemStore{}), set.Seed)
	}
	var in *bufio.Reader
	if *answers == "" {
		in = bufio.NewReader(os.Stdin)
	}
	t := &terminal{w: stdout, in: in, letters: []rune(strings.ToUpper(*answers))}
	return t.work(lesson.NewSession(cat, set, nil, &lesson.MemStore{}))
}

// terminal is the third front end: it prints the session's view as text
// and reads answers.
type terminal struct {
	w       io.Writer
	in      *bufio.Reader // nil with --answers
	letters []rune
}

func (t *terminal) work(s *lesson.Session) error {
	vm := s.View()
	if vm.Fatal != "" {
		return fmt.Errorf("%s", vm.Fatal)
	}
	fmt.Fprintln(t.w, s.T("cli.lesson.title", "title", vm.Title))
	t.step(s, vm)
	// Events are printed once played, in the event log's words: it names
	// connections as it meets them.
	var played []sim.Event
	show := func(e sim.Event) { played = append(played, e) }
	printPlayed := func() {
		for _, e := range played {
			fmt.Fprintln(t.w, "  "+s.T("event.at", "t", s.Dur(e.At), "event", s.Describe(e)))
		}
		played = played[:0]
	}
	for vm.Narration.Step+1 < vm.Narration.Steps {
		s.Do(lesson.ActNextStep)
		vm = s.View()
		t.step(s, vm)
		if vm.Narration.Replayed {
			fmt.Fprintln(t.w, s.T("cli.lesson.again", "title", vm.Title))
		}
		if vm.Narration.Step == 1 || vm.Narration.Replayed {
			s.Replay(show) // the lesson proper, or a new act, starts from the start: what happens at once
			printPlayed()
		}
		if q := vm.Narration.Question; q != nil {
			k, ok, err := t.answer(s, q)
			if err != nil || !ok {
				return err // end of input ends the lesson cleanly
			}
			s.Do(lesson.ActAnswer(k))
		}
		s.PlayToPause(show)
		printPlayed()
		vm = s.View()
		if q := vm.Narration.Question; q != nil {
			fmt.Fprintln(t.w, q.Lead)
			fmt.Fprintln(t.w, wrap(s.T("cli.lesson.why", "why", q.Why), 78))
		}
	}
	n := vm.Narration
	if !n.Complete {
		return nil // the sandbox is open-ended: it never ends
	}
	fmt.Fprintln(t.w, "\n"+wrap(n.CompleteText(), 78))
	if n.Next != "" {
		fmt.Fprintln(t.w, s.T("cli.lesson.next", "next", n.Next, "n", vm.Lesson+1))
	}
	return nil
}

// answerKey prints lesson s's answer key: every step with how long it
// plays at 1× (its simulated time, from where it starts to its pause),
// and every question with the engine's answer and its reason, from the
// session's own run: nothing in it is typed by hand.
func answerKey(w io.Writer, s *lesson.Session, seed uint64) error {
	vm := s.View()
	if vm.Fatal != "" {
		return fmt.Errorf("%s", vm.Fatal)
	}
	fmt.Fprintln(w, s.T("cli.key.title", "title", vm.Title, "seed", seed))
	var total time.Duration
	for {
		n := vm.Narration
		from := vm.Clock.Now
		q := n.Question
		if q != nil {
			s.Do(lesson.ActAnswer(0)) // any answer: the engine's is the same
		}
		s.PlayToPause(nil)
		vm = s.View()
		plays := vm.Clock.Now - from
		total += plays
		if n.Step == 0 {
			// Opened, a lesson's overview plays the scene on while it is
			// introduced; its first step starts the run again.
			fmt.Fprintln(w, "\n"+s.T("cli.key.overview", "step", n.StepText(), "run", s.Dur(vm.Clock.End)))
		} else {
			id := "cli.key.plays"
			if n.Replayed {
				id = "cli.key.plays-again" // a new act from t = 0
			}
			fmt.Fprintln(w, "\n"+s.T(id, "step", n.StepText(), "from", s.Dur(from), "to", s.Dur(vm.Clock.Now), "plays", s.Dur(plays)))
		}
		if q != nil {
			q = vm.Narration.Question
			fmt.Fprintln(w, indent(wrap(s.T("cli.lesson.question", "question", q.Text), 74)))
			answer := q.Truth
			for i, c := range q.Choices {
				fmt.Fprintf(w, "    %s) %s\n", c.Key, c.Label)
				if q.ChoiceIDs[i] == q.TruthID {
					answer = c.Key + ") " + q.Truth
				}
			}
			fmt.Fprintln(w, indent(wrap(s.T("cli.key.answer", "answer", answer), 74)))
			fmt.Fprintln(w, indent(wrap(s.T("cli.lesson.why", "why", q.Why), 74)))
		} else {
			fmt.Fprintln(w, indent(wrap(n.Text, 74)))
		}
		if n.Step+1 >= n.Steps {
			break
		}
		s.Do(lesson.ActNextStep)
		vm = s.View()
	}
	fmt.Fprintln(w, "\n"+s.T("cli.key.total", "total", s.Dur(total)))
	return nil
}

// indent puts two spaces before each line of s.
func indent(s string) string { return "  " + strings.ReplaceAll(s, "\n", "\n  ") }

// step prints a step's heading and narration, or its question.
func (t *terminal) step(s *lesson.Session, vm lesson.View) {
	n := vm.Narration
	fmt.Fprintln(t.w, "\n"+n.StepText())
	if q := n.Question; q != nil {
		fmt.Fprintln(t.w, wrap(s.T("cli.lesson.question", "question", q.Text), 78))
		for _, c := range q.Choices {
			fmt.Fprintf(t.w, "  %s) %s\n", c.Key, c.Label)
		}
		return
	}
	fmt.Fprintln(t.w, wrap(n.Text, 78))
}

// answer reads the learner's letter: from --answers, or a line of input
// (asked again until it is one of the choices). ok is false at the end of
// the input.
func (t *terminal) answer(s *lesson.Session, q *lesson.QuestionView) (int, bool, error) {
	letters := "ABC"[:len(q.Choices)]
	if t.in == nil {
		if len(t.letters) == 0 {
			fmt.Fprintln(t.w, s.T("cli.lesson.no-more-answers"))
			return 0, false, nil
		}
		r := t.letters[0]
		t.letters = t.letters[1:]
		k := strings.IndexRune(letters, r)
		if k < 0 {
			return 0, false, bad("--answers: %c: this question's choices are %s", r, strings.Join(strings.Split(letters, ""), ", "))
		}
		fmt.Fprintln(t.w, s.T("cli.lesson.answer", "letter", string(r)))
		return k, true, nil
	}
	for {
		fmt.Fprint(t.w, s.T("cli.lesson.prompt", "letters", strings.Join(strings.Split(letters, ""), ", "))+" ")
		line, err := t.in.ReadString('\n')
		a := strings.ToUpper(strings.TrimFunc(line, unicode.IsSpace))
		if len(a) == 1 && strings.Contains(letters, a) {
			return strings.Index(letters, a), true, nil
		}
		if err != nil {
			fmt.Fprintln(t.w)
			return 0, false, nil
		}
		fmt.Fprintln(t.w, s.T("cli.lesson.not-a-choice", "answer", strconv.Quote(a)))
	}
}

// wrap breaks s into lines of at most width characters.
func wrap(s string, width int) string {
	var b strings.Builder
	n := 0
	for _, w := range strings.Fields(s) {
		if n > 0 && n+1+len([]rune(w)) > width {
			b.WriteByte('\n')
			n = 0
		} else if n > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len([]rune(w))
	}
	return b.String()
}
