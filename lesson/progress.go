package lesson

import (
	"encoding/json"

	"github.com/portplay/portplay/internal/jsonlite"
)

// Progress is what survives a reload: the lesson last open, the step
// reached in each, and each question's verdict. It is kept as JSON by a
// Store: localStorage in the browser, a file natively.
type Progress struct {
	Lesson  int               `json:"scene,omitempty"`
	Steps   map[int]int       `json:"steps,omitempty"`   // lesson number -> step
	Answers map[string]string `json:"answers,omitempty"` // question id -> "right" or "wrong"
	Done    map[int]bool      `json:"done,omitempty"`    // lessons worked through to their last step
	Lang    string            `json:"lang,omitempty"`    // the language last chosen
}

// Store keeps progress between runs.
type Store interface {
	Load() ([]byte, error)
	Save([]byte) error
}

// MemStore keeps progress for this run only (tests, the terminal, or when
// storage is unavailable).
type MemStore struct{ b []byte }

func (m *MemStore) Load() ([]byte, error) { return m.b, nil }
func (m *MemStore) Save(b []byte) error   { m.b = append([]byte(nil), b...); return nil }

// newProgress is an empty progress, its maps ready to fill.
func newProgress() Progress {
	return Progress{Steps: map[int]int{}, Answers: map[string]string{}, Done: map[int]bool{}}
}

// loadProgress reads progress from s; damaged or missing data is an empty
// progress (with the reason, to show), never a failure to start.
func loadProgress(s Store) (Progress, error) {
	var p Progress
	b, err := s.Load()
	if err == nil && len(b) > 0 {
		err = p.read(b)
	}
	if err != nil {
		return newProgress(), err
	}
	empty := newProgress()
	if p.Steps == nil {
		p.Steps = empty.Steps
	}
	if p.Answers == nil {
		p.Answers = empty.Answers
	}
	if p.Done == nil {
		p.Done = empty.Done
	}
	return p, nil
}

// read is json.Unmarshal(b, p) by jsonlite, whose fuzz test holds it to
// that: the browser's download is smaller by encoding/json's decoder.
func (p *Progress) read(b []byte) error {
	return jsonlite.Unmarshal(b, jsonlite.Fields{"scene", &p.Lesson, "steps", &p.Steps, "answers", &p.Answers,
		"done", &p.Done, "lang", &p.Lang})
}

func saveProgress(s Store, p Progress) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return s.Save(b)
}
