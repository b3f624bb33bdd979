package game

import (
	"encoding/json"
	"fmt"
	"image/color"
	"net/netip"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/portplay/portplay/internal/jsonlite"
	"github.com/portplay/portplay/lesson"
	"github.com/portplay/portplay/lesson/phrase"
)

// classroom is the teacher's side of a class session (V): a room on the
// server the page came from (portplay-serve, web.ClassHandler), its code
// and a QR code of its address for the students, how many devices joined
// and voted, and the teacher's actions. The server computes each question
// and its answer from the lesson, step, seed and profile the projector
// shows; this only says which, and draws what the server's stream says.
// The network is the browser's (fetch and EventSource, class_js.go: no
// HTTP client in the wasm): each answer comes back to Update as a
// function on the Game, so that no frame waits.
type classroom struct {
	shown        bool
	state        classState
	code, secret string
	msg          string // why there is no session, or the last refusal
	view         teacherView
	asked        questionRef // the question the room was last given
	updates      chan func(*Game)
	stop         func() // closes the room's stream
	qr           *ebiten.Image
	qrFor        string
	buttons      []button // the panel's, where they were last drawn
	// dirty: something changed since the text mirror was written;
	// page is the mirror's section (class_js.go).
	dirty bool
	page  classPage
}

// teacherView is the room as the server's teacher stream gives it
// (teacherView's JSON): the app reads it without importing the
// server's package, which would add its dependencies to the wasm.
type teacherView struct {
	Devices  int      `json:"devices"`
	Phase    string   `json:"phase"` // waiting, voting, closed, revealed
	Question int      `json:"question"`
	Text     string   `json:"text"`
	Choices  []string `json:"choices"`
	Round    int      `json:"round"`
	Voted    int      `json:"voted"`
	Tallies  [][]int  `json:"tallies"`
	Truth    string   `json:"truth"`
	Played   int      `json:"played"` // the answer to play, from 1; 0: none
}

// read is json.Unmarshal([]byte(s), v) by jsonlite, whose fuzz test
// holds it to that: the browser's download is smaller by encoding/json's
// decoder.
func (v *teacherView) read(s string) error {
	return jsonlite.Unmarshal([]byte(s), jsonlite.Fields{"devices", &v.Devices, "phase", &v.Phase,
		"question", &v.Question, "text", &v.Text, "choices", &v.Choices, "round", &v.Round, "voted", &v.Voted,
		"tallies", &v.Tallies, "truth", &v.Truth, "played", &v.Played})
}

// questionRef names the question the projector shows, as the server's
// class.Ref does.
type questionRef struct {
	scene, step int
	seed        uint64
	profile     string
}

type classState uint8

const (
	classOff classState = iota
	classStarting
	classOpen
	classUnavailable
)

// classOrigin is the address class sessions are at for the page at page
// (its scheme and host), "" natively. (Cut by hand: net/url's parser
// would add 23 KB to the wasm.)
func classOrigin(page string) string {
	scheme, rest, ok := strings.Cut(page, "://")
	if !ok || scheme == "" || rest == "" {
		return ""
	}
	host, _, _ := strings.Cut(rest, "/")
	if host == "" {
		return ""
	}
	return scheme + "://" + host + "/"
}

