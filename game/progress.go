package game

import "encoding/json"

// Progress is what survives a reload: the lesson (scene) last open, the
// step reached in each, and each question's verdict. It is stored as JSON
// by a store: localStorage in the browser, a file natively.
type Progress struct {
	Scene   int               `json:"scene,omitempty"`
	Steps   map[int]int       `json:"steps,omitempty"`   // scene number -> step
	Answers map[string]string `json:"answers,omitempty"` // question id -> "right" or "wrong"
}

// store keeps progress between runs.
type store interface {
	load() ([]byte, error)
	save([]byte) error
}

// memStore keeps progress for this run only (tests; storage unavailable).
type memStore struct{ b []byte }

func (m *memStore) load() ([]byte, error) { return m.b, nil }
func (m *memStore) save(b []byte) error   { m.b = append([]byte(nil), b...); return nil }

// loadProgress reads progress from s; damaged or missing data is an empty
// progress (with the reason, to show), never a failure to start.
func loadProgress(s store) (Progress, error) {
	var p Progress
	b, err := s.load()
	if err == nil && len(b) > 0 {
		err = json.Unmarshal(b, &p)
	}
	if err != nil {
		p = Progress{}
	}
	if p.Steps == nil {
		p.Steps = map[int]int{}
	}
	if p.Answers == nil {
		p.Answers = map[string]string{}
	}
	return p, err
}

func saveProgress(s store, p Progress) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return s.save(b)
}
