package class

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// step is one action on a room and the error it must give.
type step struct {
	do      func(r *Room, secret string) error
	wantErr error
}

func ask(ref Ref) func(*Room, string) error {
	return func(r *Room, s string) error { return r.Ask(s, ref) }
}
func join(d int) func(*Room, string) error {
	return func(r *Room, _ string) error { return r.Join(dev(d)) }
}
func vote(d, question, round, choice int) func(*Room, string) error {
	return func(r *Room, _ string) error { _, err := r.Vote(dev(d), question, round, choice); return err }
}
func show(r *Room, s string) error   { return r.ShowDistribution(s) }
func second(r *Room, s string) error { return r.SecondRound(s) }
func reveal(r *Room, s string) error { return r.Reveal(s) }
func forged(f func(*Room, string) error) func(*Room, string) error {
	return func(r *Room, s string) error { return f(r, s[:len(s)-1]+"x") }
}

var q1 = Ref{Scene: 1, Step: 2, Seed: 1}

func TestRoomActions(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
		// After the steps: the teacher's view, and device 1's.
		teacher TeacherView
		device  DeviceView
	}{
		{
			name:    "a new room waits",
			steps:   []step{{join(1), nil}},
			teacher: TeacherView{Devices: 1, Phase: Waiting},
			device:  DeviceView{Phase: Waiting, Vote: -1, Earlier: -1},
		},
		{
			name:    "a vote before any question",
			steps:   []step{{join(1), nil}, {vote(1, 1, 1, 0), ErrNoQuestion}},
			teacher: TeacherView{Devices: 1, Phase: Waiting},
			device:  DeviceView{Phase: Waiting, Vote: -1, Earlier: -1},
		},
		{
			name:    "a vote is counted once, changed while open",
			steps:   []step{{join(1), nil}, {join(2), nil}, {ask(q1), nil}, {vote(1, 1, 1, 0), nil}, {vote(1, 1, 1, 2), nil}, {vote(2, 1, 1, 2), nil}},
			teacher: TeacherView{Devices: 2, Phase: Voting, Question: 1, Round: 1, Voted: 2, Votes: 3},
			device:  DeviceView{Phase: Voting, Question: 1, Round: 1, Vote: 2, Earlier: -1},
		},
		{
			name: "the distribution closes the round and shows the tally",
			steps: []step{{join(1), nil}, {join(2), nil}, {ask(q1), nil}, {vote(1, 1, 1, 0), nil}, {vote(1, 1, 1, 1), nil}, {vote(2, 1, 1, 2), nil},
				{show, nil}, {vote(1, 1, 1, 0), ErrRoundClosed}},
			teacher: TeacherView{Devices: 2, Phase: Closed, Question: 1, Round: 1, Voted: 2, Votes: 3, Tallies: [][]int{{0, 1, 1}}},
			device:  DeviceView{Phase: Closed, Question: 1, Round: 1, Vote: 1, Earlier: -1},
		},
		{
			name: "a second round: votes again, the first kept beside it",
			steps: []step{{join(1), nil}, {join(2), nil}, {ask(q1), nil}, {vote(1, 1, 1, 0), nil}, {vote(2, 1, 1, 2), nil},
				{show, nil}, {second, nil}, {vote(1, 1, 1, 1), ErrRoundClosed}, {vote(1, 1, 2, 1), nil}, {second, ErrNoMoreRounds}},
			teacher: TeacherView{Devices: 2, Phase: Voting, Question: 1, Round: 2, Voted: 1, Votes: 3, Tallies: [][]int{{1, 0, 1}, nil}},
			device:  DeviceView{Phase: Voting, Question: 1, Round: 2, Vote: 1, Earlier: 0},
		},
		{
			name: "the reveal: right with the second round's vote",
			steps: []step{{join(1), nil}, {ask(q1), nil}, {vote(1, 1, 1, 0), nil}, {second, nil}, {vote(1, 1, 2, 1), nil},
				{reveal, nil}, {vote(1, 1, 2, 2), ErrRoundClosed}, {second, ErrRevealed}},
			teacher: TeacherView{Devices: 1, Phase: Revealed, Question: 1, Round: 2, Voted: 1, Votes: 2, Tallies: [][]int{{1, 0, 0}, {0, 1, 0}}, Truth: "B b", Why: "because", Played: 2},
			device:  DeviceView{Phase: Revealed, Question: 1, Round: 2, Vote: 1, Earlier: 0, Verdict: VerdictRight, Truth: "B b", Why: "because"},
		},
		{
			name:    "the reveal: the first round's vote stands when the second has none",
			steps:   []step{{join(1), nil}, {ask(q1), nil}, {vote(1, 1, 1, 2), nil}, {second, nil}, {reveal, nil}},
			teacher: TeacherView{Devices: 1, Phase: Revealed, Question: 1, Round: 2, Voted: 0, Votes: 1, Tallies: [][]int{{0, 0, 1}, {0, 0, 0}}, Truth: "B b", Why: "because", Played: 3},
			device:  DeviceView{Phase: Revealed, Question: 1, Round: 2, Vote: -1, Earlier: 2, Verdict: VerdictWrong, Truth: "B b", Why: "because"},
		},
		{
			name:    "the reveal plays the first of equally chosen answers",
			steps:   []step{{join(1), nil}, {join(2), nil}, {ask(q1), nil}, {vote(1, 1, 1, 2), nil}, {vote(2, 1, 1, 1), nil}, {reveal, nil}},
			teacher: TeacherView{Devices: 2, Phase: Revealed, Question: 1, Round: 1, Voted: 2, Votes: 2, Tallies: [][]int{{0, 1, 1}}, Truth: "B b", Why: "because", Played: 2},
			device:  DeviceView{Phase: Revealed, Question: 1, Round: 1, Vote: 2, Earlier: -1, Verdict: VerdictWrong, Truth: "B b", Why: "because"},
		},
		{
			name:    "the reveal without a vote",
			steps:   []step{{join(1), nil}, {ask(q1), nil}, {reveal, nil}},
			teacher: TeacherView{Devices: 1, Phase: Revealed, Question: 1, Round: 1, Tallies: [][]int{{0, 0, 0}}, Truth: "B b", Why: "because"},
			device:  DeviceView{Phase: Revealed, Question: 1, Round: 1, Vote: -1, Earlier: -1, Verdict: VerdictNoVote, Truth: "B b", Why: "because"},
		},
		{
			name: "a vote for the question before is refused",
			steps: []step{{join(1), nil}, {ask(q1), nil}, {vote(1, 1, 1, 1), nil}, {ask(Ref{Scene: 2, Step: 2}), nil},
				{vote(1, 1, 1, 1), ErrRoundClosed}, {vote(1, 2, 1, 0), nil}},
			teacher: TeacherView{Devices: 1, Phase: Voting, Question: 2, Round: 1, Voted: 1, Votes: 2},
			device:  DeviceView{Phase: Voting, Question: 2, Round: 1, Vote: 0, Earlier: -1},
		},
		{
			name:    "bad choices and devices change nothing",
			steps:   []step{{join(1), nil}, {ask(q1), nil}, {vote(1, 1, 1, 3), ErrBadChoice}, {vote(1, 1, 1, -1), ErrBadChoice}, {vote(2, 1, 1, 0), ErrNotJoined}, {vote(1, 1, 3, 0), ErrRoundClosed}},
			teacher: TeacherView{Devices: 1, Phase: Voting, Question: 1, Round: 1},
			device:  DeviceView{Phase: Voting, Question: 1, Round: 1, Vote: -1, Earlier: -1},
		},
		{
			name: "forged teacher actions change nothing",
			steps: []step{{join(1), nil}, {ask(q1), nil}, {forged(ask(Ref{Scene: 2, Step: 2})), ErrForbidden}, {forged(show), ErrForbidden},
				{forged(second), ErrForbidden}, {forged(reveal), ErrForbidden}, {func(r *Room, _ string) error { return r.Reveal("") }, ErrForbidden}},
			teacher: TeacherView{Devices: 1, Phase: Voting, Question: 1, Round: 1},
			device:  DeviceView{Phase: Voting, Question: 1, Round: 1, Vote: -1, Earlier: -1},
		},
		{
			name:    "a question that cannot be asked leaves the one asked",
			steps:   []step{{join(1), nil}, {ask(q1), nil}, {ask(Ref{Scene: 0, Step: 1}), BadRef{}}},
			teacher: TeacherView{Devices: 1, Phase: Voting, Question: 1, Round: 1},
			device:  DeviceView{Phase: Voting, Question: 1, Round: 1, Vote: -1, Earlier: -1},
		},
		{
			name:    "teacher actions before a question",
			steps:   []step{{join(1), nil}, {show, ErrNoQuestion}, {second, ErrNoQuestion}, {reveal, ErrNoQuestion}},
			teacher: TeacherView{Devices: 1, Phase: Waiting},
			device:  DeviceView{Phase: Waiting, Vote: -1, Earlier: -1},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, secret, c := newTestRoom(t, Config{})
			for i, s := range tc.steps {
				c.advance(time.Second) // within any device's rate
				err := s.do(r, secret)
				if tc.steps[i].wantErr == nil {
					require.NoError(t, err, "step %d", i)
				} else if _, ok := s.wantErr.(BadRef); ok {
					require.ErrorAs(t, err, new(BadRef), "step %d", i)
				} else {
					require.ErrorIs(t, err, s.wantErr, "step %d", i)
				}
			}
			tv, _, err := r.TeacherView(secret)
			require.NoError(t, err)
			tc.teacher.Code = r.Code()
			if tc.teacher.Question > 0 {
				q, _ := fakeAsk(q1)
				tc.teacher.ID, tc.teacher.Text, tc.teacher.Choices = tv.ID, q.Text, q.Choices
			}
			tv.Version = 0
			assert.Equal(t, tc.teacher, tv)
			dv, _, err := r.DeviceView(dev(1))
			require.NoError(t, err)
			tc.device.Code = r.Code()
			if tc.device.Question > 0 {
				q, _ := fakeAsk(q1)
				tc.device.Text, tc.device.Choices = q.Text, q.Choices
			}
			dv.Version = 0
			assert.Equal(t, tc.device, dv)
		})
	}
}

