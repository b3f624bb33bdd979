package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/lesson"
)

var verdictLine = regexp.MustCompile(`(?m)^(Right: (.+)|Not this time: the answer is (.+))\.$`)

// The terminal's verdicts are the session's: the same lesson worked through
// headless, with the same answers, judges the same way.
func TestLessonVerdictsAreTheSessions(t *testing.T) {
	cat, err := lesson.Builtin()
	require.NoError(t, err)
	for _, n := range []int{1, 5, 7} {
		for _, letters := range []string{"AAA", "BBB"} {
			r := portsim(t, "", "lesson", fmt.Sprint(n), "--answers", letters)
			require.Equal(t, 0, r.code, r.stderr)
			assert.Empty(t, r.stderr)

			// The same answers through a session.
			s := lesson.DefaultSettings()
			s.Lesson, s.LessonGiven, s.Paused = n, true, true
			sess := lesson.NewSession(cat, s, nil, &lesson.MemStore{})
			var want []string
			k := 0
			for v := sess.View(); v.Narration.Step+1 < v.Narration.Steps; v = sess.View() {
				sess.Do(lesson.ActNextStep)
				if sess.View().Narration.Question != nil {
					sess.Do(lesson.ActAnswer(int(letters[k] - 'A')))
					k++
				}
				sess.PlayToPause(nil)
				if q := sess.View().Narration.Question; q != nil {
					want = append(want, q.Lead)
					assert.Contains(t, r.stdout, wrap("Why: "+q.Why, 78))
				}
			}
			var got []string
			got = append(got, verdictLine.FindAllString(r.stdout, -1)...)
			assert.Equal(t, want, got, "lesson %d answered %s", n, letters)
			assert.Equal(t, k, strings.Count(r.stdout, "Question: "), "every question is printed")
			assert.Contains(t, r.stdout, "\nLesson complete: ")
			assert.Equal(t, n < len(cat.Lessons), strings.Contains(r.stdout, fmt.Sprintf("(portsim lesson %d).", n+1)), "the next lesson is offered")
		}
	}
}

// A step that replays starts its act from t = 0 in the terminal too: it
// says so under the act's title and prints what happens at once again.
func TestLessonPrintsEachActFromTheStart(t *testing.T) {
	r := portsim(t, "", "lesson", "4", "--answers", "A")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "From t = 0 again: 4. Without ephemeral ports: real TCP\n")
	assert.Contains(t, r.stdout, "From t = 0 again: 4. With ephemeral ports\n")
	assert.Equal(t, 3, strings.Count(r.stdout, ": web listens on 10.0.0.10:80\n"), "web listens at the start of each of the three acts")
}

func TestLessonPrintsStepsEventsAndChoices(t *testing.T) {
	r := portsim(t, "", "lesson", "5", "--answers", "BB", "--seed", "7")
	require.Equal(t, 0, r.code, r.stderr)
	out := r.stdout
	assert.True(t, strings.HasPrefix(out, "Lesson 5. Running out of ports, and reuse\n"))
	cat, err := lesson.Builtin()
	require.NoError(t, err)
	l, ok := cat.Lesson(5)
	require.True(t, ok)
	n := len(l.Steps) + 1 // and the overview
	for i := 1; i <= n; i++ {
		assert.Contains(t, out, fmt.Sprintf("\nStep %d of %d\n", i, n))
	}
	assert.Regexp(t, `(?m)^\s+A\) \d+$`, out, "a port question's choices are ports")
	assert.Contains(t, out, "  t = 0.000 s: client got port 1025 for a connection to 10.0.0.10:80\n", "the events between pauses, as the event log words them")
	assert.Contains(t, out, "failed: WSAENOBUFS", "its Windows XP client's error")
	assert.Equal(t, 2, len(verdictLine.FindAllString(out, -1)))
	for _, l := range lines(out) {
		assert.LessOrEqual(t, len([]rune(l)), 100, "lines stay readable: %q", l)
	}
}

