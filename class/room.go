package class

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"sync"
	"time"
)

// More refusals.
var (
	ErrNoMoreRounds     = errors.New("a question has two rounds: the second has been opened already")
	ErrTooManyQuestions = fmt.Errorf("a room asks at most %d questions: open a new room", MaxQuestions)
	ErrTooManyStreams   = errors.New("the room has as many open streams as it can follow")
)

// MaxQuestions bounds a room's summary, and so its memory.
const MaxQuestions = 200

// BadRef is a question that cannot be asked: Err says why (no such
// lesson, no question at that step, an unknown profile).
type BadRef struct{ Err error }

func (e BadRef) Error() string { return e.Err.Error() }
func (e BadRef) Unwrap() error { return e.Err }

// Phase is where a room's question is.
type Phase uint8

const (
	Waiting  Phase = iota // no question yet
	Voting                // a round is open
	Closed                // the round is closed; the teacher may show its distribution
	Revealed              // the engine's answer and each device's verdict are shown
)

func (p Phase) String() string { return [...]string{"waiting", "voting", "closed", "revealed"}[p] }

// MarshalText names the phase in JSON.
func (p Phase) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText reads a phase's name, for clients written in Go.
func (p *Phase) UnmarshalText(b []byte) error {
	for q := Waiting; q <= Revealed; q++ {
		if string(b) == q.String() {
			*p = q
			return nil
		}
	}
	return fmt.Errorf("unknown phase %q", b)
}

// Room is one class session. Its state is behind mu; every method locks
// it, so handlers on many goroutines may call them.
type Room struct {
	code, secret string
	cfg          *Config

	mu      sync.Mutex
	last    time.Time // the last request that named the room
	devices map[string]*bucket
	q       *asked   // the question now; nil before the first
	done    []Result // the questions before it, oldest first
	votes   uint64   // votes accepted so far
	// ver counts the changes devices see, tver every change (the teacher
	// sees them all); each change closes its channel and makes a new one,
	// which wakes every stream waiting on it. ended: the room expired,
	// its channels closed for good.
	ver, tver uint64
	dch, tch  chan struct{}
	ended     bool
	// streams counts the streams open on the room, at most two a device
	// (a page reloaded may open its next before the server notices its
	// last gone) and a few for the teacher.
	streams int
}

// asked is the question a room asks now. votes[i] maps each device that
// voted in round i+1 to its choice; tally[i] counts them by choice, so
// that the sum of tally[i] is always len(votes[i]).
type asked struct {
	Question
	n        int // from 1, in the room
	round    int // 1 or 2
	open     bool
	shown    [2]bool // the teacher has shown round i+1's distribution
	revealed bool
	votes    [2]map[string]int
	tally    [2][]int
}

func newRoom(code, secret string, cfg *Config, now time.Time) *Room {
	return &Room{code: code, secret: secret, cfg: cfg, last: now, devices: map[string]*bucket{},
		dch: make(chan struct{}), tch: make(chan struct{})}
}

// Code is the room's short code.
func (r *Room) Code() string { return r.code }

func (r *Room) idleSince(now time.Time) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return now.Sub(r.last)
}

// unused reports how long the room has been idle, and whether nobody has
// used it: no device joined, no question asked, no stream open.
func (r *Room) unused(now time.Time) (time.Duration, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return now.Sub(r.last), len(r.devices) == 0 && r.q == nil && r.streams == 0
}

// close ends the room: every stream waiting on it wakes and finds it gone.
func (r *Room) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.ended {
		r.ended = true
		close(r.dch)
		close(r.tch)
	}
}

// changed records a change devices see (the teacher sees it too).
func (r *Room) changed() {
	r.ver++
	close(r.dch)
	r.dch = make(chan struct{})
	r.teacherChanged()
}

// teacherChanged records a change only the teacher sees (a join, a vote).
func (r *Room) teacherChanged() {
	r.tver++
	close(r.tch)
	r.tch = make(chan struct{})
}

// teach checks the teacher's secret (in constant time, so that timing
// tells nothing of it) and marks the room used; it locks r on success.
func (r *Room) teach(secret string) error {
	if subtle.ConstantTimeCompare([]byte(secret), []byte(r.secret)) != 1 {
		return ErrForbidden
	}
	r.mu.Lock()
	if r.ended {
		r.mu.Unlock()
		return ErrNoRoom
	}
	r.last = r.cfg.Now()
	return nil
}

