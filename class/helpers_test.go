package class

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// clock is a settable clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// fakeAsk asks question "q<scene>.<step>" with choices "a", "b", "c",
// whose answer is "b"; scene 0 has no question.
func fakeAsk(ref Ref) (Question, error) {
	if ref.Scene == 0 {
		return Question{}, fmt.Errorf("step %d of lesson 0 asks no question", ref.Step)
	}
	return Question{ID: fmt.Sprintf("q%d.%d", ref.Scene, ref.Step), ChoiceIDs: []string{"a", "b", "c"}, TruthID: "b",
		Words: Words{Text: "Which?", Choices: []string{"A a", "B b", "C c"}, Truth: "B b", Why: "because"}}, nil
}

// newTestHub returns a hub with a settable clock, seeded randomness and
// fakeAsk.
func newTestHub(t *testing.T, cfg Config) (*Hub, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
	cfg.Now = c.now
	if cfg.Rand == nil {
		cfg.Rand = rand.NewChaCha8([32]byte{1})
	}
	if cfg.Ask == nil {
		cfg.Ask = fakeAsk
	}
	return NewHub(cfg), c
}

// dev is a valid device id, numbered.
func dev(i int) string { return fmt.Sprintf("device-%010d", i) }

func newTestRoom(t *testing.T, cfg Config) (*Room, string, *clock) {
	t.Helper()
	h, c := newTestHub(t, cfg)
	code, secret, err := h.Create()
	require.NoError(t, err)
	r, err := h.Room(code)
	require.NoError(t, err)
	return r, secret, c
}
