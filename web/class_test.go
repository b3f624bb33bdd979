package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/class"
	"github.com/portplay/portplay/internal/classload"
	"github.com/portplay/portplay/lesson"
)

// classServer serves the class API over a hub with cfg (the built-in
// lessons' questions unless cfg says otherwise) on loopback.
func classServer(t *testing.T, cfg class.Config) *httptest.Server {
	t.Helper()
	if cfg.Ask == nil {
		cat, err := lesson.Builtin()
		require.NoError(t, err)
		cfg.Ask = class.LessonAsker(cat)
	}
	srv := httptest.NewServer(ClassHandler(class.NewHub(cfg)))
	t.Cleanup(srv.Close)
	return srv
}

// call posts body to path and returns the status and the answer's body.
func call(t *testing.T, srv *httptest.Server, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// newRoom creates a room and returns its code and secret.
func newRoom(t *testing.T, srv *httptest.Server) (string, string) {
	t.Helper()
	st, body := call(t, srv, "POST", "/class/api/rooms", "")
	require.Equal(t, http.StatusCreated, st, body)
	var r struct{ Code, Secret string }
	require.NoError(t, json.Unmarshal([]byte(body), &r))
	return r.Code, r.Secret
}

const devA, devB = "aaaaaaaaaaaaaaaa0001", "bbbbbbbbbbbbbbbb0002"

func teach(secret, action string) string {
	return `{"secret":"` + secret + `","action":"` + action + `"}`
}

// TestClassRefusals: each bad request gets its status and says why, and
// none changes the tally.
func TestClassRefusals(t *testing.T) {
	srv := classServer(t, class.Config{})
	code, secret := newRoom(t, srv)
	room := "/class/api/rooms/" + code
	st, body := call(t, srv, "POST", room+"/join", `{"device":"`+devA+`"}`)
	require.Equal(t, 200, st, body)
	st, body = call(t, srv, "POST", room+"/teacher", `{"secret":"`+secret+`","action":"ask","scene":1,"step":2,"seed":1}`)
	require.Equal(t, 200, st, body)
	st, body = call(t, srv, "POST", room+"/vote", `{"device":"`+devA+`","question":1,"round":1,"choice":1}`)
	require.Equal(t, 200, st, body)

	tests := []struct {
		name, method, path, body string
		status                   int
		says                     string
	}{
		{"body over 1 KB", "POST", room + "/join", `{"device":"` + strings.Repeat("a", 1100) + `"}`, 413, "over 1024 bytes"},
		{"unknown room", "POST", "/class/api/rooms/ZZZZZZ/join", `{"device":"` + devA + `"}`, 404, "no room with that code"},
		{"unknown room's stream", "GET", "/class/api/rooms/ZZZZZZ/events?device=" + devA, "", 404, "no room"},
		{"a stream for a device that never joined", "GET", room + "/events?device=" + devB, "", 404, "has not joined"},
		{"malformed JSON", "POST", room + "/vote", `{"device":`, 400, "not the JSON this request takes"},
		{"an unknown field", "POST", room + "/vote", `{"device":"` + devA + `","question":1,"round":1,"choice":0,"weight":100}`, 400, `unknown field "weight"`},
		{"two objects", "POST", room + "/join", `{"device":"` + devA + `"}{"device":"` + devB + `"}`, 400, "more followed"},
		{"a stray brace", "POST", room + "/join", `{"device":"` + devA + `"}}`, 400, "more after its JSON object"},
		{"an empty body", "POST", room + "/join", ``, 400, "body is empty"},
		{"a wrong type", "POST", room + "/vote", `{"device":"` + devA + `","question":"1","round":1,"choice":0}`, 400, "not the JSON"},
		{"a bad device id", "POST", room + "/join", `{"device":"me"}`, 400, "a device id is 16 to 64"},
		{"no such choice", "POST", room + "/vote", `{"device":"` + devA + `","question":1,"round":1,"choice":7}`, 400, "no such choice"},
		{"a vote for a closed round", "POST", room + "/vote", `{"device":"` + devA + `","question":1,"round":2,"choice":0}`, 409, "round is not open"},
		{"a vote from a device that never joined", "POST", room + "/vote", `{"device":"` + devB + `","question":1,"round":1,"choice":0}`, 404, "has not joined"},
		{"a forged teacher action", "POST", room + "/teacher", teach(strings.Repeat("0", 32), "reveal"), 403, "not this room's teacher secret"},
		{"a teacher action without a secret", "POST", room + "/teacher", `{"action":"reveal"}`, 403, "not this room's teacher secret"},
		{"a forged teacher stream", "GET", room + "/teacher/events?secret=" + strings.Repeat("0", 32), "", 403, "secret"},
		{"a forged summary", "GET", room + "/summary.csv?secret=x", "", 403, "secret"},
		{"an unknown action", "POST", room + "/teacher", teach(secret, "shuffle"), 400, `action "shuffle": want ask, distribution, round2 or reveal`},
		{"a step without a question", "POST", room + "/teacher", `{"secret":"` + secret + `","action":"ask","scene":1,"step":1}`, 400, "step 1 of lesson 1 asks no question"},
		{"no such lesson", "POST", room + "/teacher", `{"secret":"` + secret + `","action":"ask","scene":70000,"step":1}`, 400, "scene 70000: there is no such lesson"},
		{"a vote by GET", "GET", room + "/vote", "", 405, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, body := call(t, srv, tc.method, tc.path, tc.body)
			assert.Equal(t, tc.status, st, body)
			assert.Contains(t, body, tc.says)
		})
	}

	// None of them moved the tally: one vote, for choice 1.
	st, body = call(t, srv, "POST", room+"/teacher", teach(secret, "distribution"))
	require.Equal(t, 200, st, body)
	var v class.TeacherView
	require.NoError(t, json.Unmarshal([]byte(body), &v))
	assert.Equal(t, [][]int{{0, 1, 0}}, v.Tallies)
	assert.Equal(t, uint64(1), v.Votes)
	assert.Equal(t, 1, v.Devices)
}

