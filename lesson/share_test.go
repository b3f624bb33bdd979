package lesson

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/assets"
)

// twoServers is a small scenario of one's own, as a teacher writes it.
const twoServers = `title "Mine: two servers"
seed 3
duration 20s
host laptop 192.168.1.5 profile macos
host web-a 10.0.0.10
host web-b 10.0.0.20
listen web-a 80
listen web-b 80
connect laptop -> web-a:80 at 1s every 2s count 3
connect laptop -> web-b:80 at 2s
`

// deflated is src compressed and encoded as a link carries it, by the
// standard library alone: what a test or another tool would build.
func deflated(t testing.TB, src []byte) string {
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, flate.BestSpeed)
	require.NoError(t, err)
	_, err = w.Write(src)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return base64.RawURLEncoding.EncodeToString(b.Bytes())
}

func TestScenarioCodecRoundTrip(t *testing.T) {
	lesson5, err := assets.Scenario("5-running-out")
	require.NoError(t, err)
	for name, src := range map[string]string{
		"empty":        "",
		"own":          twoServers,
		"built-in":     lesson5.Source,
		"unicode":      "title \"Ports — für alle, ポート\"\n",
		"CRLF":         strings.ReplaceAll(twoServers, "\n", "\r\n"),
		"at the limit": strings.Repeat("# a comment line\n", MaxScenarioBytes/17) + strings.Repeat("x", MaxScenarioBytes%17),
	} {
		t.Run(name, func(t *testing.T) {
			enc, err := EncodeScenario(src)
			require.NoError(t, err)
			assert.NotContains(t, enc, "=", "unpadded")
			assert.Equal(t, enc, url.QueryEscape(enc), "base64url needs no escaping in a URL")
			got, err := DecodeScenario(enc)
			require.NoError(t, err)
			assert.Equal(t, src, got)
			// What the standard library makes at another level decodes
			// the same: the format, not this encoder, is the contract.
			got, err = DecodeScenario(deflated(t, []byte(src)))
			require.NoError(t, err)
			assert.Equal(t, src, got)
		})
	}
}