// TestChanges: a device's channel closes at what devices see (a question,
// a round, a reveal), not at another device's vote; the teacher's at
// every change.
func TestChanges(t *testing.T) {
	r, secret, _ := newTestRoom(t, Config{})
	closed := func(ch <-chan struct{}) bool {
		select {
		case <-ch:
			return true
		default:
			return false
		}
	}
	require.NoError(t, r.Join(dev(1)))
	require.NoError(t, r.Join(dev(2)))
	dv, dch, err := r.DeviceView(dev(1))
	require.NoError(t, err)
	_, tch, err := r.TeacherView(secret)
	require.NoError(t, err)

	require.NoError(t, r.Ask(secret, q1))
	assert.True(t, closed(dch))
	assert.True(t, closed(tch))
	dv2, dch, err := r.DeviceView(dev(1))
	require.NoError(t, err)
	assert.Greater(t, dv2.Version, dv.Version)
	_, tch, _ = r.TeacherView(secret)

	_, err = r.Vote(dev(2), 1, 1, 0)
	require.NoError(t, err)
	assert.False(t, closed(dch), "another device's vote is not news to a device")
	assert.True(t, closed(tch), "the teacher counts votes")

	require.NoError(t, r.Reveal(secret))
	assert.True(t, closed(dch))
}

