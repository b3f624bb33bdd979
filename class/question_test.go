package class

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/lesson"
)

// TestLessonAsker: the questions the lessons ask, with the engine's
// answers, and the refs that name none.
func TestLessonAsker(t *testing.T) {
	cat, err := lesson.Builtin()
	require.NoError(t, err)
	ask := LessonAsker(cat)
	tests := []struct {
		name    string
		ref     Ref
		id      string
		truth   string
		wantErr string
	}{
		// Lesson 1's question: an unprivileged bind of :80 on Linux
		// (facts/ports.md: ports below 1024 need CAP_NET_BIND_SERVICE).
		{"an unprivileged listen", Ref{Scene: 1, Step: 2, Seed: 1}, "1-unprivileged-80", "EACCES", ""},
		{"a second listener", Ref{Scene: 2, Step: 2, Seed: 1}, "2-second-listener", "EADDRINUSE", ""},
		{"the active closer holds TIME_WAIT", Ref{Scene: 3, Step: 3, Seed: 1}, "3-time-wait-side", "the client", ""},
		// Sequential allocation hands ports out in order.
		{"the next sequential port", Ref{Scene: 5, Step: 3, Seed: 1}, "5-next-port", "1028", ""},
		{"a step with no question", Ref{Scene: 1, Step: 1, Seed: 1}, "", "", "step 1 of lesson 1 asks no question"},
		{"no such lesson", Ref{Scene: 99, Step: 1}, "", "", "scene 99: there is no such lesson"},
		{"step past the end", Ref{Scene: 1, Step: 9}, "", "", "step 9: lesson 1 has steps 1 to 4"},
		{"step 0", Ref{Scene: 1, Step: 0}, "", "", "step 0: lesson 1 has steps 1 to 4"},
		{"unknown profile", Ref{Scene: 3, Step: 3, Profile: "beos"}, "", "", `profile: unknown profile "beos"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, err := ask(tc.ref)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.id, q.ID)
			assert.Equal(t, tc.truth, q.Truth)
			assert.Contains(t, q.Choices, q.Truth)
			assert.NotEmpty(t, q.Text)
			assert.NotEmpty(t, q.Why)
			assert.Contains(t, q.ChoiceIDs, q.TruthID, "the truth is judged by ID")
			for _, lang := range lesson.LanguageCodes() {
				w := q.In(lang)
				assert.Len(t, w.Choices, len(q.ChoiceIDs), lang)
				assert.NotEmpty(t, w.Text, lang)
				assert.NotEmpty(t, w.Why, lang)
				if b, err := lesson.Phrases(lang); err == nil && b.Has("lesson."+strconv.Itoa(tc.ref.Scene)+".title") {
					assert.NotEqual(t, q.Text, w.Text, "%s has lesson %d translated: its question is too", lang, tc.ref.Scene)
				}
			}
		})
	}
}

// TestLessonAskerIsTheProjectors: the room's question is the one a
// session opened at the same scene, step and seed shows, choices in the
// same order, and its answer the one that session's engine gives.
func TestLessonAskerIsTheProjectors(t *testing.T) {
	cat, err := lesson.Builtin()
	require.NoError(t, err)
	for _, seed := range []uint64{1, 2, 77} {
		ref := Ref{Scene: 5, Step: 3, Seed: seed}
		q, err := LessonAsker(cat)(ref)
		require.NoError(t, err)

		set := lesson.DefaultSettings()
		set.Lesson, set.LessonGiven, set.Seed, set.SeedGiven, set.Step = 5, true, seed, true, 3
		ss := lesson.NewSession(cat, set, nil, &lesson.MemStore{})
		qv := ss.View().Narration.Question
		require.NotNil(t, qv)
		var labels []string
		for _, c := range qv.Choices {
			labels = append(labels, c.Label)
		}
		assert.Equal(t, labels, q.Choices, "seed %d", seed)
		right := -1
		for i, c := range labels {
			if c == q.Truth {
				right = i
			}
		}
		require.GreaterOrEqual(t, right, 0)
		ss.Do(lesson.ActAnswer(right))
		for range 10000 {
			if ss.View().Narration.Question.Verdict != lesson.Unjudged {
				break
			}
			ss.Tick(50e6)
		}
		assert.Equal(t, lesson.Right, ss.View().Narration.Question.Verdict, "seed %d: the projector's engine agrees", seed)
	}
}
