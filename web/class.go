package web

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/portplay/portplay/class"
	"github.com/portplay/portplay/lesson"
	"github.com/portplay/portplay/lesson/phrase"
)

// The class session API, under /class/ beside the app (docs in README,
// "Class sessions"):
//
//	GET  /class/                              the students' page (?lang=, else Accept-Language)
//	POST /class/api/rooms                     a new room: {"code", "secret"}
//	POST /class/api/rooms/{code}/join         {"device", "lang"}: the device's view
//	POST /class/api/rooms/{code}/vote         {"device", "question", "round", "choice", "lang"}: the device's view
//	GET  /class/api/rooms/{code}/events       ?device=&lang=: the device's view, as Server-Sent Events
//	POST /class/api/rooms/{code}/teacher      {"secret", "action", "lang", and for "ask" "scene", "step", "seed", "profile"}
//	GET  /class/api/rooms/{code}/teacher/events  ?secret=&lang=: the teacher's view, as Server-Sent Events
//
// A view's question is in its reader's language ("lang": a phrasebook
// language's code; English for any other), its votes judged by the
// choices' IDs, the same in every language.
//	GET  /class/api/rooms/{code}/summary.csv  ?secret=: one row per question
//
// Every refusal has its status and a line of text saying why: 400 for a
// malformed body, 403 for a wrong secret, 404 for an unknown room, 409 for
// a vote in a closed round, 413 for a body over MaxBody, 429 when a
// device asks too often, 503 when the server holds all the rooms or
// devices it can.

// MaxBody is the largest request body the class API reads: every request
// fits in a tenth of it.
const MaxBody = 1 << 10

// heartbeat is how often an idle stream sends a comment, so that a device
// gone without a word (a phone put to sleep) is noticed by the failed
// write, and the room's expiry checked.
const heartbeat = 15 * time.Second

// writeTimeout bounds each write to a stream: a device that stops reading
// frees its goroutine.
const writeTimeout = 10 * time.Second

//go:embed class/index.html
var studentPage []byte

// ClassHandler serves the class session API and the students' page over
// hub. Mount it at /class/.
func ClassHandler(hub *class.Hub) http.Handler {
	a := &classAPI{hub: hub}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /class/{$}", a.page)
	mux.HandleFunc("POST /class/api/rooms", a.create)
	mux.HandleFunc("POST /class/api/rooms/{code}/join", a.join)
	mux.HandleFunc("POST /class/api/rooms/{code}/vote", a.vote)
	mux.HandleFunc("GET /class/api/rooms/{code}/events", a.deviceEvents)
	mux.HandleFunc("POST /class/api/rooms/{code}/teacher", a.teacher)
	mux.HandleFunc("GET /class/api/rooms/{code}/teacher/events", a.teacherEvents)
	mux.HandleFunc("GET /class/api/rooms/{code}/summary.csv", a.summary)
	return mux
}

// WithClass serves the class session API and page at /class/ over hub,
// and everything else from site.
func WithClass(site http.Handler, hub *class.Hub) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/class/", ClassHandler(hub))
	mux.Handle("/", site)
	return mux
}

// NewClassHub is the hub the servers run: rooms with the default limits,
// asking the built-in lessons' questions.
func NewClassHub() (*class.Hub, error) {
	cat, err := lesson.Builtin()
	if err != nil {
		return nil, err
	}
	return class.NewHub(class.Config{Ask: class.LessonAsker(cat)}), nil
}

type classAPI struct{ hub *class.Hub }

func (a *classAPI) page(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	// Nothing on the page comes from elsewhere; nothing may.
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:")
	h.Set("Referrer-Policy", "no-referrer")
	lang := classLang(r.URL.Query().Get("lang"))
	if r.URL.Query().Get("lang") == "" {
		lang = lesson.MatchLanguage(acceptLanguages(r.Header.Get("Accept-Language")))
	}
	h.Set("Content-Language", lang)
	h.Set("Vary", "Accept-Language")
	http.ServeContent(w, r, "index.html", time.Time{}, bytes.NewReader(studentPageIn(lang)))
}

// studentPage's placeholders for its language and its words.
var (
	pageLang  = []byte(`<html lang="en">`)
	pageWords = []byte(`/*WORDS*/{}`)
)

// studentPageIn is the students' page in lang: its <html lang> and every
// sentence it says, from the phrasebook (class.student.* and the
// verdicts), as a JSON object of message texts whose {names} the page
// fills in.
func studentPageIn(lang string) []byte {
	b, err := lesson.Phrases(lang)
	if err != nil {
		b = lesson.English()
	}
	words := map[string]string{}
	for _, id := range phrase.IDs(lesson.English()) {
		if strings.HasPrefix(id, "class.student.") || strings.HasPrefix(id, "verdict.") {
			words[id], _ = b.Raw(id)
		}
	}
	js, _ := json.Marshal(words)
	page := bytes.Replace(studentPage, pageLang, []byte(`<html lang="`+lang+`">`), 1)
	return bytes.Replace(page, pageWords, js, 1)
}