// Ask makes ref's question the room's, with its first round open. The
// question before it goes to the summary as it stands.
func (r *Room) Ask(secret string, ref Ref) error {
	if subtle.ConstantTimeCompare([]byte(secret), []byte(r.secret)) != 1 {
		return ErrForbidden
	}
	// Computed before locking: it replays the lesson to the step.
	q, err := r.cfg.Ask(ref)
	if err != nil {
		return BadRef{err}
	}
	if err := r.teach(secret); err != nil {
		return err
	}
	defer r.mu.Unlock()
	n := 1
	if r.q != nil {
		if len(r.done)+1 >= MaxQuestions {
			return ErrTooManyQuestions
		}
		r.done = append(r.done, r.q.result())
		n = r.q.n + 1
	}
	a := &asked{Question: q, n: n, round: 1, open: true}
	for i := range a.votes {
		a.votes[i] = map[string]int{}
		a.tally[i] = make([]int, len(q.Choices))
	}
	r.q = a
	r.changed()
	return nil
}

// ShowDistribution closes the open round, so that nobody follows the
// crowd, and shows the teacher how its votes fell.
func (r *Room) ShowDistribution(secret string) error {
	if err := r.teach(secret); err != nil {
		return err
	}
	defer r.mu.Unlock()
	if r.q == nil {
		return ErrNoQuestion
	}
	r.q.open = false
	r.q.shown[r.q.round-1] = true
	r.changed()
	return nil
}

// SecondRound closes the first round and opens the second: every device
// votes again, after talking with its neighbour.
func (r *Room) SecondRound(secret string) error {
	if err := r.teach(secret); err != nil {
		return err
	}
	defer r.mu.Unlock()
	switch {
	case r.q == nil:
		return ErrNoQuestion
	case r.q.revealed:
		return ErrRevealed
	case r.q.round == 2:
		return ErrNoMoreRounds
	}
	r.q.round, r.q.open = 2, true
	r.changed()
	return nil
}

// Reveal closes the round and shows the engine's answer: each device its
// own verdict and the reason, the teacher every round's distribution.
func (r *Room) Reveal(secret string) error {
	if err := r.teach(secret); err != nil {
		return err
	}
	defer r.mu.Unlock()
	if r.q == nil {
		return ErrNoQuestion
	}
	r.q.open, r.q.revealed = false, true
	for i := range r.q.round {
		r.q.shown[i] = true
	}
	r.changed()
	return nil
}

// Follow counts a stream opened on the room, refusing one past twice its
// device limit and a few: each holds a goroutine and a connection. The
// stream calls release when it ends.
func (r *Room) Follow() (release func(), err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.streams >= 2*r.cfg.MaxDevices+8 {
		return nil, ErrTooManyStreams
	}
	r.streams++
	return func() {
		r.mu.Lock()
		r.streams--
		r.mu.Unlock()
	}, nil
}

// Join adds a device to the room; joining again (a page reloaded, a
// phone back from sleep) keeps its votes.
func (r *Room) Join(device string) error {
	if !validDevice(device) {
		return ErrBadDevice
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ended {
		return ErrNoRoom
	}
	now := r.cfg.Now()
	b := r.devices[device]
	if b == nil {
		if len(r.devices) >= r.cfg.MaxDevices {
			return ErrRoomFull
		}
		b = &bucket{}
		r.devices[device] = b
		r.teacherChanged()
	}
	r.last = now
	if !b.take(r.cfg.Rate, now) {
		return ErrRateLimited
	}
	return nil
}

// Vote records device's choice in the given round of the given question
// (its number in the room), replacing its earlier choice in that round.
// A vote for any round but the open one is refused, so a vote sent just
// before a round closed never lands in the next. It returns how many
// votes the room has accepted, this one included.
func (r *Room) Vote(device string, question, round, choice int) (uint64, error) {
	if !validDevice(device) {
		return 0, ErrBadDevice
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ended {
		return 0, ErrNoRoom
	}
	now := r.cfg.Now()
	b := r.devices[device]
	if b == nil {
		return 0, ErrNotJoined
	}
	r.last = now
	if !b.take(r.cfg.Rate, now) {
		return 0, ErrRateLimited
	}
	q := r.q
	switch {
	case q == nil:
		return 0, ErrNoQuestion
	case question != q.n || round != q.round || !q.open:
		return 0, ErrRoundClosed
	case choice < 0 || choice >= len(q.Choices):
		return 0, ErrBadChoice
	}
	votes, tally := q.votes[round-1], q.tally[round-1]
	if old, ok := votes[device]; ok {
		tally[old]--
	}
	votes[device] = choice
	tally[choice]++
	r.votes++
	r.teacherChanged()
	return r.votes, nil
}

// validDevice: a device id is the page's own random id (16 to 64
// characters of [A-Za-z0-9_-]), so that no id is a name.
func validDevice(id string) bool {
	if len(id) < 16 || len(id) > 64 {
		return false
	}
	for _, c := range []byte(id) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
