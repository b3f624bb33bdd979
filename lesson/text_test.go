package lesson

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
)

// Every strategy says in its own words how it picks: none falls back to
// another's text.
func TestEveryStrategyHasItsOwnText(t *testing.T) {
	seen := map[string]engine.Strategy{}
	for _, st := range engine.Strategies {
		for _, text := range []string{strategyText(English(), st), pickText(English(), st, 0), pickText(English(), st, 1028)} {
			require.NotEmpty(t, text, "%s", st)
			if other, ok := seen[text]; ok && other != st {
				t.Errorf("%s says what %s says: %q", st, other, text)
			}
			seen[text] = st
		}
	}
}

// Every profile × every question whose verdict explains a pick: the
// reason is the answering host's own strategy's.
func TestEveryPickIsExplainedByItsOwnStrategy(t *testing.T) {
	asked := 0
	for _, l := range builtin(t).Lessons {
		for i, st := range l.Steps {
			if st.Ask == nil || !strings.Contains(st.Ask.Why.Src, "{answer.pick}") {
				continue
			}
			for _, prof := range profileChoices(l) {
				t.Run(fmt.Sprintf("%s/step %d/%s", l.Name, i+1, prof.Name), func(t *testing.T) {
					set := DefaultSettings()
					set.Lesson, set.LessonGiven, set.Paused, set.Seed, set.Profile = l.Number, true, true, 7, prof
					s := NewSession(builtin(t), set, nil, &MemStore{})
					s.gotoStep(i + 1)
					s.Do(ActAnswer(0))
					s.PlayToPause(nil)
					q := s.View().Narration.Question
					require.NotNil(t, q)
					require.NotEqual(t, Unjudged, q.Verdict)
					h := s.run.play.hosts[s.run.play.hostIndex(s.run.firstClient().Name)]
					// The sentence without the port before it, which
					// varies: what is particular to the strategy.
					own := pickText(English(), h.Profile.Connect, 0)
					if h.Profile.Connect == engine.Sequential || h.Profile.Connect == engine.LinuxHint {
						own = strings.SplitN(pickText(English(), h.Profile.Connect, 1), ": ", 2)[1]
					}
					assert.Contains(t, q.Why, own[len(own)/2:], "%s (%s)", prof.Name, h.Profile.Connect)
					asked++
				})
			}
		}
	}
	assert.Positive(t, asked, "some question explains a pick")
}

// A ceiling is rounded down: it never promises more than it is.
func TestFmtRateRoundsDown(t *testing.T) {
	for _, tc := range []struct {
		x    float64
		want string
	}{
		{28232.0 / 60, "470"}, // facts/ports.md §7: 470.5 /s
		{16384.0 / 240, "68.2"},
		{55536.0 / 60, "925"},
		{10.0 / 20, "0.5"},
		{10.0 / 4, "2.5"},
		{10.0 / 3, "3.33"},
		{64512.0 / 65, "992"},
		{16384.0 / 30, "546"},
		{1e6 / 7, "142857"},
		{0, "0"},
	} {
		assert.Equal(t, tc.want, FmtRate(tc.x), "%v", tc.x)
	}
}