// classLang is the phrasebook language a request names, English if none.
func classLang(v string) string {
	if v == "" {
		return "en"
	}
	return lesson.MatchLanguage([]string{v})
}

// acceptLanguages are an Accept-Language header's languages, most wanted
// first (browsers send them in order; q-values are not re-sorted).
func acceptLanguages(h string) []string {
	var out []string
	for part := range strings.SplitSeq(h, ",") {
		tag, _, _ := strings.Cut(part, ";")
		if tag = strings.TrimSpace(tag); tag != "" && tag != "*" {
			out = append(out, tag)
		}
	}
	return out
}

// JoinRequest is a device joining a room.
type JoinRequest struct {
	Device string `json:"device"`
	Lang   string `json:"lang,omitempty"`
}

// VoteRequest is a device's vote: choice (from 0) in round (1 or 2) of
// question (its number in the room).
type VoteRequest struct {
	Device   string `json:"device"`
	Question int    `json:"question"`
	Round    int    `json:"round"`
	Choice   int    `json:"choice"`
	Lang     string `json:"lang,omitempty"`
}

// TeacherRequest is a teacher's action: "ask" (the question at Ref),
// "distribution", "round2" or "reveal".
type TeacherRequest struct {
	Secret string `json:"secret"`
	Action string `json:"action"`
	Lang   string `json:"lang,omitempty"`
	class.Ref
}

// apiError is a refusal: its status and what to say.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

// decode reads r's body, at most MaxBody bytes of one JSON object with
// only v's fields, into v.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	return decodeBody(http.MaxBytesReader(w, r.Body, MaxBody), v)
}

// decodeBody is decode's reader side, apart so that it can be fuzzed.
func decodeBody(body io.Reader, v any) error {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("one JSON object was expected, and more followed it")
	} else if err == nil {
		// Trailing bytes that are not another value (a stray brace).
		if _, terr := dec.Token(); terr != io.EOF {
			err = errors.New("the body has more after its JSON object")
		}
	}
	var tooBig *http.MaxBytesError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &tooBig):
		return &apiError{http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is over %d bytes", MaxBody)}
	case errors.Is(err, io.EOF):
		return &apiError{http.StatusBadRequest, "the body is empty: it should be a JSON object"}
	}
	return &apiError{http.StatusBadRequest, "the body is not the JSON this request takes: " + err.Error()}
}

