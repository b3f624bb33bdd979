// Package classload is a class of simulated students for the class
// session server: the load test (e2e, against the real portplay-serve)
// and the benchmark (web/) both run it. Every student joins one room,
// follows it by Server-Sent Events and votes by POST, as the students'
// page does; some change their vote, some drop their stream and resume
// it with Last-Event-ID, mid-round.
package classload

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/portplay/portplay/class"
)

// Options say what the class does.
type Options struct {
	URL         string        // the server, e.g. http://127.0.0.1:41234/
	Devices     int           // students, each on its own device
	Spread      time.Duration // every vote is sent within this time of the first
	DropShare   float64       // the part of the devices whose stream drops mid-round and resumes
	ChangeShare float64       // the part of the devices that vote a second time, for another choice
	Seed        uint64        // the students' randomness
	Question    class.Ref     // the question the teacher asks
}

// Result is what the class saw.
type Result struct {
	// Latencies has one entry per accepted vote: from the moment it was
	// sent to the moment the teacher's stream counted it.
	Latencies []time.Duration
	// Final is from the last vote sent to the teacher's stream showing
	// every vote of the round.
	Final time.Duration
	// Want counts each device's last vote by choice; Tally is the
	// round's distribution as the teacher's stream shows it.
	Want, Tally []int
	Voted       int      // devices that voted, as the teacher's stream counts them
	Wrong       []string // devices whose own stream shows other than their last vote
	Resumed     int      // streams dropped and resumed
}

// P95 is the 95th percentile of the latencies.
func (r Result) P95() time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	l := slices.Clone(r.Latencies)
	slices.Sort(l)
	return l[(len(l)*95+99)/100-1]
}

// Event is one Server-Sent Event, with the time it was read.
type Event struct {
	ID, Name string
	Data     []byte
	At       time.Time
}

// ReadEvents passes each event of body to each, until it ends: the
// server's tests read streams with it too.
func ReadEvents(body io.Reader, each func(Event)) {
	sc := bufio.NewScanner(body)
	var e Event
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if e.Name != "" {
				e.At = time.Now()
				each(e)
			}
			e = Event{}
		case strings.HasPrefix(line, "id: "):
			e.ID = line[4:]
		case strings.HasPrefix(line, "event: "):
			e.Name = line[7:]
		case strings.HasPrefix(line, "data: "):
			e.Data = []byte(line[6:])
		}
	}
}

type teacherSeen struct {
	at time.Time
	v  class.TeacherView
}

// student is one simulated device.
type student struct {
	id     string
	mu     sync.Mutex
	lastID string
	view   class.DeviceView
	seen   chan struct{} // a new view
	cancel context.CancelFunc
}

func (s *student) current() (class.DeviceView, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.view, s.lastID
}

