package class

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// DeviceView is what one device shows: the question and its choices, its
// own vote, and after the reveal its own verdict and the reason. It never
// holds other devices' votes.
type DeviceView struct {
	Version  uint64   `json:"-"` // changes whenever what devices see changes
	Code     string   `json:"code"`
	Phase    Phase    `json:"phase"`
	Question int      `json:"question"` // the question's number in the room, from 1; 0 before the first
	Text     string   `json:"text,omitempty"`
	Choices  []string `json:"choices,omitempty"`
	Round    int      `json:"round,omitempty"`
	Vote     int      `json:"vote"`    // this round's choice, -1 for none
	Earlier  int      `json:"earlier"` // the first round's choice while the second is open, -1 for none
	Verdict  string   `json:"verdict,omitempty"`
	Truth    string   `json:"truth,omitempty"`
	Why      string   `json:"why,omitempty"`
}

// Verdicts a device can get at the reveal.
const (
	VerdictRight  = "right"
	VerdictWrong  = "wrong"
	VerdictNoVote = "none" // the device voted in no round
)

// DeviceView returns what device shows now, in English, and a channel
// closed at the next change devices see (or when the room ends).
func (r *Room) DeviceView(device string) (DeviceView, <-chan struct{}, error) {
	return r.DeviceViewIn(device, "en")
}

// DeviceViewIn is DeviceView with the question in language lang.
func (r *Room) DeviceViewIn(device, lang string) (DeviceView, <-chan struct{}, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ended {
		return DeviceView{}, nil, ErrNoRoom
	}
	if r.devices[device] == nil {
		return DeviceView{}, nil, ErrNotJoined
	}
	v := DeviceView{Version: r.ver, Code: r.code, Phase: Waiting, Vote: -1, Earlier: -1}
	q := r.q
	if q == nil {
		return v, r.dch, nil
	}
	w := q.In(lang)
	v.Phase, v.Question, v.Text, v.Choices, v.Round = q.phase(), q.n, w.Text, w.Choices, q.round
	if c, ok := q.votes[q.round-1][device]; ok {
		v.Vote = c
	}
	if c, ok := q.votes[0][device]; ok && q.round == 2 {
		v.Earlier = c
	}
	if q.revealed {
		v.Truth, v.Why = w.Truth, w.Why
		v.Verdict = VerdictNoVote
		if c, ok := q.last(device); ok {
			v.Verdict = VerdictWrong
			if q.right(c) {
				v.Verdict = VerdictRight
			}
		}
	}
	return v, r.dch, nil
}

// right says whether choice c is the engine's answer: by ID, never by
// the words of one language.
func (q *asked) right(c int) bool { return q.ChoiceIDs[c] == q.TruthID }

// phase is where q is.
func (q *asked) phase() Phase {
	switch {
	case q.revealed:
		return Revealed
	case q.open:
		return Voting
	}
	return Closed
}

// last is device's last choice: in the second round if it voted there,
// else in the first.
func (q *asked) last(device string) (int, bool) {
	for i := q.round - 1; i >= 0; i-- {
		if c, ok := q.votes[i][device]; ok {
			return c, true
		}
	}
	return 0, false
}

// TeacherView is what the projector shows of the room: how many devices
// joined and voted, each round's distribution once the teacher has shown
// it (never while its round is open), and the answer once revealed.
type TeacherView struct {
	Version  uint64   `json:"-"` // changes at every change
	Code     string   `json:"code"`
	Devices  int      `json:"devices"`
	Phase    Phase    `json:"phase"`
	Question int      `json:"question"`
	ID       string   `json:"id,omitempty"`
	Text     string   `json:"text,omitempty"`
	Choices  []string `json:"choices,omitempty"`
	Round    int      `json:"round,omitempty"`
	Voted    int      `json:"voted"` // devices that voted in this round
	Votes    uint64   `json:"votes"` // votes the room has accepted, as Vote counts them
	// Tallies[i] counts round i+1's votes by choice; nil until shown.
	Tallies [][]int `json:"tallies,omitempty"`
	Truth   string  `json:"truth,omitempty"`
	Why     string  `json:"why,omitempty"`
	// Played is, once revealed, the answer the projector plays: the choice
	// most devices chose in the last round anyone voted in (the first of
	// equals), numbered from 1; 0 when nobody voted.
	Played int `json:"played,omitempty"`
}

