package game

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/class"
	"github.com/portplay/portplay/lesson"
)

func TestClassOrigin(t *testing.T) {
	for _, tc := range []struct{ page, origin string }{
		{"http://192.168.1.20:8080/", "http://192.168.1.20:8080/"},
		{"http://192.168.1.20:8080/portplay/index.html", "http://192.168.1.20:8080/"},
		{"https://example.org/tools/portplay/", "https://example.org/"},
		{"http://localhost:8080", "http://localhost:8080/"},
		{"", ""}, // natively: no page, no server
		{"file.html", ""},
	} {
		assert.Equal(t, tc.origin, classOrigin(tc.page), tc.page)
	}
}

func TestLoopbackHost(t *testing.T) {
	for _, tc := range []struct {
		origin   string
		loopback bool
	}{
		{"http://127.0.0.1:8080/", true},
		{"http://127.3.4.5:8080/", true}, // all of 127/8 is loopback
		{"http://localhost:8080/", true},
		{"http://[::1]:8080/", true},
		{"http://[::1]/", true},
		{"http://127.0.0.1/", true},
		{"http://localhost/", true},
		{"http://192.168.1.20:8080/", false},
		{"http://[fe80::1]:8080/", false},
		{"https://example.org/", false},
	} {
		assert.Equal(t, tc.loopback, loopbackHost(tc.origin), tc.origin)
		// The note the class panel and presenter mode's QR code give:
		// only on loopback, naming the address and the way out.
		if note := loopbackNote(lesson.English(), tc.origin); tc.loopback {
			assert.True(t, strings.HasPrefix(note, tc.origin+" is this computer's own address"), note)
			assert.Contains(t, note, "portplay-serve -lan", tc.origin)
		} else {
			assert.Empty(t, note, tc.origin)
		}
	}
}

// TestTeacherViewWire: the app reads what the server writes.
func TestTeacherViewWire(t *testing.T) {
	sent := class.TeacherView{Code: "K7PX3Q", Devices: 24, Phase: class.Voting, Question: 2, Text: "Which?",
		Choices: []string{"a", "b"}, Round: 2, Voted: 17, Tallies: [][]int{{3, 4}, nil}, Truth: "b", Played: 2}
	b, err := json.Marshal(sent)
	require.NoError(t, err)
	var got teacherView
	require.NoError(t, got.read(string(b)))
	assert.Equal(t, teacherView{Devices: 24, Phase: "voting", Question: 2, Text: "Which?", Choices: []string{"a", "b"},
		Round: 2, Voted: 17, Tallies: [][]int{{3, 4}, nil}, Truth: "b", Played: 2}, got)
}

// teacherView.read is json.Unmarshal into a teacherView: both fail, or
// both read the same (jsonlite's fuzz test holds its parts to that).
func TestTeacherViewReadIsUnmarshal(t *testing.T) {
	for _, in := range []string{
		`{"code":"K7PX3Q","devices":3,"phase":"revealed","question":1,"text":"Wh\u00e9?","choices":["a","b",null],` +
			`"round":1,"voted":2,"tallies":[[1,1],null,[]],"truth":"a","played":1,"extra":{"x":[1]}}`,
		`{"Devices": 1, "PHASE": "waiting"}`, `{}`, `null`,
		`{"devices": "3"}`, `{"tallies": [[1.5]]}`, `{"choices": "a"}`, `[]`, `{"devices": 1`, ``,
	} {
		var want, got teacherView
		wantErr := json.Unmarshal([]byte(in), &want)
		err := got.read(in)
		if wantErr != nil {
			assert.Error(t, err, "%s: encoding/json says %v", in, wantErr)
			continue
		}
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
}

// Presenter mode's Class session button does what V does: natively (no
// page address) it shows the panel saying class sessions need
// portplay-serve, and a second click hides it.
func TestClassSessionButton(t *testing.T) {
	g := newGame(t, 3, nil)
	g.do(lesson.ActPresenter)
	g.vm = g.sess.View()
	i := slices.IndexFunc(g.layout().Buttons, func(b button) bool { return b.act == lesson.ActClass })
	require.GreaterOrEqual(t, i, 0, "presenter mode's control bar has the button")
	b := g.layout().Buttons[i]
	assert.Equal(t, "Class session", b.label)
	assert.Equal(t, "V", b.key)
	x, y := centre(b.r)
	g.click(x, y, 1)
	assert.True(t, g.class.shown)
	assert.Equal(t, classUnavailable, g.class.state)
	assert.Equal(t, lesson.English().T("class.unavailable"), g.class.msg)
	g.do(lesson.ActClass) // V
	assert.False(t, g.class.shown, "V hides what the button showed")
}

// The class panel in words, for the text mirror: nothing while off, the
// reason where there is no session, and in a room its code, the devices,
// the question and each round's tally by the choices' keys.
func TestClassInWords(t *testing.T) {
	g := newGame(t, 3, nil)
	status, lines := g.classWords()
	assert.Empty(t, status)
	assert.Empty(t, lines)
	g.do(lesson.ActClass)
	status, lines = g.classWords()
	assert.NotEmpty(t, status)
	assert.Equal(t, []string{lesson.English().T("class.unavailable")}, lines)

	g.class.state, g.class.code, g.qrBase = classOpen, "KQ7M", "http://192.0.2.7:8080/"
	g.class.view = teacherView{Devices: 3, Phase: "voting", Question: 1, Text: "Which port?", Choices: []string{"1025", "1028"},
		Round: 1, Voted: 2, Tallies: [][]int{{1, 1}}}
	status, lines = g.classWords()
	assert.Contains(t, status, "2 of 3")
	all := strings.Join(lines, "\n")
	assert.Contains(t, all, "KQ7M")
	assert.Contains(t, all, "Which port?")
	assert.Contains(t, all, g.sess.Key(lesson.ActAnswer(1))+" 1028 1", "a tally names each choice by its key")
}