func TestScenarioCodecRefusesBadInput(t *testing.T) {
	bomb := deflated(t, make([]byte, 50<<20)) // 50 MB of zeros, about 70 KB of text: over the limit
	smallBomb := deflated(t, make([]byte, 10<<20))
	require.Less(t, len(smallBomb), MaxScenarioParam, "a bomb that fits in a link")
	for _, c := range []struct{ name, in, want string }{
		{"bad character", "abc!def", "character 4 is wrong"},
		{"padded", deflated(t, []byte(twoServers)) + "=", "not base64url"},
		{"standard base64", strings.ReplaceAll(deflated(t, []byte(strings.Repeat("host ~~~ ??? >>>\n", 40))), "_", "/"), "not base64url"},
		{"not deflate", base64.RawURLEncoding.EncodeToString([]byte("host a 10.0.0.1\n")), "not a compressed scenario"},
		{"truncated", deflated(t, []byte(twoServers))[:20], "not a compressed scenario"},
		{"decompression bomb", smallBomb, "decompresses to more than 65536 bytes"},
		{"one byte over", deflated(t, bytes.Repeat([]byte{'#'}, MaxScenarioBytes+1)), "decompresses to more than 65536 bytes"},
		{"too long", bomb, "at most 32768"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeScenario(c.in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	_, err := EncodeScenario(strings.Repeat("#", MaxScenarioBytes+1))
	assert.ErrorContains(t, err, "at most 65536")
}

func FuzzDecodeScenario(f *testing.F) {
	f.Add(deflated(f, []byte(twoServers)))
	f.Add(deflated(f, make([]byte, MaxScenarioBytes+1)))
	f.Add("")
	f.Add("AAAA")
	f.Add("-_-_")
	f.Fuzz(func(t *testing.T, in string) {
		src, err := DecodeScenario(in)
		if err != nil {
			assert.NotEmpty(t, err.Error())
			return
		}
		require.LessOrEqual(t, len(src), MaxScenarioBytes)
		// What decodes encodes again, and back to the same text.
		enc, err := EncodeScenario(src)
		require.NoError(t, err)
		back, err := DecodeScenario(enc)
		require.NoError(t, err)
		require.Equal(t, src, back)
	})
}

func TestParseLink(t *testing.T) {
	good := deflated(t, []byte(twoServers))
	for _, c := range []struct {
		name     string
		given    map[string]string
		scenario string
		at       time.Duration
		step     int
		problem  string
	}{
		{"nothing", map[string]string{}, "", 0, 0, ""},
		{"scenario and moment", map[string]string{"scenario": good, "t": "4.5s"}, twoServers, 4500 * time.Millisecond, 0, ""},
		{"plain seconds", map[string]string{"t": "12.25"}, "", 12250 * time.Millisecond, 0, ""},
		{"bad moment", map[string]string{"t": "-3s"}, "", 0, 0, `t="-3s": want a moment from 0 to 24h, e.g. 12.5s`},
		{"not a moment", map[string]string{"t": "soon"}, "", 0, 0, `t="soon"`},
		{"step and moment", map[string]string{"step": "3", "t": "2s"}, "", 2 * time.Second, 3, ""},
		{"step 0", map[string]string{"step": "0"}, "", 0, 0, `step="0": want a step number from 1 to 99; using the step saved`},
		{"step too far", map[string]string{"step": "100"}, "", 0, 0, `step="100": want a step number from 1 to 99`},
		{"not a step", map[string]string{"step": "two"}, "", 0, 0, `step="two"`},
		{"undecodable", map[string]string{"scenario": "%%%"}, "", 0, 0, "character 1 is wrong. Showing lesson 1 instead."},
		{"does not parse", map[string]string{"scenario": deflated(t, []byte("host a 10.0.0.1\nlisten a 70000\n"))}, "", 0, 0, "line 2, column 10"},
		{"no hosts", map[string]string{"scenario": deflated(t, []byte("title \"empty\"\n"))}, "", 0, 0, "has no host"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := DefaultSettings()
			problems := ParseLink(&s, getter(c.given))
			assert.Equal(t, c.scenario, s.Scenario)
			assert.Equal(t, c.at, s.At)
			assert.Equal(t, c.step, s.Step)
			if c.problem == "" {
				assert.Empty(t, problems)
			} else {
				require.Len(t, problems, 1)
				assert.Contains(t, problems[0], c.problem)
			}
		})
	}
}

// A link made of a session at some moment opens a session that shows the
// same run at the same moment.
func TestShareLinkReopensTheSameMoment(t *testing.T) {
	cat := builtin(t)
	ss := NewSession(cat, DefaultSettings(), nil, &MemStore{})
	require.NoError(t, ss.LoadScenario("mine.txt", twoServers))
	ss.Tick(0)
	for ss.View().Clock.Now < 5*time.Second {
		ss.Do(ActStepForward)
	}
	before := ss.View()
	require.NotEmpty(t, before.Connections)

	link, err := ss.ShareLink("http://school.example/portplay/?scene=2#old")
	require.NoError(t, err)
	base, frag, ok := strings.Cut(link, "#")
	require.True(t, ok)
	assert.Equal(t, "http://school.example/portplay/?scene=2", base)
	require.True(t, strings.HasPrefix(frag, "scenario="), frag)
	q, err := url.ParseQuery(frag)
	require.NoError(t, err)
	assert.Equal(t, "3", q.Get("seed"), "the file's own seed")
	get := func(n string) (string, bool) { return q.Get(n), q.Has(n) }

	set, problems := cat.ParseSettings(get)
	problems = append(problems, ParseLink(&set, get)...)
	require.Empty(t, problems)
	again := NewSession(cat, set, nil, &MemStore{})
	after := again.View()
	assert.Equal(t, before.Clock.Now, after.Clock.Now)
	assert.Equal(t, before.Connections, after.Connections)
	assert.Equal(t, "Yours: Mine: two servers", after.Title)
	assert.False(t, again.Playing(), "a link's moment opens paused")
}

// A lesson's link carries its step too: it reopens with the narration
// that goes with the moment, not the step the learner's progress saved.
func TestShareLinkReopensTheStep(t *testing.T) {
	cat := builtin(t)
	ss := newSession(t, 3)
	ss.Do(ActStepForward) // leave the start, so the step below is entered by play
	ss.gotoStep(2)
	ss.PlayToPause(nil)
	before := ss.View()
	require.Equal(t, 2, before.Narration.Step)
	require.Positive(t, before.Clock.Now)

	f, err := ss.ShareFragment()
	require.NoError(t, err)
	q, err := url.ParseQuery(f)
	require.NoError(t, err)
	assert.Equal(t, "3", q.Get("step"), "steps count from 1 in a link")
	get := func(n string) (string, bool) { return q.Get(n), q.Has(n) }
	set, problems := cat.ParseSettings(get)
	problems = append(problems, ParseLink(&set, get)...)
	require.Empty(t, problems)

	// Someone whose progress in lesson 3 is at its first step.
	again := NewSession(cat, set, nil, &MemStore{}).View()
	assert.Equal(t, before.Narration.Step, again.Narration.Step)
	assert.Equal(t, before.Narration.Text, again.Narration.Text)
	assert.Equal(t, before.Clock.Now, again.Clock.Now)
	assert.Equal(t, before.Connections, again.Connections)

	// A step past the lesson's last is said, and the last shown.
	set.Step = 40
	far := NewSession(cat, set, nil, &MemStore{}).View()
	assert.Equal(t, far.Narration.Steps-1, far.Narration.Step)
	require.Len(t, far.Problems, 1)
	assert.Contains(t, far.Problems[0], "The link's step 40 is past lesson 3's last")

	// The presenter's QR code opens the scene, not a step.
	ss.Do(ActPresenter)
	pq, err := url.ParseQuery(ss.View().Link)
	require.NoError(t, err)
	assert.False(t, pq.Has("step"))
}

func TestLoadScenario(t *testing.T) {
	cat := builtin(t)
	ss := newSession(t, 2)
	before := ss.View()

	err := ss.LoadScenario("bad.txt", "host a 10.0.0.1\nhost b 10.0.0.1\n")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bad.txt: line 2, column 8")
	v := ss.View()
	assert.Equal(t, before.Title, v.Title, "nothing else changes")
	assert.Equal(t, before.Clock, v.Clock)
	require.Len(t, v.Problems, 1)
	assert.Contains(t, v.Problems[0], "line 2, column 8")

	require.NoError(t, ss.LoadScenario("mine.txt", twoServers))
	v = ss.View()
	assert.Equal(t, CustomLesson, v.Lesson)
	assert.Equal(t, "yours", v.Scenario)
	var names []string
	for _, h := range v.Hosts {
		names = append(names, h.Name)
	}
	assert.Equal(t, []string{"laptop", "web-a", "web-b"}, names)
	last := v.Lessons[len(v.Lessons)-1]
	assert.Equal(t, LessonButton{Number: CustomLesson, Short: "Yours", Current: true, name: "Your scenario"}, last)

	// Away to a lesson and back again by its button's action.
	ss.Do(ActOpen(1))
	assert.Equal(t, 1, ss.View().Lesson)
	ss.Do(ActOpen(CustomLesson))
	assert.Equal(t, "yours", ss.View().Scenario)
	// The learner's own scenario is not saved as the lesson to reopen.
	store := &MemStore{}
	ss2 := NewSession(cat, DefaultSettings(), nil, store)
	require.NoError(t, ss2.LoadScenario("mine.txt", twoServers))
	p, err := loadProgress(store)
	require.NoError(t, err)
	assert.NotEqual(t, CustomLesson, p.Lesson)
}

// The knobs that apply to the learner's own scenario change its clients,
// and a link carries them.
func TestOwnScenarioKnobs(t *testing.T) {
	cat := builtin(t)
	ss := NewSession(cat, DefaultSettings(), nil, &MemStore{})
	require.NoError(t, ss.LoadScenario("mine.txt", twoServers))
	v := ss.View()
	var names []string
	for _, k := range v.Knobs {
		names = append(names, k.Name)
	}
	assert.Equal(t, []string{"Profile", "Range", "Strategy", "TIME_WAIT"}, names)
	ss.TurnKnob(1, 1) // Range: the first range offered
	ss.TurnKnob(3, 1) // TIME_WAIT: 1s
	v = ss.View()
	laptop := v.Hosts[0]
	assert.Equal(t, "laptop", laptop.Name)
	assert.Equal(t, sandboxRanges[1], laptop.Range)
	assert.Equal(t, "web-a", v.Hosts[1].Name)
	assert.NotEqual(t, sandboxRanges[1], v.Hosts[1].Range, "servers keep their own")

	ss.SeekTo(5 * time.Second)
	link, err := ss.ShareFragment()
	require.NoError(t, err)
	q, err := url.ParseQuery(link)
	require.NoError(t, err)
	assert.Equal(t, sandboxRanges[1].String(), q.Get("range"))
	assert.Equal(t, "1s", q.Get("timewait"))
	get := func(n string) (string, bool) { return q.Get(n), q.Has(n) }
	set, problems := cat.ParseSettings(get)
	problems = append(problems, ParseLink(&set, get)...)
	require.Empty(t, problems)
	again := NewSession(cat, set, nil, &MemStore{}).View()
	assert.Equal(t, ss.View().Connections, again.Connections)
	assert.Equal(t, laptop.Range, again.Hosts[0].Range)

	// Presenting it, the QR code's link opens the same scenario, from the
	// start.
	ss.Do(ActPresenter)
	pq, err := url.ParseQuery(ss.View().Link)
	require.NoError(t, err)
	assert.Equal(t, q.Get("scenario"), pq.Get("scenario"), "the learner's own scenario, not a lesson")
	assert.False(t, pq.Has("t"))
	ss.Do(ActPresenter)

	// A lesson has no knobs.
	ss.Do(ActOpen(2))
	assert.Empty(t, ss.View().Knobs)
}

// Once the learner has gone from her scenario to a lesson, a link is the
// lesson's.
func TestShareLinkOfALessonAfterYourOwn(t *testing.T) {
	ss := NewSession(builtin(t), DefaultSettings(), nil, &MemStore{})
	require.NoError(t, ss.LoadScenario("mine.txt", twoServers))
	ss.Do(ActOpen(2))
	f, err := ss.ShareFragment()
	require.NoError(t, err)
	q, err := url.ParseQuery(f)
	require.NoError(t, err)
	assert.False(t, q.Has("scenario"))
	assert.Equal(t, "2", q.Get("scene"))
}

// A link made in another language than English opens in it, over the
// reader's own saved choice; one made in English leaves the reader's.
func TestShareLinkCarriesTheLanguage(t *testing.T) {
	cat := builtin(t)
	readers := &MemStore{}
	reader := NewSession(cat, DefaultSettings(), nil, readers)
	require.NoError(t, reader.SetLang("uk")) // the reader's own choice, saved
	for _, lang := range []string{"en", "de", "es"} {
		ss := newSession(t, 3)
		require.NoError(t, ss.SetLang(lang))
		frag, err := ss.ShareFragment()
		require.NoError(t, err)
		q, err := url.ParseQuery(frag)
		require.NoError(t, err)
		get := func(n string) (string, bool) { return q.Get(n), q.Has(n) }
		set, problems := cat.ParseSettings(get)
		problems = append(problems, ParseLink(&set, get)...)
		require.Empty(t, problems)
		opened := NewSession(cat, set, nil, readers)
		want := lang
		if lang == "en" {
			assert.False(t, q.Has("lang"), frag)
			want = "uk"
		}
		assert.Equal(t, want, opened.Lang(), "a link made in %s", lang)
	}
}