// TeacherView returns what the projector shows now, in English, and a
// channel closed at the next change (or when the room ends).
func (r *Room) TeacherView(secret string) (TeacherView, <-chan struct{}, error) {
	return r.TeacherViewIn(secret, "en")
}

// TeacherViewIn is TeacherView with the question in language lang.
func (r *Room) TeacherViewIn(secret, lang string) (TeacherView, <-chan struct{}, error) {
	if err := r.teach(secret); err != nil {
		return TeacherView{}, nil, err
	}
	defer r.mu.Unlock()
	v := TeacherView{Version: r.tver, Code: r.code, Devices: len(r.devices), Phase: Waiting, Votes: r.votes}
	if q := r.q; q != nil {
		w := q.In(lang)
		v.Phase, v.Question, v.ID, v.Text, v.Choices, v.Round = q.phase(), q.n, q.ID, w.Text, w.Choices, q.round
		v.Voted = len(q.votes[q.round-1])
		for i := range q.round {
			if q.shown[i] {
				v.Tallies = append(v.Tallies, append([]int(nil), q.tally[i]...))
			} else {
				v.Tallies = append(v.Tallies, nil)
			}
		}
		if !q.shown[0] && !q.shown[1] {
			v.Tallies = nil
		}
		if q.revealed {
			v.Truth, v.Why, v.Played = w.Truth, w.Why, q.mostChosen()+1
		}
	}
	return v, r.tch, nil
}

// Result is one question's summary: how many devices voted in each
// round and how many of them chose the engine's answer.
type Result struct {
	N      int    // the question's number in the room
	ID     string // the lesson's question id
	Text   string
	Truth  string
	Rounds int    // 1 or 2
	Voters [2]int // by round
	Right  [2]int
}

// Share is the part of round i's (1 or 2) voters who were right, and
// false when nobody voted in it.
func (res Result) Share(i int) (float64, bool) {
	if i < 1 || i > res.Rounds || res.Voters[i-1] == 0 {
		return 0, false
	}
	return float64(res.Right[i-1]) / float64(res.Voters[i-1]), true
}

func (q *asked) result() Result {
	res := Result{N: q.n, ID: q.ID, Text: q.Text, Truth: q.Truth, Rounds: q.round}
	for i := range q.round {
		res.Voters[i] = len(q.votes[i])
		for c, n := range q.tally[i] {
			if q.right(c) {
				res.Right[i] += n
			}
		}
	}
	return res
}

// Summary returns every question the room has asked, the current one as
// it stands.
func (r *Room) Summary(secret string) ([]Result, error) {
	if err := r.teach(secret); err != nil {
		return nil, err
	}
	defer r.mu.Unlock()
	out := append([]Result(nil), r.done...)
	if r.q != nil {
		out = append(out, r.q.result())
	}
	return out, nil
}

// WriteCSV writes results as CSV, one row per question; a round nobody
// voted in (or that was not run) has empty cells.
func WriteCSV(w io.Writer, results []Result) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"question", "id", "text", "answer",
		"round1_voters", "round1_right", "round1_share", "round2_voters", "round2_right", "round2_share"})
	for _, res := range results {
		row := []string{strconv.Itoa(res.N), res.ID, res.Text, res.Truth}
		for i := 1; i <= 2; i++ {
			if i > res.Rounds {
				row = append(row, "", "", "")
				continue
			}
			share := ""
			if s, ok := res.Share(i); ok {
				share = fmt.Sprintf("%.2f", s)
			}
			row = append(row, strconv.Itoa(res.Voters[i-1]), strconv.Itoa(res.Right[i-1]), share)
		}
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

// mostChosen is the choice most devices chose in the last round anyone
// voted in (the first of equals), or -1 when nobody voted.
func (q *asked) mostChosen() int {
	for r := q.round - 1; r >= 0; r-- {
		best, n := -1, 0
		for k, c := range q.tally[r] {
			if c > n {
				best, n = k, c
			}
		}
		if best >= 0 {
			return best
		}
	}
	return -1
}