// Run runs one round with the class: join, the teacher asks, everyone
// votes within the spread, the teacher shows the distribution.
func Run(ctx context.Context, o Options) (Result, error) {
	var res Result
	tr := &http.Transport{MaxIdleConnsPerHost: 2*o.Devices + 8, DisableCompression: true}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	post := func(path string, body any) (*http.Response, []byte, error) {
		b, _ := json.Marshal(body)
		req, err := http.NewRequestWithContext(ctx, "POST", o.URL+path, bytes.NewReader(b))
		if err != nil {
			return nil, nil, err
		}
		resp, err := hc.Do(req)
		if err != nil {
			return nil, nil, err
		}
		defer resp.Body.Close()
		out, err := io.ReadAll(resp.Body)
		if err == nil && resp.StatusCode/100 != 2 {
			err = fmt.Errorf("POST %s: %s: %s", path, resp.Status, bytes.TrimSpace(out))
		}
		return resp, out, err
	}
	stream := func(ctx context.Context, path, lastID string, each func(Event)) error {
		req, err := http.NewRequestWithContext(ctx, "GET", o.URL+path, nil)
		if err != nil {
			return err
		}
		if lastID != "" {
			req.Header.Set("Last-Event-ID", lastID)
		}
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		if resp.StatusCode != 200 {
			resp.Body.Close()
			return fmt.Errorf("GET %s: %s", path, resp.Status)
		}
		go func() {
			defer resp.Body.Close()
			ReadEvents(resp.Body, each)
		}()
		return nil
	}

	_, b, err := post("class/api/rooms", nil)
	if err != nil {
		return res, err
	}
	var room struct{ Code, Secret string }
	if err := json.Unmarshal(b, &room); err != nil {
		return res, err
	}
	base := "class/api/rooms/" + room.Code

	var tmu sync.Mutex
	var seen []teacherSeen
	tnews := make(chan struct{}, 1)
	if err := stream(ctx, base+"/teacher/events?secret="+room.Secret, "", func(e Event) {
		var v class.TeacherView
		if e.Name != "state" || json.Unmarshal(e.Data, &v) != nil {
			return
		}
		tmu.Lock()
		seen = append(seen, teacherSeen{e.At, v})
		tmu.Unlock()
		select {
		case tnews <- struct{}{}:
		default:
		}
	}); err != nil {
		return res, err
	}
	// untilTeacher waits for the teacher's stream to show a view ok
	// accepts, and returns when it arrived.
	untilTeacher := func(what string, ok func(class.TeacherView) bool) (teacherSeen, error) {
		deadline := time.After(30 * time.Second)
		for {
			tmu.Lock()
			for _, s := range seen {
				if ok(s.v) {
					tmu.Unlock()
					return s, nil
				}
			}
			tmu.Unlock()
			select {
			case <-tnews:
			case <-deadline:
				return teacherSeen{}, fmt.Errorf("the teacher's stream never showed %s", what)
			}
		}
	}

	rnd := rand.New(rand.NewPCG(o.Seed, 1))
	students := make([]*student, o.Devices)
	for i := range students {
		students[i] = &student{id: fmt.Sprintf("%016x%016x", rnd.Uint64(), rnd.Uint64()), seen: make(chan struct{}, 1)}
	}
	follow := func(s *student, lastID string) error {
		sctx, scancel := context.WithCancel(ctx)
		s.mu.Lock()
		s.cancel = scancel
		s.mu.Unlock()
		return stream(sctx, base+"/events?device="+s.id, lastID, func(e Event) {
			var v class.DeviceView
			if e.Name != "state" || json.Unmarshal(e.Data, &v) != nil {
				return
			}
			s.mu.Lock()
			s.view, s.lastID = v, e.ID
			s.mu.Unlock()
			select {
			case s.seen <- struct{}{}:
			default:
			}
		})
	}
	// until waits for s's stream to show a view ok accepts.
	until := func(s *student, ok func(class.DeviceView) bool) error {
		deadline := time.After(30 * time.Second)
		for {
			if v, id := s.current(); id != "" && ok(v) {
				return nil
			}
			select {
			case <-s.seen:
			case <-deadline:
				v, _ := s.current()
				return fmt.Errorf("device %s: its stream shows %+v", s.id, v)
			}
		}
	}
	// all runs f for every student, 64 at a time.
	all := func(f func(i int, s *student) error) error {
		var wg sync.WaitGroup
		errs := make([]error, len(students))
		sem := make(chan struct{}, 64)
		for i, s := range students {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				errs[i] = f(i, s)
			}()
		}
		wg.Wait()
		return errors.Join(errs...)
	}

	if err := all(func(_ int, s *student) error {
		if _, _, err := post(base+"/join", map[string]string{"device": s.id}); err != nil {
			return err
		}
		if err := follow(s, ""); err != nil {
			return err
		}
		return until(s, func(v class.DeviceView) bool { return v.Phase == class.Waiting })
	}); err != nil {
		return res, err
	}
	if _, _, err := post(base+"/teacher", map[string]any{"secret": room.Secret, "action": "ask",
		"scene": o.Question.Scene, "step": o.Question.Step, "seed": o.Question.Seed, "profile": o.Question.Profile}); err != nil {
		return res, err
	}
	if err := all(func(_ int, s *student) error {
		return until(s, func(v class.DeviceView) bool { return v.Phase == class.Voting && v.Question == 1 })
	}); err != nil {
		return res, err
	}
	asked, _ := students[0].current()
	choices := len(asked.Choices)

	// The plan: each device's votes and whether its stream drops, at
	// moments within the spread.
	type plan struct {
		votes  []int
		at     []time.Duration
		dropAt time.Duration // -1: never
		off    time.Duration // how long the stream stays dropped
	}
	plans := make([]plan, len(students))
	res.Want = make([]int, choices)
	within := func(lo time.Duration) time.Duration { return lo + time.Duration(rnd.Int64N(int64(o.Spread-lo))) }
	for i := range plans {
		p := plan{votes: []int{rnd.IntN(choices)}, at: []time.Duration{within(0)}, dropAt: -1}
		if rnd.Float64() < o.ChangeShare && choices > 1 {
			p.votes = append(p.votes, (p.votes[0]+1+rnd.IntN(choices-1))%choices)
			p.at = append(p.at, within(p.at[0]))
		}
		if rnd.Float64() < o.DropShare {
			p.dropAt, p.off = within(0), time.Duration(20+rnd.IntN(80))*time.Millisecond
		}
		res.Want[p.votes[len(p.votes)-1]]++
		plans[i] = p
	}

	type sent struct {
		at time.Time
		n  uint64 // the vote's number in the room
	}
	var smu sync.Mutex
	var votes []sent
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 2*len(students))
	for i, s := range students {
		p := plans[i]
		wg.Add(1)
		go func() { // the device's votes
			defer wg.Done()
			for k, c := range p.votes {
				time.Sleep(time.Until(start.Add(p.at[k])))
				v, _ := s.current()
				t := time.Now()
				resp, _, err := post(base+"/vote", map[string]any{"device": s.id, "question": v.Question, "round": v.Round, "choice": c})
				if err != nil {
					errs <- err
					return
				}
				n, err := strconv.ParseUint(resp.Header.Get("X-Vote"), 10, 64)
				if err != nil {
					errs <- fmt.Errorf("a vote's answer has no X-Vote: %v", err)
					return
				}
				smu.Lock()
				votes = append(votes, sent{t, n})
				smu.Unlock()
			}
		}()
		if p.dropAt >= 0 {
			res.Resumed++
			wg.Add(1)
			go func() { // the device's stream, dropped and resumed
				defer wg.Done()
				time.Sleep(time.Until(start.Add(p.dropAt)))
				s.mu.Lock()
				s.cancel()
				last := s.lastID
				s.mu.Unlock()
				time.Sleep(p.off) // off the Wi-Fi for a moment
				if err := follow(s, last); err != nil {
					errs <- err
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		return res, err
	}

	var last time.Time
	var total uint64
	for _, v := range votes {
		if v.at.After(last) {
			last = v.at
		}
		total = max(total, v.n)
	}
	final, err := untilTeacher("every vote", func(v class.TeacherView) bool { return v.Votes >= total })
	if err != nil {
		return res, err
	}
	res.Final = final.at.Sub(last)
	res.Voted = final.v.Voted
	tmu.Lock()
	for _, v := range votes {
		for _, s := range seen {
			if s.v.Votes >= v.n {
				res.Latencies = append(res.Latencies, s.at.Sub(v.at))
				break
			}
		}
	}
	tmu.Unlock()

	if _, _, err := post(base+"/teacher", map[string]any{"secret": room.Secret, "action": "distribution"}); err != nil {
		return res, err
	}
	shown, err := untilTeacher("the distribution", func(v class.TeacherView) bool { return len(v.Tallies) > 0 && v.Tallies[0] != nil })
	if err != nil {
		return res, err
	}
	res.Tally = shown.v.Tallies[0]
	// Every device's own stream, resumed or not, shows the round closed
	// with its last vote.
	err = all(func(i int, s *student) error {
		if err := until(s, func(v class.DeviceView) bool { return v.Phase == class.Closed }); err != nil {
			return err
		}
		v, _ := s.current()
		if want := plans[i].votes[len(plans[i].votes)-1]; v.Vote != want {
			smu.Lock()
			res.Wrong = append(res.Wrong, fmt.Sprintf("%s: shows %d, voted %d last", s.id, v.Vote, want))
			smu.Unlock()
		}
		return nil
	})
	return res, err
}