// status is the HTTP status of err.
func status(err error) int {
	var ae *apiError
	var bad class.BadRef
	switch {
	case errors.As(err, &ae):
		return ae.status
	case errors.As(err, &bad), errors.Is(err, class.ErrBadChoice), errors.Is(err, class.ErrBadDevice):
		return http.StatusBadRequest
	case errors.Is(err, class.ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, class.ErrNoRoom), errors.Is(err, class.ErrNotJoined):
		return http.StatusNotFound
	case errors.Is(err, class.ErrRoundClosed), errors.Is(err, class.ErrNoQuestion), errors.Is(err, class.ErrRevealed),
		errors.Is(err, class.ErrNoMoreRounds), errors.Is(err, class.ErrTooManyQuestions):
		return http.StatusConflict
	case errors.Is(err, class.ErrRateLimited):
		return http.StatusTooManyRequests
	case errors.Is(err, class.ErrRoomFull), errors.Is(err, class.ErrTooManyRooms), errors.Is(err, class.ErrTooManyStreams):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// fail answers with err's status and message.
func fail(w http.ResponseWriter, err error) {
	st := status(err)
	if st == http.StatusTooManyRequests || st == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	http.Error(w, err.Error(), st)
}

func reply(w http.ResponseWriter, st int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(st)
	json.NewEncoder(w).Encode(v)
}

func (a *classAPI) room(w http.ResponseWriter, r *http.Request) (*class.Room, bool) {
	room, err := a.hub.Room(r.PathValue("code"))
	if err != nil {
		fail(w, err)
		return nil, false
	}
	return room, true
}

func (a *classAPI) create(w http.ResponseWriter, r *http.Request) {
	// The body is not read; a room is made from nothing.
	code, secret, err := a.hub.Create()
	if err != nil {
		fail(w, err)
		return
	}
	reply(w, http.StatusCreated, struct {
		Code   string `json:"code"`
		Secret string `json:"secret"`
	}{code, secret})
}

func (a *classAPI) join(w http.ResponseWriter, r *http.Request) {
	room, ok := a.room(w, r)
	if !ok {
		return
	}
	var req JoinRequest
	if err := decode(w, r, &req); err != nil {
		fail(w, err)
		return
	}
	if err := room.Join(req.Device); err != nil {
		fail(w, err)
		return
	}
	a.deviceReply(w, room, req.Device, req.Lang)
}

func (a *classAPI) vote(w http.ResponseWriter, r *http.Request) {
	room, ok := a.room(w, r)
	if !ok {
		return
	}
	var req VoteRequest
	if err := decode(w, r, &req); err != nil {
		fail(w, err)
		return
	}
	n, err := room.Vote(req.Device, req.Question, req.Round, req.Choice)
	if err != nil {
		fail(w, err)
		return
	}
	// The vote's number in the room: the teacher's view counts Votes up
	// to it once it has this vote (the load test times that).
	w.Header().Set("X-Vote", strconv.FormatUint(n, 10))
	a.deviceReply(w, room, req.Device, req.Lang)
}

func (a *classAPI) deviceReply(w http.ResponseWriter, room *class.Room, device, lang string) {
	v, _, err := room.DeviceViewIn(device, classLang(lang))
	if err != nil {
		fail(w, err)
		return
	}
	reply(w, http.StatusOK, v)
}

func (a *classAPI) teacher(w http.ResponseWriter, r *http.Request) {
	room, ok := a.room(w, r)
	if !ok {
		return
	}
	var req TeacherRequest
	if err := decode(w, r, &req); err != nil {
		fail(w, err)
		return
	}
	var err error
	switch req.Action {
	case "ask":
		err = room.Ask(req.Secret, req.Ref)
	case "distribution":
		err = room.ShowDistribution(req.Secret)
	case "round2":
		err = room.SecondRound(req.Secret)
	case "reveal":
		err = room.Reveal(req.Secret)
	default:
		err = &apiError{http.StatusBadRequest, fmt.Sprintf("action %q: want ask, distribution, round2 or reveal", req.Action)}
	}
	if err != nil {
		fail(w, err)
		return
	}
	v, _, err := room.TeacherViewIn(req.Secret, classLang(req.Lang))
	if err != nil {
		fail(w, err)
		return
	}
	reply(w, http.StatusOK, v)
}

func (a *classAPI) summary(w http.ResponseWriter, r *http.Request) {
	room, ok := a.room(w, r)
	if !ok {
		return
	}
	res, err := room.Summary(r.URL.Query().Get("secret"))
	if err != nil {
		fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="portplay-class-`+room.Code()+`.csv"`)
	class.WriteCSV(w, res)
}

func (a *classAPI) deviceEvents(w http.ResponseWriter, r *http.Request) {
	room, ok := a.room(w, r)
	if !ok {
		return
	}
	device, lang := r.URL.Query().Get("device"), classLang(r.URL.Query().Get("lang"))
	a.stream(w, r, room, func() (any, uint64, <-chan struct{}, error) {
		v, ch, err := room.DeviceViewIn(device, lang)
		return v, v.Version, ch, err
	})
}

func (a *classAPI) teacherEvents(w http.ResponseWriter, r *http.Request) {
	room, ok := a.room(w, r)
	if !ok {
		return
	}
	secret, lang := r.URL.Query().Get("secret"), classLang(r.URL.Query().Get("lang"))
	a.stream(w, r, room, func() (any, uint64, <-chan struct{}, error) {
		v, ch, err := room.TeacherViewIn(secret, lang)
		return v, v.Version, ch, err
	})
}

// stream sends view as Server-Sent Events, one "state" event each time it
// changes, until the client goes or the room ends; it runs on the
// request's own goroutine.
//
// Each event is the whole of what its reader shows, numbered by the
// room's version of it: a client that reconnects with Last-Event-ID gets
// nothing if nothing changed, else the one latest event. Every event it
// missed is contained in that one, so no ring of past events is kept.
func (a *classAPI) stream(w http.ResponseWriter, r *http.Request, room *class.Room, view func() (any, uint64, <-chan struct{}, error)) {
	v, ver, ch, err := view()
	if err != nil {
		fail(w, err)
		return
	}
	release, err := room.Follow()
	if err != nil {
		fail(w, err)
		return
	}
	defer release()
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	last, err := strconv.ParseUint(r.Header.Get("Last-Event-ID"), 10, 64)
	sent := err == nil && last == ver
	write := func(format string, args ...any) bool {
		rc.SetWriteDeadline(time.Now().Add(writeTimeout))
		if _, err := fmt.Fprintf(w, format, args...); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	// A dropped stream is tried again after 2 s (EventSource's default
	// is 3).
	if !write("retry: 2000\n\n") {
		return
	}
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		if !sent {
			data, _ := json.Marshal(v)
			if !write("id: %d\nevent: state\ndata: %s\n\n", ver, data) {
				return
			}
			last, sent = ver, true
		}
		select {
		case <-r.Context().Done():
			return
		case <-ch:
		case <-tick.C:
			a.hub.Expire() // this room too, if it has been idle too long: the view below says so
			if !write(": still here\n\n") {
				return
			}
		}
		v, ver, ch, err = view()
		if err != nil {
			write("event: ended\ndata: %s\n\n", strconv.Quote(err.Error()))
			return
		}
		sent = ver == last
	}
}
