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

var verdictLine = regexp.MustCompile(`(?m)^(right|wrong): the engine's answer is (.+)\.$`)

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
					sess.Do(lesson.ActAnswer + lesson.Action(letters[k]-'A'))
					k++
				}
				sess.PlayToPause(nil)
				if q := sess.View().Narration.Question; q != nil {
					want = append(want, q.Verdict.String()+": the engine's answer is "+q.Truth+".")
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
	assert.Equal(t, 3, strings.Count(r.stdout, "listen 10.0.0.10:80\n"), "web listens at the start of each of the three acts")
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
	assert.Contains(t, out, "port 1025 allocated", "the events between pauses, as portsim run prints them")
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
	assert.Contains(t, r.stdout, "right: the engine's answer is EACCES.", "a lower-case letter answers too")

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
		{[]string{"lesson"}, "want one lesson number, 1 to 7"},
		{[]string{"lesson", "0"}, `no lesson "0"; lessons are 1 to 7`},
		{[]string{"lesson", "8"}, `no lesson "8"`},
		{[]string{"lesson", "five"}, `no lesson "five"`},
		{[]string{"lesson", "1", "2"}, "want one lesson number"},
		{[]string{"lesson", "5", "--answers", "AD"}, `--answers AD: letter 2 is 'D'; want A, B or C`},
		{[]string{"lesson", "5", "--seed", "x"}, "--seed x"},
		{[]string{"lesson", "5", "--nope"}, "flag provided but not defined"},
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
