package lesson

import (
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
)

// profile is the engine's profile of that name.
func profile(t testing.TB, name string) engine.Profile {
	t.Helper()
	p, err := engine.ProfileByName(name)
	require.NoError(t, err)
	return p
}

// getter reads settings from a map, as a link's parameters.
func getter(given map[string]string) func(string) (string, bool) {
	return func(n string) (string, bool) { v, ok := given[n]; return v, ok }
}

func TestParseSettings(t *testing.T) {
	cat := builtin(t)
	last := len(cat.Lessons)
	def := DefaultSettings()
	with := func(f func(*Settings)) Settings { s := DefaultSettings(); f(&s); return s }
	tests := []struct {
		name         string
		given        map[string]string
		want         Settings
		wantProblems []string // substrings, one per expected problem
	}{
		{"nothing given", nil, def, nil},
		{"a teacher's link", map[string]string{"scene": "5", "profile": "winxp", "speed": "2", "seed": "7"},
			with(func(s *Settings) {
				s.Lesson, s.LessonGiven, s.Profile, s.Speed, s.Seed, s.SeedGiven = 5, true, profile(t, "winxp"), 2, 7, true
			}), nil},
		{"the last lesson", map[string]string{"scene": itoa(last)}, with(func(s *Settings) { s.Lesson, s.LessonGiven = last, true }), nil},
		{"open paused", map[string]string{"paused": "1"}, with(func(s *Settings) { s.Paused = true }), nil},
		{"paused in words", map[string]string{"paused": "yes"}, with(func(s *Settings) { s.Paused = true }), nil},
		{"not paused", map[string]string{"paused": "false"}, def, nil},
		{"paused neither yes nor no", map[string]string{"paused": "maybe"}, def, []string{`paused="maybe": want 1 or 0`}},
		{"largest seed", map[string]string{"seed": "18446744073709551615"}, with(func(s *Settings) { s.Seed, s.SeedGiven = 1<<64-1, true }), nil},
		{"seed 0", map[string]string{"seed": "0"}, with(func(s *Settings) { s.Seed, s.SeedGiven = 0, true }), nil},
		{"sandbox knobs", map[string]string{"range": "40000-40099", "strategy": "random-pick", "timewait": "30s", "clients": "6", "rate": "1000", "dests": "1"},
			with(func(s *Settings) {
				s.Sandbox = Sandbox{Range: engine.Range{Lo: 40000, Hi: 40099}, Strategy: engine.RandomPick, TimeWait: 30 * time.Second, Clients: 6, Rate: 1000, Dests: 1}
			}), nil},
		{"the smallest sandbox", map[string]string{"range": "1-1", "timewait": "1ms", "clients": "1", "rate": "1"},
			with(func(s *Settings) {
				s.Sandbox.Range, s.Sandbox.TimeWait, s.Sandbox.Clients, s.Sandbox.Rate = engine.Range{Lo: 1, Hi: 1}, time.Millisecond, 1, 1
			}), nil},
		{"a range with spaces", map[string]string{"range": " 40000 - 40099 "},
			with(func(s *Settings) { s.Sandbox.Range = engine.Range{Lo: 40000, Hi: 40099} }), nil},
		{"unknown profile", map[string]string{"profile": "solaris"}, def, []string{`profile="solaris": unknown profile "solaris"; want one of linux`}},
		{"profile names are exact", map[string]string{"profile": "Linux"}, def, []string{`profile="Linux"`}},
		{"scene 0", map[string]string{"scene": "0"}, def,
			[]string{`scene="0": want a whole number from 1 to ` + itoa(last)}},
		{"scene past the last", map[string]string{"scene": itoa(last + 1)}, def, []string{`scene="` + itoa(last+1) + `"`}},
		{"scene not a number", map[string]string{"scene": "five"}, def, []string{`scene="five"`}},
		{"speed not offered", map[string]string{"speed": "3"}, def, []string{`speed="3": want one of 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64`}},
		{"speed not a number", map[string]string{"speed": "fast"}, def, []string{`speed="fast"`}},
		{"seed not a number", map[string]string{"seed": "abc"}, def, []string{`seed="abc"`}},
		{"negative seed", map[string]string{"seed": "-1"}, def, []string{`seed="-1"`}},
		{"seed too large", map[string]string{"seed": "18446744073709551616"}, def, []string{`seed="18446744073709551616"`}},
		{"empty seed", map[string]string{"seed": ""}, def, []string{`seed=""`}},
		{"range out of bounds", map[string]string{"range": "70000-80000"}, def, []string{`range="70000-80000": range 70000-80000: 70000 is outside 1-65535`}},
		{"range from port 0", map[string]string{"range": "0-10"}, def, []string{`range="0-10"`}},
		{"reversed range", map[string]string{"range": "5000-1000"}, def, []string{`range="5000-1000"`}},
		{"unknown strategy", map[string]string{"strategy": "lottery"}, def, []string{`strategy="lottery": unknown strategy`}},
		{"timewait without unit", map[string]string{"timewait": "30"}, def, []string{`timewait="30": want a duration`}},
		{"timewait zero", map[string]string{"timewait": "0s"}, def, []string{`timewait="0s"`}},
		{"timewait over an hour", map[string]string{"timewait": "61m"}, def, []string{`timewait="61m"`}},
		{"too many clients", map[string]string{"clients": "7"}, def, []string{`clients="7": want a whole number from 1 to 6`}},
		{"rate zero", map[string]string{"rate": "0"}, def, []string{`rate="0"`}},
		{"rate too high", map[string]string{"rate": "1001"}, def, []string{`rate="1001": want a whole number from 1 to 1000`}},
		{"four servers", map[string]string{"dests": "4"}, def, []string{`dests="4": want a whole number from 1 to 3`}},
		{"one good, one bad", map[string]string{"profile": "macos", "seed": "x"}, with(func(s *Settings) { s.Profile = profile(t, "macos") }), []string{`seed="x"`}},
		{"both bad", map[string]string{"profile": "", "seed": "1.5"}, def, []string{`profile=""`, `seed="1.5"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, problems := cat.ParseSettings(getter(tc.given))
			assert.Equal(t, tc.want, got)
			assert.Len(t, problems, len(tc.wantProblems), "problems: %q", problems)
			for i := range min(len(problems), len(tc.wantProblems)) {
				assert.Contains(t, problems[i], tc.wantProblems[i])
				assert.Contains(t, problems[i], "; using ", "a problem says what is used instead")
			}
		})
	}
}

// TestLinkOpensTheSameMoment: the presenter's link read back by
// ParseSettings gives the lesson, profile and seed it was made from, and
// no moment (its QR code must not change as time plays).
func TestLinkOpensTheSameMoment(t *testing.T) {
	cat := builtin(t)
	winxp, err := engine.ProfileByName("winxp")
	require.NoError(t, err)
	tests := []struct {
		name string
		set  Settings
		want []string
	}{
		{"defaults", DefaultSettings(), []string{"scene=1", "seed=1"}},
		{"profile and seed", Settings{Lesson: 5, LessonGiven: true, Profile: winxp, Seed: 18446744073709551615, Speed: 1}, []string{"scene=5", "profile=winxp", "seed=18446744073709551615"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ss := NewSession(cat, tc.set, nil, &MemStore{})
			ss.Do(ActPresenter)
			link := ss.View().Link
			for _, w := range tc.want {
				assert.Contains(t, "&"+link+"&", "&"+w+"&")
			}
			assert.NotContains(t, link, "t=")
			q, err := url.ParseQuery(link)
			require.NoError(t, err)
			got, problems := cat.ParseSettings(func(n string) (string, bool) { return q.Get(n), q.Has(n) })
			assert.Empty(t, problems)
			assert.Equal(t, tc.set.Lesson, got.Lesson)
			assert.Equal(t, tc.set.Profile.Name, got.Profile.Name)
			assert.Equal(t, tc.set.Seed, got.Seed)
		})
	}
}

func TestCheckPageSettings(t *testing.T) {
	tests := []struct {
		name string
		get  map[string]string
		want []string
	}{
		{"none", nil, nil},
		{"embed", map[string]string{"embed": "1"}, nil},
		{"embed in words", map[string]string{"embed": "true"}, nil},
		{"not embedded", map[string]string{"embed": "0"}, nil},
		{"embed empty", map[string]string{"embed": ""}, []string{`embed="": want 1 or 0 (true or false); using 0`}},
		{"embed neither", map[string]string{"embed": "iframe"}, []string{`embed="iframe": want 1 or 0 (true or false); using 0`}},
		{"app settings are not the page's", map[string]string{"seed": "x"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := CheckPageSettings(func(n string) (string, bool) { v, ok := tc.get[n]; return v, ok })
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestSettingNamesAreAllRead(t *testing.T) {
	cat := builtin(t)
	asked := map[string]bool{}
	cat.ParseSettings(func(n string) (string, bool) { asked[n] = true; return "", false })
	for _, n := range SettingNames {
		assert.True(t, asked[n], "%s is listed but never read", n)
	}
	assert.Len(t, asked, len(SettingNames), "every setting read is listed (flags are made from the list)")
	help := SettingHelp(cat, English())
	for _, n := range SettingNames {
		assert.NotEmpty(t, help[n], "%s has help", n)
	}
	assert.Len(t, help, len(SettingNames), "help is for the settings there are")
}

// The help texts say what ParseSettings accepts: the catalogue's lessons,
// the engine's profiles and strategies, the speeds.
func TestSettingHelpComesFromTheCatalogueAndTheEngine(t *testing.T) {
	cat := builtin(t)
	help := SettingHelp(cat, English())
	assert.Contains(t, help["scene"], "1 to "+itoa(len(cat.Lessons)))
	for _, p := range engine.Profiles() {
		assert.Contains(t, help["profile"], p.Name)
	}
	for _, l := range cat.Lessons {
		if l.ProfileSwitch {
			assert.Contains(t, help["profile"], itoa(l.Number), "lesson %d switches profiles", l.Number)
		}
	}
	for _, st := range engine.Strategies {
		assert.Contains(t, help["strategy"], st.String())
	}
	for _, sp := range Speeds {
		got, problems := cat.ParseSettings(getter(map[string]string{"speed": formatSpeed(sp)}))
		assert.Empty(t, problems)
		assert.Equal(t, sp, got.Speed)
		assert.Contains(t, help["speed"], formatSpeed(sp))
	}
	assert.True(t, slices.IsSorted(Speeds), "speeds go from slowest to fastest")
	assert.Contains(t, Speeds, DefaultSettings().Speed)
}

// A page address that net/url cannot read is said in the link's own
// language, naming where and why.
func TestUnreadableLink(t *testing.T) {
	_, err := url.ParseQuery("scene=3&profile=%zz")
	require.Error(t, err)
	get := func(lang string) func(string) (string, bool) {
		return func(name string) (string, bool) {
			if name == "lang" && lang != "" {
				return lang, true
			}
			return "", false
		}
	}
	for _, tc := range []struct {
		lang     string
		fragment bool
		want     string
	}{
		{"", false, "A URL parameter of the page could not be read"},
		{"", true, "after #"},
		{"de", false, "Ein URL-Parameter der Seite ließ sich nicht lesen"},
		{"uk", true, "після #"},
	} {
		msg := UnreadableLink(get(tc.lang), tc.fragment, err.Error())
		assert.Contains(t, msg, tc.want, tc.lang)
		assert.Contains(t, msg, `invalid URL escape "%zz"`, "the reason, as net/url gives it")
	}
}