func TestClassLimits(t *testing.T) {
	srv := classServer(t, class.Config{MaxRooms: 1, MaxDevices: 1, Rate: class.Rate{PerSecond: 0.001, Burst: 2}})
	code, _ := newRoom(t, srv)
	st, body := call(t, srv, "POST", "/class/api/rooms", "")
	assert.Equal(t, 503, st)
	assert.Contains(t, body, "as many rooms as it can")
	room := "/class/api/rooms/" + code
	st, _ = call(t, srv, "POST", room+"/join", `{"device":"`+devA+`"}`)
	require.Equal(t, 200, st)
	st, body = call(t, srv, "POST", room+"/join", `{"device":"`+devB+`"}`)
	assert.Equal(t, 503, st)
	assert.Contains(t, body, "as many devices as it can")
	st, _ = call(t, srv, "POST", room+"/join", `{"device":"`+devA+`"}`)
	require.Equal(t, 200, st)
	st, body = call(t, srv, "POST", room+"/join", `{"device":"`+devA+`"}`)
	assert.Equal(t, 429, st)
	assert.Contains(t, body, "too many requests")

	// Streams: at most twice the devices and eight more, each a goroutine.
	for range 2*1 + 8 {
		s := openStream(t, srv, room+"/events?device="+devA, "")
		s.next(t, nil)
	}
	st, body = call(t, srv, "GET", room+"/events?device="+devA, "")
	assert.Equal(t, 503, st)
	assert.Contains(t, body, "as many open streams as it can follow")
}

// sse reads a stream's events.
type sse struct {
	resp   *http.Response
	events chan classload.Event
}

func openStream(t *testing.T, srv *httptest.Server, path, lastID string) *sse {
	t.Helper()
	req, err := http.NewRequest("GET", srv.URL+path, nil)
	require.NoError(t, err)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	require.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	s := &sse{resp: resp, events: make(chan classload.Event, 64)}
	t.Cleanup(func() { resp.Body.Close() })
	go func() {
		defer close(s.events)
		classload.ReadEvents(resp.Body, func(e classload.Event) { s.events <- e })
	}()
	return s
}

