package class

import (
	"fmt"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/lesson"
)

// Ref names a question as the projector reaches it: the lesson (scene),
// its step from 1 (as a share link's step=), the seed and the clients'
// OS profile ("" keeps each scenario's own).
type Ref struct {
	Scene   int    `json:"scene"`
	Step    int    `json:"step"`
	Seed    uint64 `json:"seed"`
	Profile string `json:"profile"`
}

// Question is what a room asks and what it knows of the answer: the
// choices as the lesson shuffles them for this run, the engine's answer
// (TruthID, one of ChoiceIDs or not) and the reason the lesson gives for
// it. Votes are judged by the choices' IDs, the same in every language;
// the words are English's, and each other language's in Langs, so that
// every device reads the question in its own.
type Question struct {
	ID        string
	ChoiceIDs []string
	TruthID   string
	Words
	Langs map[string]Words
}

// Words are a question in one language: its text, its choices' labels,
// the engine's answer and why.
type Words struct {
	Text    string
	Choices []string
	Truth   string
	Why     string
}

// In is the question's words in lang, English's if it has none in lang.
func (q *Question) In(lang string) Words {
	if w, ok := q.Langs[lang]; ok {
		return w
	}
	return q.Words
}

// Asker computes the question a Ref names, or says why there is none.
type Asker func(Ref) (Question, error)

// LessonAsker asks the lessons of cat: it opens a lesson session at the
// Ref's step, exactly as a share link with the same scene, step, seed and
// profile opens it on the projector, reads the question and its choices,
// then answers the question and plays the run until the engine has judged
// it, for the engine's answer and its reason.
func LessonAsker(cat *lesson.Catalogue) Asker {
	return func(ref Ref) (Question, error) {
		l, ok := cat.Lesson(ref.Scene)
		if !ok {
			return Question{}, fmt.Errorf("scene %d: there is no such lesson; lessons are %s", ref.Scene, cat.Range())
		}
		set := lesson.DefaultSettings()
		set.Lesson, set.LessonGiven = ref.Scene, true
		set.Seed, set.SeedGiven = ref.Seed, true
		set.Step, set.Paused = ref.Step, true
		if ref.Profile != "" {
			p, err := engine.ProfileByName(ref.Profile)
			if err != nil {
				return Question{}, fmt.Errorf("profile: %w", err)
			}
			set.Profile = p
		}
		steps := len(l.Steps) + 1 // the overview is step 1
		if ref.Step < 1 || ref.Step > steps {
			return Question{}, fmt.Errorf("step %d: lesson %d has steps 1 to %d", ref.Step, ref.Scene, steps)
		}
		ss := lesson.NewSession(cat, set, nil, &lesson.MemStore{})
		qv := ss.View().Narration.Question
		if qv == nil {
			return Question{}, fmt.Errorf("step %d of lesson %d asks no question", ref.Step, ref.Scene)
		}
		q := Question{ID: qv.ID, ChoiceIDs: qv.ChoiceIDs}
		if len(q.ChoiceIDs) == 0 {
			return Question{}, fmt.Errorf("step %d of lesson %d: the question has no choices in this run", ref.Step, ref.Scene)
		}
		// Any choice will do: the engine's answer does not depend on it.
		ss.Do(lesson.ActAnswer(0))
		ss.PlayToPause(nil)
		judged := ss.View().Narration.Question
		if judged == nil || judged.Verdict == lesson.Unjudged {
			return Question{}, fmt.Errorf("step %d of lesson %d: the run ended before the engine answered", ref.Step, ref.Scene)
		}
		q.TruthID = judged.TruthID
		// The same judged run, told in each language (Session.SetLang).
		q.Langs = map[string]Words{}
		for _, lang := range lesson.LanguageCodes() {
			if err := ss.SetLang(lang); err != nil {
				return Question{}, err
			}
			w := wordsOf(ss.View().Narration.Question)
			if lang == "en" {
				q.Words = w
			} else {
				q.Langs[lang] = w
			}
		}
		return q, nil
	}
}

func wordsOf(qv *lesson.QuestionView) Words {
	w := Words{Text: qv.Text, Truth: qv.Truth, Why: qv.Why}
	for _, c := range qv.Choices {
		w.Choices = append(w.Choices, c.Label)
	}
	return w
}