// Lesson 3's narration follows the clients' OSes: which of them can use a
// port in TIME_WAIT toward other destinations (the engine's
// ShareAcrossDestinations), and whether P made them one OS.
func TestLesson3SaysEachOSsRules(t *testing.T) {
	l, ok := builtin(t).Lesson(3)
	require.True(t, ok)
	for _, prof := range profileChoices(l) {
		t.Run(prof.Name, func(t *testing.T) {
			s := DefaultSettings()
			s.Profile = prof
			r, err := NewRun(l, s)
			require.NoError(t, err)
			text := strings.Join(lessonTexts(l, r), " ")
			for _, h := range r.clients() {
				if h.Profile.ShareAcrossDestinations {
					assert.Regexp(t, `\b`+h.Name+`\b[^;.]*can meanwhile use the same port`, text, "%s (%s)", h.Name, h.Profile.Name)
				} else {
					assert.Regexp(t, `\b`+h.Name+`\b[^;.]*cannot give that port`, text, "%s (%s)", h.Name, h.Profile.Name)
				}
			}
			// Why an OS climbs by one is said only while it is shown.
			for _, name := range orderWhy {
				why := English().T("strategy.order.why." + name)
				shown := slices.ContainsFunc(r.clients(), func(h *hostState) bool { return h.Profile.Name == name })
				assert.Equal(t, shown, strings.Contains(text, why), "%s's reason, %s shown: %v", name, prof.Name, shown)
			}
			if prof.Name == "" {
				assert.Contains(t, text, "each picking ports from its own OS's range its own way")
			} else {
				assert.Contains(t, text, "all on "+prof.Title)
				assert.NotContains(t, lessonTexts(l, r)[1], "laptop ("+shortOSIn(English(), prof)+")", "one OS for all, its way said once")
			}
		})
	}
}

// Lesson 5's "which port next" says it is a guess where the profile picks
// at random, and the used-up range's error is explained where it is first
// offered.
func TestLesson5AdaptsToTheProfile(t *testing.T) {
	l, ok := builtin(t).Lesson(5)
	require.True(t, ok)
	for _, prof := range profileChoices(l) {
		s := DefaultSettings()
		s.Profile = prof
		r, err := NewRun(l, s)
		require.NoError(t, err)
		text := strings.Join(lessonTexts(l, r), " ")
		c := r.firstClient().Profile
		random := c.Connect == engine.RandomStart || c.Connect == engine.RandomPick
		assert.Equal(t, random, strings.Contains(text, "any answer is a guess"), "%s (%s)", prof.Name, c.Connect)
		exhausted := engine.ErrAddrNotAvail.Name
		if c.ExhaustedErr != nil {
			exhausted = c.ExhaustedErr.Name
		}
		assert.Contains(t, text, "("+exhausted+": ", "%s: the error is explained with the question", prof.Name)
	}
}

// A TIME_WAIT countdown rounds up: a 4-tuple still held never reads 0s.
func TestTimeWaitCountdownRoundsUp(t *testing.T) {
	for _, tc := range []struct {
		left time.Duration
		want string
	}{{0, "0s"}, {time.Millisecond, "1s"}, {400 * time.Millisecond, "1s"}, {time.Second, "1s"}, {1001 * time.Millisecond, "2s"}, {59500 * time.Millisecond, "60s"}} {
		assert.Equal(t, tc.want, SocketRow{State: engine.TimeWait, TimeWaitLeft: tc.left}.TimeWaitText(), "%s", tc.left)
	}
}

// The menu's names in words: the learner's own scenario is no numbered
// lesson ("Lesson 10").
func TestLessonButtonNames(t *testing.T) {
	s := newSession(t, 3)
	require.NoError(t, s.LoadScenario("mine.txt", twoServers))
	var names []string
	for _, b := range s.View().Lessons {
		names = append(names, b.Name())
	}
	assert.Contains(t, names, "Lesson 3: "+must(builtin(t).Lesson(3)).Short)
	assert.Contains(t, names, "Your scenario")
	for _, n := range names {
		assert.NotContains(t, n, fmt.Sprintf("Lesson %d", CustomLesson))
	}
}

// K says what its link carries: a lesson's names the lesson (scene=), not
// a scenario; the learner's own carries the scenario itself.
func TestLinkCarriesWhatItSays(t *testing.T) {
	s := newSession(t, 3)
	frag, err := s.ShareFragment()
	require.NoError(t, err)
	require.Contains(t, frag, "scene=3")
	assert.Contains(t, s.LinkCarries(), "lesson 3")
	assert.NotContains(t, s.LinkCarries(), "scenario")
	require.NoError(t, s.LoadScenario("mine.txt", twoServers))
	frag, err = s.ShareFragment()
	require.NoError(t, err)
	require.Contains(t, frag, "scenario=")
	assert.Contains(t, s.LinkCarries(), "your scenario itself")
}