// next is the stream's next event, decoded into v.
func (s *sse) next(t *testing.T, v any) classload.Event {
	t.Helper()
	select {
	case e, ok := <-s.events:
		require.True(t, ok, "the stream ended")
		if v != nil {
			require.NoError(t, json.Unmarshal(e.Data, v))
		}
		return e
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5 s")
		return classload.Event{}
	}
}

// none says no event arrives within d.
func (s *sse) none(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case e := <-s.events:
		t.Fatalf("unexpected event %+v", e)
	case <-time.After(d):
	}
}

// TestClassSession: a question through two rounds and a reveal, as the
// teacher's and two devices' streams see it.
func TestClassSession(t *testing.T) {
	srv := classServer(t, class.Config{})
	code, secret := newRoom(t, srv)
	room := "/class/api/rooms/" + code
	for _, d := range []string{devA, devB} {
		st, body := call(t, srv, "POST", room+"/join", `{"device":"`+d+`"}`)
		require.Equal(t, 200, st, body)
	}
	teacher := openStream(t, srv, room+"/teacher/events?secret="+secret, "")
	a := openStream(t, srv, room+"/events?device="+devA, "")
	b := openStream(t, srv, room+"/events?device="+devB, "")
	var tv class.TeacherView
	var dv class.DeviceView
	teacher.next(t, &tv)
	assert.Equal(t, 2, tv.Devices)
	a.next(t, &dv)
	assert.Equal(t, class.Waiting, dv.Phase)
	b.next(t, nil)

	// Lesson 1, step 2: an unprivileged listen on port 80 (EACCES on
	// Linux: facts/ports.md).
	st, body := call(t, srv, "POST", room+"/teacher", `{"secret":"`+secret+`","action":"ask","scene":1,"step":2,"seed":1,"profile":"linux"}`)
	require.Equal(t, 200, st, body)
	a.next(t, &dv)
	assert.Equal(t, class.Voting, dv.Phase)
	require.Contains(t, dv.Choices, "EACCES")
	right, wrong := -1, -1
	for i, c := range dv.Choices {
		if c == "EACCES" {
			right = i
		} else {
			wrong = i
		}
	}
	b.next(t, nil)
	teacher.next(t, &tv)
	assert.Equal(t, 0, tv.Voted)

	vote := func(d string, round, choice int) {
		st, body := call(t, srv, "POST", room+"/vote", `{"device":"`+d+`","question":1,"round":`+string(rune('0'+round))+`,"choice":`+string(rune('0'+choice))+`}`)
		require.Equal(t, 200, st, body)
	}
	vote(devA, 1, wrong)
	vote(devB, 1, right)
	a.none(t, 100*time.Millisecond) // another's vote is not news to a device
	for tv.Voted < 2 {
		teacher.next(t, &tv)
	}
	assert.Nil(t, tv.Tallies, "no distribution while the round is open")

	st, body = call(t, srv, "POST", room+"/teacher", teach(secret, "distribution"))
	require.Equal(t, 200, st, body)
	a.next(t, &dv)
	assert.Equal(t, class.Closed, dv.Phase)
	b.next(t, nil)

	st, _ = call(t, srv, "POST", room+"/teacher", teach(secret, "round2"))
	require.Equal(t, 200, st)
	a.next(t, &dv)
	assert.Equal(t, 2, dv.Round)
	assert.Equal(t, wrong, dv.Earlier)
	b.next(t, nil)
	vote(devA, 2, right)

	st, _ = call(t, srv, "POST", room+"/teacher", teach(secret, "reveal"))
	require.Equal(t, 200, st)
	a.next(t, &dv)
	assert.Equal(t, class.Revealed, dv.Phase)
	assert.Equal(t, class.VerdictRight, dv.Verdict, "the second round's vote")
	assert.Equal(t, "EACCES", dv.Truth)
	assert.Contains(t, dv.Why, "CAP_NET_BIND_SERVICE")
	b.next(t, &dv)
	assert.Equal(t, class.VerdictRight, dv.Verdict, "the first round's vote stands")

	for tv.Phase != class.Revealed {
		teacher.next(t, &tv)
	}
	assert.Equal(t, "EACCES", tv.Truth)
	want := [][]int{make([]int, len(tv.Choices)), make([]int, len(tv.Choices))}
	want[0][right], want[0][wrong], want[1][right] = 1, 1, 1
	assert.Equal(t, want, tv.Tallies)

	st, body = call(t, srv, "GET", room+"/summary.csv?secret="+secret, "")
	require.Equal(t, 200, st)
	assert.Contains(t, body, "\n1,1-unprivileged-80,")
	assert.Contains(t, body, ",EACCES,2,1,0.50,1,1,1.00\n")
}