func TestLessonReadsAnswersFromStandardInput(t *testing.T) {
	// Where lesson 1's first question puts the engine's answer.
	cat, err := lesson.Builtin()
	require.NoError(t, err)
	s := lesson.DefaultSettings()
	s.Lesson, s.LessonGiven, s.Paused = 1, true, true
	sess := lesson.NewSession(cat, s, nil, &lesson.MemStore{})
	sess.Do(lesson.ActNextStep)
	letter := ""
	for _, c := range sess.View().Narration.Question.Choices {
		if c.Label == "EACCES" {
			letter = strings.ToLower(c.Key)
		}
	}
	require.NotEmpty(t, letter)

	r := portsimIn(t, "", "x\n\n"+letter+"\n", "lesson", "1")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, `"X" is not one of the choices.`)
	assert.Contains(t, r.stdout, `"" is not one of the choices.`)
	assert.Contains(t, r.stdout, "Right: EACCES.", "a lower-case letter answers too")

	// The end of the input ends the lesson cleanly, before its verdict.
	r = portsimIn(t, "", "", "lesson", "5")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "Your answer (A, B, C): ")
	assert.NotRegexp(t, verdictLine, r.stdout)

	// Running out of --answers does the same.
	r = portsim(t, "", "lesson", "5", "--answers", "A")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "(no more answers)")
	assert.Len(t, verdictLine.FindAllString(r.stdout, -1), 1)
}

func TestLessonUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"lesson"}, "want one lesson number, 1 to 8"},
		{[]string{"lesson", "0"}, `no lesson "0"; lessons are 1 to 8`},
		{[]string{"lesson", "9"}, `no lesson "9"`},
		{[]string{"lesson", "five"}, `no lesson "five"`},
		{[]string{"lesson", "1", "2"}, "want one lesson number"},
		{[]string{"lesson", "5", "--answers", "AD"}, `--answers AD: letter 2 is 'D'; want A, B or C`},
		{[]string{"lesson", "5", "--seed", "x"}, "--seed x"},
		{[]string{"lesson", "5", "--nope"}, "flag provided but not defined"},
		{[]string{"lesson", "5", "--lang", "tlh"}, `--lang tlh: no language "tlh"; want one of en, de, es, uk`},
	} {
		r := portsim(t, "", tc.args...)
		assert.Equal(t, exitBadArgs, r.code, "%v", tc.args)
		assert.Contains(t, r.stderr, tc.want, "%v", tc.args)
		assert.Empty(t, r.stdout, "%v: nothing printed before the error", tc.args)
	}
	// A letter that is not one of this question's choices (lesson 1's
	// question has three; a two-choice question would refuse C).
	r := portsim(t, "", "lesson", "1", "--answers", "C")
	assert.Equal(t, 0, r.code)
}

// The sandbox is open-ended: the terminal never calls it complete.
func TestSandboxLessonNeverSaysComplete(t *testing.T) {
	r := portsim(t, "", "lesson", "6", "--answers", "A")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "\nStep 2 of 2\n")
	assert.NotContains(t, r.stdout, "Lesson complete")
}

var (
	keyStep   = regexp.MustCompile(`(?m)^Step (\d+) of (\d+): (?:(the run starts again; )?plays (.+) → (.+), (.+) at 1×|the overview)`)
	keyAnswer = regexp.MustCompile(`(?m)^  Answer: (.+)$`)
	keyTotal  = regexp.MustCompile(`(?m)^In all (.+) at 1×`)
)