// loopbackHost says whether the address's host is this computer's own,
// which no student's device can open.
func loopbackHost(origin string) bool {
	_, rest, _ := strings.Cut(origin, "://")
	host, _, _ := strings.Cut(rest, "/")
	if h, _, _ := strings.Cut(host, ":"); h == "localhost" {
		return true
	}
	if ap, err := netip.ParseAddrPort(host); err == nil {
		return ap.Addr().IsLoopback()
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && ip.IsLoopback()
}

// loopbackNote says, where origin is this computer's own address, that
// students' devices cannot open it and how to serve on the LAN; "" where
// they can. The class panel and presenter mode's QR code both say it.
func loopbackNote(b *phrase.Book, origin string) string {
	if !loopbackHost(origin) {
		return ""
	}
	return b.T("class.loopback", "origin", origin)
}

// classInit readies the channel the network's answers come back on.
func (g *Game) classInit() {
	if g.class.updates == nil {
		g.class.updates = make(chan func(*Game), 16)
	}
}

// classUpdate applies what the network brought, and gives the room the
// question the projector shows.
func (g *Game) classUpdate() {
	c := &g.class
	for range cap(c.updates) {
		select {
		case f := <-c.updates:
			f(g)
			c.dirty = true
			continue
		default:
		}
		break
	}
	if c.dirty {
		c.dirty = false
		g.writeClassMirror()
	}
	q := g.vm.Narration.Question
	if q == nil {
		c.asked = questionRef{} // back at a question later, it is asked afresh
	}
	if c.state != classOpen || q == nil || q.Verdict != lesson.Unjudged {
		return
	}
	set := g.sess.Settings()
	ref := questionRef{g.vm.Lesson, g.vm.Narration.Step + 1, set.Seed, set.Profile.Name}
	if ref != c.asked {
		c.asked = ref
		g.classPost(map[string]any{"action": "ask", "scene": ref.scene, "step": ref.step, "seed": ref.seed, "profile": ref.profile}, nil)
	}
}

// classDo carries out a class action: ActClass (V) starts the session or
// shows and hides its panel; the others are the teacher's.
func (g *Game) classDo(a lesson.Action) {
	c := &g.class
	c.dirty = true
	switch a {
	case lesson.ActClass:
		if c.state == classOff {
			c.shown = true
			g.classStart()
			return
		}
		c.shown = !c.shown
	case lesson.ActClassSummary:
		if c.state != classOpen {
			return
		}
		// A GET with the secret in its query: the summary comes from the
		// server, which alone has every device's votes.
		code := c.code
		classFetch(classOrigin(g.qrBase)+"class/api/rooms/"+code+"/summary.csv?secret="+c.secret, nil, func(status int, text string) {
			c.send(func(g *Game) {
				if status != 200 {
					g.class.msg = g.sess.T("class.summary-failed", "reason", strings.TrimSpace(text))
					return
				}
				g.class.msg = ""
				g.saved(lesson.Export{Name: "portplay-class-" + code + ".csv", Type: "text/csv", Data: []byte(text),
					Say: g.sess.T("class.summary-file")}, nil)
			})
		})
	case lesson.ActClassVotes:
		g.classPost(map[string]any{"action": "distribution"}, nil)
	case lesson.ActClassAgain:
		g.classPost(map[string]any{"action": "round2"}, nil)
	case lesson.ActClassReveal:
		// The reveal plays the run as the projector does for an answer:
		// with the class's most chosen answer (the server's Played), the
		// panel put away so that the class watches the engine (V shows
		// the distributions again).
		g.classPost(map[string]any{"action": "reveal"}, func(g *Game, v teacherView) {
			if v.Played > 0 && g.vm.Narration.Question != nil && g.vm.Narration.Question.Verdict == lesson.Unjudged {
				g.class.shown = false
				g.do(lesson.ActAnswer(v.Played - 1))
			}
		})
	}
}

// send brings f to the next Update. It never blocks its caller (a
// browser's callback), and wakes an idle game.
func (c *classroom) send(f func(*Game)) {
	updates := c.updates
	go func() {
		updates <- f
		wakeUp()
	}()
}

// classStart opens a room on the page's server and follows it.
func (g *Game) classStart() {
	c := &g.class
	origin := classOrigin(g.qrBase)
	if origin == "" {
		c.state, c.msg = classUnavailable, g.sess.T("class.unavailable")
		return
	}
	c.state, c.msg = classStarting, ""
	classFetch(origin+"class/api/rooms", []byte{}, func(status int, text string) {
		var room struct{ Code, Secret string }
		if status != 201 || jsonlite.Unmarshal([]byte(text), jsonlite.Fields{"code", &room.Code, "secret", &room.Secret}) != nil {
			// A static host answers 404 or 405; no server, no answer.
			c.send(func(g *Game) { g.class.state, g.class.msg = classUnavailable, g.sess.T("class.unavailable") })
			return
		}
		c.send(func(g *Game) {
			c := &g.class
			c.state, c.code, c.secret = classOpen, room.Code, room.Secret
			// The room's question and choices in the teacher's language (the
			// session's when the room opened).
			c.stop = classFollow(origin+"class/api/rooms/"+room.Code+"/teacher/events?secret="+room.Secret+"&lang="+g.vm.Lang, func(data string) {
				var v teacherView
				if v.read(data) == nil {
					c.send(func(g *Game) { g.class.view = v })
				}
			}, func() {
				c.send(func(g *Game) {
					g.class.stop()
					g.class = classroom{shown: true, state: classUnavailable, updates: g.class.updates, page: g.class.page,
						msg: g.vm.Hints.ClassEnded}
				})
			})
		})
	})
}

// classPost sends a teacher's action; then, if it was taken, runs after
// on the Game with the room's view.
func (g *Game) classPost(body map[string]any, after func(*Game, teacherView)) {
	c := &g.class
	if c.state != classOpen {
		return
	}
	body["secret"], body["lang"] = c.secret, g.vm.Lang
	b, _ := json.Marshal(body)
	classFetch(classOrigin(g.qrBase)+"class/api/rooms/"+c.code+"/teacher", b, func(status int, text string) {
		var v teacherView
		bad := status == 200 && v.read(text) != nil
		c.send(func(g *Game) {
			msg := ""
			switch {
			case status == 0:
				msg = g.sess.T("class.no-answer", "reason", text)
			case status != 200:
				msg = strings.TrimSpace(text)
			case bad:
				msg = g.sess.T("class.bad-answer")
			}
			g.class.msg = msg
			if msg == "" {
				g.class.view = v
				if after != nil {
					after(g, v)
				}
			}
		})
	})
}

// classClick handles a click on the panel; false if it is not shown
// there.
func (g *Game) classClick(x, y float64) bool {
	if !g.class.shown {
		return false
	}
	if a := hit(g.class.buttons, x, y); a != lesson.ActNone {
		g.classDo(a)
	}
	return true // the panel covers the scene: a click on it is its own
}

// studentsURL is where students go: the page, with the room's code
// in it for the QR code.
func (c *classroom) studentsURL(origin string, withCode bool) string {
	if withCode {
		return origin + "class/?room=" + c.code
	}
	return origin + "class/"
}

// drawClass draws the class session's panel over the scene: the room's
// code and address with a QR code large enough to scan from the back of
// a room, how many devices joined and voted, each round's distribution
// once shown, the answer once revealed, and the teacher's buttons.
func (g *Game) drawClass(v *view, lay *Layout) {
	c := &g.class
	c.buttons = c.buttons[:0]
	if !c.shown {
		return
	}
	w, h := lay.W-16, lay.H-16
	x, y := 8.0, 8.0
	if c.state != classOpen {
		// Only words: a box of their size in the middle.
		w, h = min(w, 760), min(h, 280)
		x, y = (lay.W-w)/2, (lay.H-h)/2
	}
	v.fillRect(x, y, w, h, colPanel)
	v.strokeRect(x, y, w, h, 2, colText)
	small := w < 700
	size := 22.0
	if small {
		size = 16
	}
	origin := classOrigin(g.qrBase)
	// The QR code on the right, as tall as the panel allows (on a
	// portrait screen, at the bottom).
	qrSide := min(h-40, w*0.45)
	textW := w - qrSide - 56
	if c.state != classOpen {
		textW = w - 40
	}
	if small && c.state == classOpen {
		qrSide, textW = min(w-40, h*0.4), w-40
	}
	ty := y + 20
	line := func(s string, tf Typeface, sz float64, col color.Color) {
		for _, l := range v.wrap(s, tf, sz, textW) {
			v.text(l, tf, sz, x+20, ty, alignStart, col)
			ty += sz * 1.35
		}
	}
	switch c.state {
	case classStarting:
		line(v.T("class.opening"), Bold, size+6, colText)
	case classUnavailable:
		line(v.T("class.title"), Bold, size+6, colText)
		ty += 8
		line(c.msg, Regular, size, colText)
		ty += 8
		line(v.T("class.close-hint", "key", g.sess.Key(lesson.ActClass)), Regular, size, colMuted)
		return
	case classOpen:
		line(v.T("class.room", "code", c.code), Bold, size+8, colText)
		line(v.T("class.join", "url", c.studentsURL(origin, false), "code", c.code), Regular, size, colText)
		if note := loopbackNote(v.book, origin); note != "" {
			ty += 4
			line(note, Bold, size, colError)
		}
		ty += 8
		line(v.T("class.devices", "n", c.view.Devices), Regular, size, colMuted)
		g.drawClassQuestion(v, x+20, &ty, textW, size)
		if c.msg != "" {
			line(c.msg, Bold, size, colError)
		}
		g.drawClassQR(v, x, y, w, h, qrSide, small, c.studentsURL(origin, true))
	}
	// The teacher's buttons along the bottom.
	bw, bh := min(260, (textW-40)/5), 48.0
	if small {
		bw = (w - 40 - 40) / 5
	}
	by := y + h - bh - 16
	if small {
		by = y + h - qrSide - bh - 40
	}
	for i, ctl := range g.classControls() {
		b := button{r: rect{x + 20 + float64(i)*(bw+10), by, bw, bh}, label: ctl.Label, key: ctl.Key, act: ctl.Action}
		b.off = c.state != classOpen && b.act != lesson.ActClass
		c.buttons = append(c.buttons, b)
		drawButton(v, b)
	}
}

// status is where the room's question is, in a line: "Round 1: 17 of 24
// voted" while a round is open (never how they voted).
func (cv teacherView) status(b *phrase.Book) string {
	switch {
	case cv.Phase == "voting" && cv.Round == 2:
		return b.T("class.vote-again", "voted", cv.Voted, "devices", cv.Devices)
	case cv.Phase == "closed":
		return b.T("class.round-closed", "round", cv.Round, "voted", cv.Voted, "devices", cv.Devices)
	case cv.Phase == "revealed":
		return b.T("class.answer", "answer", cv.Truth)
	}
	return b.T("class.round-voted", "round", cv.Round, "voted", cv.Voted, "devices", cv.Devices)
}

// words is the panel as text, for the page's text mirror: the line a
// screen reader is told of when it changes, then the rest.
func (g *Game) classWords() (status string, lines []string) {
	c := &g.class
	b := phrases(g.vm.Lang)
	switch c.state {
	case classStarting:
		return b.T("class.opening"), nil
	case classUnavailable:
		return b.T("class.none"), []string{c.msg}
	case classOff:
		return "", nil
	}
	origin := classOrigin(g.qrBase)
	lines = append(lines, b.T("class.join-text", "code", c.code, "url", c.studentsURL(origin, false), "qr", c.studentsURL(origin, true)))
	if note := loopbackNote(b, origin); note != "" {
		lines = append(lines, note)
	}
	cv := c.view
	lines = append(lines, b.T("class.devices", "n", cv.Devices))
	status = b.T("class.waiting-status")
	if cv.Question > 0 {
		status = b.T("class.status", "status", cv.status(b))
		lines = append(lines, cv.Text)
		for r, tally := range cv.Tallies {
			if tally == nil {
				continue
			}
			var parts []string
			for k, n := range tally {
				parts = append(parts, b.T("class.tally", "key", g.sess.Key(lesson.ActAnswer(k)), "choice", cv.Choices[k], "n", n))
			}
			lines = append(lines, b.T("class.round-tallies", "round", r+1, "tallies", strings.Join(parts, ", ")))
		}
	}
	if c.msg != "" {
		lines = append(lines, c.msg)
	}
	return status, lines
}

// drawClassQuestion draws the room's question: "17 of 24 voted" while a
// round is open, each shown round's distribution, the answer once
// revealed.
func (g *Game) drawClassQuestion(v *view, x float64, ty *float64, w, size float64) {
	cv := g.class.view
	if cv.Question == 0 {
		v.text(v.fit(v.T("class.waiting"), Regular, size, w), Regular, size, x, *ty, alignStart, colText)
		*ty += size * 1.35
		return
	}
	*ty += 8
	for _, l := range v.wrap(cv.Text, Bold, size, w) {
		v.text(l, Bold, size, x, *ty, alignStart, colText)
		*ty += size * 1.35
	}
	v.text(v.fit(cv.status(v.book), Bold, size, w), Bold, size, x, *ty, alignStart, colListen)
	*ty += size * 1.5
	// The distributions, round by round, a bar per choice.
	barW := w - 260
	for r, tally := range cv.Tallies {
		if tally == nil {
			continue
		}
		total := 0
		for _, n := range tally {
			total += n
		}
		v.text(v.T("class.round", "round", r+1), Regular, size-2, x, *ty, alignStart, colMuted)
		*ty += size * 1.3
		for k, n := range tally {
			label := g.sess.Key(lesson.ActAnswer(k)) + "  " + cv.Choices[k]
			col := colInUse
			if cv.Phase == "revealed" && cv.Choices[k] == cv.Truth {
				col = colListen
			}
			v.text(v.fit(label, Regular, size-2, 190), Regular, size-2, x, *ty, alignStart, colText)
			if total > 0 && n > 0 {
				v.fillRect(x+200, *ty+2, barW*float64(n)/float64(total), size-4, col)
			}
			v.text(fmt.Sprint(n), Bold, size-2, x+210+barW*float64(n)/float64(max(total, 1)), *ty, alignStart, colText)
			*ty += size * 1.3
		}
	}
}

// drawClassQR draws the QR code of the students' address with the room
// in it: on the right of the panel, or at its bottom on a narrow screen.
func (g *Game) drawClassQR(v *view, x, y, w, h, side float64, small bool, target string) {
	c := &g.class
	if c.qrFor != target {
		c.qrFor, c.qr = target, nil
		if m := qrModules(target); m != nil {
			c.qr = ebiten.NewImageFromImage(m)
		}
	}
	if c.qr == nil {
		return
	}
	slot := rect{x + w - side - 20, y + 20, side, side}
	if small {
		slot = rect{x + (w-side)/2, y + h - side - 20, side, side}
	}
	qx, qy, px := qrPlace(slot, v.scale, c.qr.Bounds().Dx())
	op := &ebiten.DrawImageOptions{} // nearest-neighbour: sharp modules
	op.GeoM.Scale(px, px)
	op.GeoM.Translate(qx, qy)
	v.dst.DrawImage(c.qr, op)
}

// classControls are the class panel's buttons: the teacher's, then Hide
// (V, which shows it again).
func (g *Game) classControls() []lesson.Control {
	var out []lesson.Control
	for _, a := range []lesson.Action{lesson.ActClassVotes, lesson.ActClassAgain, lesson.ActClassReveal, lesson.ActClassSummary, lesson.ActClass} {
		out = append(out, g.sess.Control(a))
	}
	out[len(out)-1].Label = g.sess.T("control.class-hide")
	return out
}