// TestClassResume: a stream that reconnects with the last event's id
// gets nothing until something changes; with an older one, the state
// now at once.
func TestClassResume(t *testing.T) {
	srv := classServer(t, class.Config{})
	code, secret := newRoom(t, srv)
	room := "/class/api/rooms/" + code
	st, _ := call(t, srv, "POST", room+"/join", `{"device":"`+devA+`"}`)
	require.Equal(t, 200, st)
	s := openStream(t, srv, room+"/events?device="+devA, "")
	first := s.next(t, nil)
	s.resp.Body.Close()

	again := openStream(t, srv, room+"/events?device="+devA, first.ID)
	again.none(t, 150*time.Millisecond)
	st, _ = call(t, srv, "POST", room+"/teacher", `{"secret":"`+secret+`","action":"ask","scene":2,"step":2,"seed":3}`)
	require.Equal(t, 200, st)
	var dv class.DeviceView
	e := again.next(t, &dv)
	assert.NotEqual(t, first.ID, e.ID)
	assert.Equal(t, class.Voting, dv.Phase)
	again.resp.Body.Close()

	// Dropped before the question came: the question at once.
	late := openStream(t, srv, room+"/events?device="+devA, first.ID)
	e = late.next(t, &dv)
	assert.Equal(t, class.Voting, dv.Phase)
	assert.NotEqual(t, first.ID, e.ID)
}

func TestStudentPage(t *testing.T) {
	srv := classServer(t, class.Config{})
	resp, err := srv.Client().Get(srv.URL + "/class/")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Contains(t, string(body), `aria-live="polite"`)
	assert.Less(t, len(body), 60<<10, "under 60 KB before it is even compressed")
}