// The answer key is the session's own run: every step with how long it
// plays, every question with the engine's answer (its letter among the
// choices printed) and its reason.
func TestLessonAnswerKey(t *testing.T) {
	cat, err := lesson.Builtin()
	require.NoError(t, err)
	for _, l := range cat.Lessons {
		r := portsim(t, "", "lesson", fmt.Sprint(l.Number), "--key", "--seed", "7")
		require.Equal(t, 0, r.code, r.stderr)
		out := r.stdout
		assert.True(t, strings.HasPrefix(out, "Answer key: lesson "+fmt.Sprint(l.Number)+". "), out)

		s := lesson.DefaultSettings()
		s.Lesson, s.LessonGiven, s.Paused, s.Seed = l.Number, true, true, 7
		sess := lesson.NewSession(cat, s, nil, &lesson.MemStore{})
		var truths []string
		for {
			v := sess.View()
			if v.Narration.Question != nil {
				sess.Do(lesson.ActAnswer(1)) // another answer than the key's: the truth is the engine's
			}
			sess.PlayToPause(nil)
			if q := sess.View().Narration.Question; q != nil {
				truths = append(truths, q.Truth)
				assert.Contains(t, out, wrap("Why: "+q.Why, 74)[:40], "lesson %d: why %s", l.Number, q.Truth)
			}
			if v.Narration.Step+1 >= v.Narration.Steps {
				break
			}
			sess.Do(lesson.ActNextStep)
		}
		steps := keyStep.FindAllStringSubmatch(out, -1)
		require.Len(t, steps, len(l.Steps)+1, "lesson %d: every step, the overview first", l.Number)
		var answers []string
		for _, m := range keyAnswer.FindAllStringSubmatch(out, -1) {
			answers = append(answers, m[1])
		}
		require.Len(t, answers, len(truths), "lesson %d: every question answered", l.Number)
		for i, a := range answers {
			assert.True(t, strings.HasSuffix(a, ") "+truths[i]), "lesson %d: %q is the engine's %q with its letter", l.Number, a, truths[i])
			letter := a[:1]
			assert.Regexp(t, `(?m)^    `+letter+`\) `+regexp.QuoteMeta(truths[i])+`$`, out, "lesson %d: the letter is the truth's among the choices", l.Number)
		}
		// The steps after the overview play on one after another from
		// the run's start, or say that the run starts again; the last
		// ends where the session's run does.
		last := steps[len(steps)-1]
		total := keyTotal.FindStringSubmatch(out)
		require.NotNil(t, total, "lesson %d", l.Number)
		if last[5] != "" {
			assert.Equal(t, lesson.FmtDur(sess.View().Clock.Now), last[5], "lesson %d: the last step ends where the session's does", l.Number)
		}
		again := false
		for i := 2; i < len(steps); i++ {
			if steps[i][3] != "" {
				again = true
				assert.Equal(t, "0.000 s", steps[i][4], "lesson %d: step %d starts the run again from its start", l.Number, i+1)
				continue
			}
			assert.Equal(t, steps[i-1][5], steps[i][4], "lesson %d: step %d starts where the one before paused", l.Number, i+1)
		}
		if !again && last[5] != "" {
			assert.Equal(t, last[5], total[1], "lesson %d: the steps' lengths add up to the run's", l.Number)
		}
	}
	r := portsim(t, "", "lesson", "2", "--key", "--answers", "A")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "--key and --answers")
}

// --lang works the lesson through in another language: the same steps,
// events and verdicts, its words from that language's phrasebook (the
// pseudo-language here: it exists whatever the translators have done).
func TestLessonInAnotherLanguage(t *testing.T) {
	en := portsim(t, "", "lesson", "2", "--answers", "AAAA")
	long := portsim(t, "", "lesson", "2", "--answers", "AAAA", "--lang", "xx-long")
	require.Equal(t, 0, long.code, long.stderr)
	assert.NotEqual(t, en.stdout, long.stdout)
	assert.Contains(t, long.stdout, "[Twö sérvérs", "the narration in the pseudo-language")
	assert.Equal(t, len(verdictLine.FindAllString(en.stdout, -1)), strings.Count(long.stdout, "[Ríght: ")+strings.Count(long.stdout, "[Ñöt"), "as many verdicts")
}

// The events are the app's event log's lines, in the lesson's language.
func TestLessonPrintsEventsInItsLanguage(t *testing.T) {
	for _, tc := range []struct{ lang, listens, gotPort string }{
		{"en", "  t = 0.000 s: web-a listens on 10.0.0.10:80\n", "client got port "},
		{"uk", "  t = 0,000 с: web-a слухає 10.0.0.10:80\n", "client: отримано порт "},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			r := portsim(t, "", "lesson", "2", "--answers", "AAAA", "--lang", tc.lang)
			require.Equal(t, 0, r.code, r.stderr)
			assert.Contains(t, r.stdout, tc.listens)
			assert.Contains(t, r.stdout, tc.gotPort)
			assert.NotContains(t, r.stdout, "listen 10.0.0.10:80", "not the engine's trace")
		})
	}
}