func TestDeviceIDs(t *testing.T) {
	r, _, _ := newTestRoom(t, Config{})
	for _, tc := range []struct {
		id string
		ok bool
	}{
		{"0123456789abcdef", true},
		{"f81d4fae-7dec-11d0-a765-00a0c91e6bf6", true},
		{"A_b-C_d-E_f-G_h-", true},
		{"0123456789abcde", false}, // 15: too short
		{string(bytes.Repeat([]byte("a"), 65)), false},
		{"0123456789abcdef ", false},
		{"0123456789abcdéf", false},
		{"../../etc/passwd0", false},
		{"", false},
	} {
		err := r.Join(tc.id)
		if tc.ok {
			assert.NoError(t, err, tc.id)
		} else {
			assert.ErrorIs(t, err, ErrBadDevice, tc.id)
		}
	}
}

func TestRoomFull(t *testing.T) {
	r, secret, _ := newTestRoom(t, Config{MaxDevices: 3})
	for i := range 3 {
		require.NoError(t, r.Join(dev(i)))
	}
	require.ErrorIs(t, r.Join(dev(3)), ErrRoomFull)
	require.NoError(t, r.Join(dev(1)), "a device that joined joins again")
	v, _, err := r.TeacherView(secret)
	require.NoError(t, err)
	assert.Equal(t, 3, v.Devices)
}

func TestRateLimit(t *testing.T) {
	r, secret, c := newTestRoom(t, Config{Rate: Rate{PerSecond: 2, Burst: 3}})
	require.NoError(t, r.Ask(secret, q1))
	require.NoError(t, r.Join(dev(1))) // one token
	for range 2 {
		_, err := r.Vote(dev(1), 1, 1, 0)
		require.NoError(t, err)
	}
	_, err := r.Vote(dev(1), 1, 1, 2)
	require.ErrorIs(t, err, ErrRateLimited)
	require.NoError(t, r.Join(dev(2)), "the limit is per device")
	c.advance(500 * time.Millisecond) // one token back
	_, err = r.Vote(dev(1), 1, 1, 1)
	require.NoError(t, err)
	_, err = r.Vote(dev(1), 1, 1, 2)
	require.ErrorIs(t, err, ErrRateLimited)

	v, _, err := r.TeacherView(secret)
	require.NoError(t, err)
	r.ShowDistribution(secret)
	v, _, _ = r.TeacherView(secret)
	assert.Equal(t, [][]int{{0, 1, 0}}, v.Tallies, "a refused vote changes no tally")
	assert.Equal(t, uint64(3), v.Votes)
}

func TestPhaseText(t *testing.T) {
	for p := Waiting; p <= Revealed; p++ {
		b, err := p.MarshalText()
		require.NoError(t, err)
		var q Phase
		require.NoError(t, q.UnmarshalText(b))
		assert.Equal(t, p, q)
	}
	var q Phase
	assert.ErrorContains(t, q.UnmarshalText([]byte("open")), `unknown phase "open"`)
}

func TestStreamLimit(t *testing.T) {
	r, _, _ := newTestRoom(t, Config{MaxDevices: 2})
	var releases []func()
	for range 2*2 + 8 {
		release, err := r.Follow()
		require.NoError(t, err)
		releases = append(releases, release)
	}
	_, err := r.Follow()
	require.ErrorIs(t, err, ErrTooManyStreams)
	releases[0]()
	release, err := r.Follow()
	require.NoError(t, err, "a stream ended frees its place")
	release()
}