func FuzzDecodeBody(f *testing.F) {
	f.Add([]byte(`{"device":"aaaaaaaaaaaaaaaa","question":1,"round":1,"choice":0}`))
	f.Add([]byte(`{"secret":"00","action":"ask","scene":1,"step":2,"seed":1,"profile":"linux"}`))
	f.Add([]byte(`{"device":`))
	f.Add([]byte(`{}{}`))
	f.Add([]byte(`{"choice":1e999}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, v := range []any{&JoinRequest{}, &VoteRequest{}, &TeacherRequest{}} {
			err := decodeBody(io.LimitReader(strings.NewReader(string(data)), MaxBody), v)
			if err == nil {
				// What was accepted is one JSON value, nothing after it.
				dec := json.NewDecoder(strings.NewReader(string(data)))
				var raw json.RawMessage
				require.NoError(t, dec.Decode(&raw))
				continue
			}
			st := status(err)
			require.Contains(t, []int{400, 413}, st, "%v", err)
			require.NotEmpty(t, err.Error())
		}
	})
}

// The students' page speaks the language asked for (?lang=, else the
// browser's Accept-Language), with every sentence from the phrasebook.
func TestStudentPageLanguage(t *testing.T) {
	srv := classServer(t, class.Config{})
	get := func(path, accept string) (*http.Response, string) {
		req, err := http.NewRequest("GET", srv.URL+path, nil)
		require.NoError(t, err)
		if accept != "" {
			req.Header.Set("Accept-Language", accept)
		}
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	for _, tc := range []struct{ path, accept, lang string }{
		{"/class/", "", "en"},
		{"/class/", "de-AT,de;q=0.9,en;q=0.8", "de"},
		{"/class/", "fr-FR,uk;q=0.5", "uk"},
		{"/class/?lang=es", "de", "es"},
		{"/class/?lang=klingon", "de", "en"},
		{"/class/?lang=xx-long", "", "xx-long"},
	} {
		resp, body := get(tc.path, tc.accept)
		assert.Equal(t, tc.lang, resp.Header.Get("Content-Language"), tc.path+" "+tc.accept)
		assert.Contains(t, body, `<html lang="`+tc.lang+`">`, tc.path+" "+tc.accept)
		assert.NotContains(t, body, "/*WORDS*/", "the words are in")
		b, err := lesson.Phrases(tc.lang)
		require.NoError(t, err)
		for _, id := range []string{"class.student.join", "class.student.room", "verdict.right"} {
			text, _ := b.Raw(id)
			js, _ := json.Marshal(text)
			assert.Contains(t, body, `"`+id+`":`+string(js), "%s in %s", id, tc.lang)
		}
	}
}

// Each device reads the question in its own language; votes are judged
// by the choices' IDs, whatever the words.
func TestClassQuestionInEachDevicesLanguage(t *testing.T) {
	ask := func(class.Ref) (class.Question, error) {
		return class.Question{ID: "q", ChoiceIDs: []string{"port", "EACCES"}, TruthID: "EACCES",
			Words: class.Words{Text: "What does it get?", Choices: []string{"the port", "EACCES"}, Truth: "EACCES", Why: "privilege"},
			Langs: map[string]class.Words{"de": {Text: "Was bekommt es?", Choices: []string{"den Port", "EACCES"}, Truth: "EACCES", Why: "Privileg"}}}, nil
	}
	srv := classServer(t, class.Config{Ask: ask})
	code, secret := newRoom(t, srv)
	room := "/class/api/rooms/" + code
	st, body := call(t, srv, "POST", room+"/join", `{"device":"`+devA+`","lang":"de"}`)
	require.Equal(t, 200, st, body)
	st, body = call(t, srv, "POST", room+"/join", `{"device":"`+devB+`"}`)
	require.Equal(t, 200, st, body)
	st, body = call(t, srv, "POST", room+"/teacher", `{"secret":"`+secret+`","action":"ask","scene":1,"step":2,"seed":1,"lang":"de"}`)
	require.Equal(t, 200, st, body)
	var tv class.TeacherView
	require.NoError(t, json.Unmarshal([]byte(body), &tv))
	assert.Equal(t, "Was bekommt es?", tv.Text, "the teacher's language")

	de := openStream(t, srv, room+"/events?device="+devA+"&lang=de-DE", "")
	en := openStream(t, srv, room+"/events?device="+devB, "")
	var dv class.DeviceView
	de.next(t, &dv)
	assert.Equal(t, []string{"den Port", "EACCES"}, dv.Choices)
	en.next(t, &dv)
	assert.Equal(t, []string{"the port", "EACCES"}, dv.Choices)

	for _, d := range []string{devA, devB} {
		st, body = call(t, srv, "POST", room+"/vote", `{"device":"`+d+`","question":1,"round":1,"choice":1,"lang":"de"}`)
		require.Equal(t, 200, st, body)
	}
	st, body = call(t, srv, "POST", room+"/teacher", teach(secret, "reveal"))
	require.Equal(t, 200, st, body)
	for s, want := range map[*sse]string{de: "Privileg", en: "privilege"} {
		for dv.Phase = class.Voting; dv.Phase != class.Revealed; {
			s.next(t, &dv)
		}
		assert.Equal(t, class.VerdictRight, dv.Verdict, want)
		assert.Equal(t, want, dv.Why)
	}
}
