package class

import (
	"bytes"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCreate(t *testing.T) {
	h, _ := newTestHub(t, Config{MaxRooms: 20})
	codes, secrets := map[string]bool{}, map[string]bool{}
	for range 20 {
		code, secret, err := h.Create()
		require.NoError(t, err)
		assert.Regexp(t, regexp.MustCompile(`^[`+codeAlphabet+`]{6}$`), code)
		assert.Regexp(t, regexp.MustCompile(`^[0-9a-f]{32}$`), secret, "128 bits")
		assert.NotContains(t, strings.ToUpper(secret), code)
		codes[code], secrets[secret] = true, true
	}
	assert.Len(t, codes, 20)
	assert.Len(t, secrets, 20)
	_, _, err := h.Create()
	assert.ErrorIs(t, err, ErrTooManyRooms)
}

// TestCodesDoNotRepeat: with a random source that draws the same bytes
// again, a second room still gets a code of its own.
func TestCodesDoNotRepeat(t *testing.T) {
	src := bytes.Repeat([]byte{7, 7, 7, 7, 7, 7, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, 2)
	src = append(src, 8, 8, 8, 8, 8, 8) // the second room's code, after a repeat
	src = append(src, bytes.Repeat([]byte{9}, 16)...)
	h, _ := newTestHub(t, Config{Rand: bytes.NewReader(src)})
	a, _, err := h.Create()
	require.NoError(t, err)
	b, _, err := h.Create()
	require.NoError(t, err)
	assert.NotEqual(t, a, b)
}

func TestCodeLettersEvenly(t *testing.T) {
	// A byte at or above 248 (31 × 8) is drawn again, not folded onto the
	// first letters.
	h, _ := newTestHub(t, Config{Rand: bytes.NewReader(append([]byte{255, 248, 0, 30, 31, 247, 62, 1}, make([]byte, 16)...))})
	code, _, err := h.Create()
	require.NoError(t, err)
	assert.Equal(t, "A9A9AB", code)
}

func TestExpiry(t *testing.T) {
	h, c := newTestHub(t, Config{MaxRooms: 2})
	idle, _, err := h.Create()
	require.NoError(t, err)
	used, _, err := h.Create()
	require.NoError(t, err)
	r, err := h.Room(used)
	require.NoError(t, err)
	_, dch, err := func() (DeviceView, <-chan struct{}, error) {
		require.NoError(t, r.Join(dev(1)))
		return r.DeviceView(dev(1))
	}()
	require.NoError(t, err)

	c.advance(3 * time.Hour)
	require.NoError(t, r.Join(dev(1)), "a request keeps the room")
	c.advance(time.Hour + time.Second)
	_, err = h.Room(idle)
	assert.ErrorIs(t, err, ErrNoRoom, "four idle hours")
	_, err = h.Room(used)
	assert.NoError(t, err)
	_, _, err = h.Create()
	assert.NoError(t, err, "the expired room's place is free")

	c.advance(4*time.Hour + time.Second)
	assert.Equal(t, 0, h.Expire())
	select {
	case <-dch:
	default:
		t.Fatal("a stream waiting on an expired room is not woken")
	}
	_, _, err = r.DeviceView(dev(1))
	assert.ErrorIs(t, err, ErrNoRoom)
	assert.ErrorIs(t, r.Join(dev(1)), ErrNoRoom)
}

func TestSummaryCSV(t *testing.T) {
	r, secret, c := newTestRoom(t, Config{})
	for i := range 4 {
		require.NoError(t, r.Join(dev(i)))
	}
	vote := func(d, q, round, choice int) {
		c.advance(time.Second)
		_, err := r.Vote(dev(d), q, round, choice)
		require.NoError(t, err)
	}
	// Question 1: one of four right alone, three after talking.
	require.NoError(t, r.Ask(secret, q1))
	vote(0, 1, 1, 1)
	vote(1, 1, 1, 0)
	vote(2, 1, 1, 2)
	vote(3, 1, 1, 0)
	require.NoError(t, r.ShowDistribution(secret))
	require.NoError(t, r.SecondRound(secret))
	vote(0, 1, 2, 1)
	vote(1, 1, 2, 1)
	vote(2, 1, 2, 1)
	vote(3, 1, 2, 0)
	require.NoError(t, r.Reveal(secret))
	// Question 2: one round, two voters, both right; question 3: nobody.
	require.NoError(t, r.Ask(secret, Ref{Scene: 2, Step: 2}))
	vote(0, 2, 1, 1)
	vote(1, 2, 1, 1)
	require.NoError(t, r.Reveal(secret))
	require.NoError(t, r.Ask(secret, Ref{Scene: 3, Step: 3}))

	res, err := r.Summary(secret)
	require.NoError(t, err)
	require.Len(t, res, 3)
	s1, _ := res[0].Share(1)
	s2, _ := res[0].Share(2)
	assert.InDelta(t, 0.25, s1, 1e-9)
	assert.InDelta(t, 0.75, s2, 1e-9)
	_, ok := res[2].Share(1)
	assert.False(t, ok, "nobody voted")

	var b bytes.Buffer
	require.NoError(t, WriteCSV(&b, res))
	assert.Equal(t, `question,id,text,answer,round1_voters,round1_right,round1_share,round2_voters,round2_right,round2_share
1,q1.2,Which?,B b,4,1,0.25,4,3,0.75
2,q2.2,Which?,B b,2,2,1.00,,,
3,q3.3,Which?,B b,0,0,,,,
`, b.String())

	_, err = r.Summary(secret + "0")
	assert.ErrorIs(t, err, ErrForbidden)
}

func TestRateBucket(t *testing.T) {
	c := &clock{t: time.Unix(0, 0)}
	var b bucket
	rate := Rate{PerSecond: 1, Burst: 2}
	assert.True(t, b.take(rate, c.t))
	assert.True(t, b.take(rate, c.t))
	assert.False(t, b.take(rate, c.t))
	c.advance(10 * time.Second) // refills only to the burst
	assert.True(t, b.take(rate, c.t))
	assert.True(t, b.take(rate, c.t))
	assert.False(t, b.take(rate, c.t))
	assert.False(t, b.take(rate, c.t.Add(-time.Second)), "a clock that steps back gives nothing")
}

// TestConcurrentVotes: many devices voting at once from many goroutines
// (run with -race) leave each device's last vote counted once.
func TestConcurrentVotes(t *testing.T) {
	r, secret, _ := newTestRoom(t, Config{Rate: Rate{PerSecond: 1e6, Burst: 1e6}})
	require.NoError(t, r.Ask(secret, q1))
	const n = 200
	done := make(chan int)
	for i := range n {
		go func() {
			rnd := rand.New(rand.NewPCG(uint64(i), 0))
			require.NoError(t, r.Join(dev(i)))
			last := 0
			for range 1 + rnd.IntN(5) {
				last = rnd.IntN(3)
				_, err := r.Vote(dev(i), 1, 1, last)
				require.NoError(t, err)
			}
			done <- last
		}()
	}
	want := make([]int, 3)
	for range n {
		want[<-done]++
	}
	require.NoError(t, r.ShowDistribution(secret))
	v, _, err := r.TeacherView(secret)
	require.NoError(t, err)
	assert.Equal(t, [][]int{want}, v.Tallies)
	assert.Equal(t, n, v.Voted)
}

// A full server makes way for a new room by dropping one nobody has used
// for unusedGrace, the one idle longest; rooms in use are never dropped.
func TestFullServerDropsAnUnusedRoom(t *testing.T) {
	h, c := newTestHub(t, Config{MaxRooms: 3})
	first, _, err := h.Create()
	require.NoError(t, err)
	c.advance(time.Minute)
	second, _, err := h.Create()
	require.NoError(t, err)
	used, secret, err := h.Create()
	require.NoError(t, err)
	r, err := h.Room(used)
	require.NoError(t, err)
	require.NoError(t, r.Join(dev(1)))

	_, _, err = h.Create()
	assert.ErrorIs(t, err, ErrTooManyRooms, "no room unused for long enough yet")

	c.advance(unusedGrace + time.Second)
	fourth, _, err := h.Create()
	require.NoError(t, err, "the first room, never used, makes way")
	_, err = h.Room(first)
	assert.ErrorIs(t, err, ErrNoRoom, "the one idle longest")
	_, err = h.Room(second)
	assert.NoError(t, err)
	_, err = h.Room(used)
	assert.NoError(t, err, "a room a device joined stays")

	// A stream open on a room (the teacher's page) keeps it in use.
	sr, err := h.Room(second)
	require.NoError(t, err)
	release, err := sr.Follow()
	require.NoError(t, err)
	c.advance(unusedGrace + time.Second)
	_, _, err = h.Create()
	require.NoError(t, err)
	_, err = h.Room(fourth)
	assert.ErrorIs(t, err, ErrNoRoom, "the fourth, never used, makes way")
	_, err = h.Room(second)
	assert.NoError(t, err, "a room with a stream open (a teacher's page) stays")
	_, _, err = h.Create()
	assert.ErrorIs(t, err, ErrTooManyRooms, "every room in use or new")
	release()
	require.NoError(t, r.Ask(secret, Ref{Scene: 1, Step: 1}), "the used room asks, and stays used")
}
