package lesson

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/lesson/phrase"
)

// fuzzNames are the settings FuzzParseSettings gives values to, in the
// order of its arguments.
var fuzzNames = []string{"scene", "profile", "speed", "seed", "paused", "range", "strategy", "timewait", "clients", "rate", "dests", "udp", "lang"}

func formatSpeed(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// checkParsedSettings checks cat.ParseSettings on the values given (a
// missing name is not given) and returns what is wrong, if anything.
func checkParsedSettings(cat *Catalogue, given map[string]string) error {
	s, problems := cat.ParseSettings(getter(given))
	return checkSettings(cat, given, s, problems)
}

// checkSettings checks settings s and problems, read from given.
func checkSettings(cat *Catalogue, given map[string]string, s Settings, problems []string) error {
	def := DefaultSettings()

	// Each problem names one given setting and its value, once: at its
	// start in English, anywhere in a language lang= asked for.
	english := linkBook(getter(given)) == English()
	rejected := map[string]bool{}
	for _, p := range problems {
		found := false
		for name, v := range given {
			if named := fmt.Sprintf("%s=%q", name, v); english && strings.HasPrefix(p, named+": ") || !english && strings.Contains(p, named) {
				if rejected[name] {
					return fmt.Errorf("two problems for %s: %q", name, problems)
				}
				rejected[name], found = true, true
			}
		}
		if !found {
			return fmt.Errorf("problem %q names no setting given (%q)", p, given)
		}
		if english && !strings.Contains(p, "; using ") {
			return fmt.Errorf("problem %q does not say what is used instead", p)
		}
	}

	// Every setting is valid whatever was given.
	if _, ok := cat.Lesson(s.Lesson); !ok {
		return fmt.Errorf("lesson %d", s.Lesson)
	}
	if !slices.Contains(Speeds, s.Speed) {
		return fmt.Errorf("speed %v", s.Speed)
	}
	if s.Profile.Name != "" {
		if p, err := engine.ProfileByName(s.Profile.Name); err != nil || p != s.Profile {
			return fmt.Errorf("profile %+v is not the engine's (%v)", s.Profile, err)
		}
	} else if s.Profile != (engine.Profile{}) {
		return fmt.Errorf("profile %+v without a name", s.Profile)
	}
	sb := s.Sandbox
	if sb.Range != (engine.Range{}) {
		if _, err := engine.NewRange(int(sb.Range.Lo), int(sb.Range.Hi)); err != nil {
			return fmt.Errorf("range: %v", err)
		}
	}
	if sb.Strategy != 0 && !slices.Contains(engine.Strategies, sb.Strategy) {
		return fmt.Errorf("strategy %v", sb.Strategy)
	}
	if sb.TimeWait != 0 && (sb.TimeWait < time.Millisecond || sb.TimeWait > time.Hour) {
		return fmt.Errorf("timewait %s", sb.TimeWait)
	}
	if sb.Clients < 1 || sb.Clients > maxClients || sb.Rate < 1 || sb.Rate > maxRate || sb.Dests < 1 || sb.Dests > len(sandboxServers) {
		return fmt.Errorf("sandbox %+v", sb)
	}

	// A setting not given, or rejected, keeps its default; one accepted
	// is what was given.
	for _, name := range fuzzNames {
		v, ok := given[name]
		keep := !ok || rejected[name]
		var same bool
		switch name {
		case "scene":
			n, err := strconv.Atoi(v)
			same = keep && s.Lesson == def.Lesson || !keep && err == nil && s.Lesson == n
			same = same && s.LessonGiven == !keep // a bad one is as if not given
		case "profile":
			p, err := engine.ProfileByName(v)
			same = keep && s.Profile == def.Profile || !keep && err == nil && s.Profile == p
		case "speed":
			f, err := strconv.ParseFloat(v, 64)
			same = keep && s.Speed == def.Speed || !keep && err == nil && s.Speed == f
		case "seed":
			n, err := strconv.ParseUint(v, 10, 64)
			same = keep && s.Seed == def.Seed || !keep && err == nil && s.Seed == n
		case "paused":
			same = keep && !s.Paused || !keep && s.Paused == slices.Contains([]string{"1", "true", "yes"}, v)
		case "range":
			r, err := engine.ParseRange(v)
			same = keep && sb.Range == def.Sandbox.Range || !keep && err == nil && sb.Range == r
		case "strategy":
			st, err := engine.StrategyByName(v)
			same = keep && sb.Strategy == def.Sandbox.Strategy || !keep && err == nil && sb.Strategy == st
		case "timewait":
			d, err := time.ParseDuration(v)
			same = keep && sb.TimeWait == def.Sandbox.TimeWait || !keep && err == nil && sb.TimeWait == d
		case "clients":
			n, err := strconv.Atoi(v)
			same = keep && sb.Clients == def.Sandbox.Clients || !keep && err == nil && sb.Clients == n
		case "rate":
			n, err := strconv.Atoi(v)
			same = keep && sb.Rate == def.Sandbox.Rate || !keep && err == nil && sb.Rate == n
		case "dests":
			n, err := strconv.Atoi(v)
			same = keep && sb.Dests == def.Sandbox.Dests || !keep && err == nil && sb.Dests == n
		case "udp":
			n, err := strconv.Atoi(v)
			same = keep && sb.UDP == def.Sandbox.UDP || !keep && err == nil && sb.UDP == n
		case "lang":
			// A bad one is English, over the learner's and the system's.
			same = !ok && s.Lang == def.Lang && !s.LangGiven || ok && rejected[name] && s.Lang == "en" && s.LangGiven ||
				!keep && s.Lang == v && s.LangGiven && (slices.Contains(LanguageCodes(), v) || v == phrase.PseudoLang)
		}
		if !same {
			return fmt.Errorf("%s given %q (given: %v, rejected: %v) gives %+v", name, v, ok, rejected[name], s)
		}
	}

	// Whatever a link sets, the sandbox it opens can be built and run,
	// and so can the lesson it names.
	for _, l := range cat.Lessons {
		if l.Sandbox || l.Number == s.Lesson {
			if _, err := NewRun(l, s); err != nil {
				return fmt.Errorf("lesson %d with accepted settings %+v cannot run: %v", l.Number, s, err)
			}
		}
	}
	return nil
}

func FuzzParseSettings(f *testing.F) {
	cat, err := Builtin()
	require.NoError(f, err)
	// Arguments: which settings are given (bit i: fuzzNames[i]), then a
	// value for each.
	all := uint16(1<<len(fuzzNames) - 1)
	f.Add(uint16(0), "", "", "", "", "", "", "", "", "", "", "", "", "")
	f.Add(all, "5", "winxp", "2", "7", "1", "40000-40099", "random-pick", "30s", "6", "1000", "1", "25", "de")
	f.Add(all, "0", "Linux", "3", "-1", "maybe", "70000-80000", "lottery", "30", "7", "0", "4", "101", "klingon")
	f.Add(all, "7", "macos", "0.25", "18446744073709551615", "no", "1-65535", "sequential", "1h", "1", "1", "3", "0", "es")
	f.Add(all, "+3", "", "1e0", "18446744073709551616", "true", "5000-1000", "", "0s", "+6", "1001", "-1", "-5", "UK")
	f.Add(all, " 2", "iana", "64", "0", "0", "1025-1034", "linux-connect", "1ms", "3", "50", "2", "100", "uk")
	f.Add(uint16(0b1010_0000), "", "", "", "", "", "49152-50175", "", "240s", "", "", "", "", "")
	f.Add(all, "1", "freebsd", "NaN", "1.5", "yes", "+40000-40009", "random-start", "-5s", "2", "500", "3", "50", "xx-long")
	f.Add(all, "6", "linux-old", "64", "1", "1", " 1 - 1 ", "random-pick", "59m59s", "6", "1000", "3", "10", "en")
	f.Fuzz(func(t *testing.T, mask uint16, scene, profile, speed, seed, paused, rng, strategy, timewait, clients, rate, dests, udp, lang string) {
		values := []string{scene, profile, speed, seed, paused, rng, strategy, timewait, clients, rate, dests, udp, lang}
		given := map[string]string{}
		for i, name := range fuzzNames {
			if mask&(1<<i) != 0 {
				given[name] = values[i]
			}
		}
		if err := checkParsedSettings(cat, given); err != nil {
			t.Fatal(err)
		}
	})
}

func TestFuzzNamesAreTheSettings(t *testing.T) {
	assert.Equal(t, SettingNames, fuzzNames, "FuzzParseSettings covers every setting, in order")
}

// The checker must itself catch what it is for: settings other than
// those given, problems that name nothing, settings out of bounds.
func TestCheckSettingsCatchesMistakes(t *testing.T) {
	cat := builtin(t)
	given := map[string]string{"scene": "5", "profile": "macos", "range": "40000-40099", "clients": "9", "timewait": "2s"}
	good, problems := cat.ParseSettings(getter(given))
	require.Len(t, problems, 1, "clients=9 is rejected")
	require.NoError(t, checkSettings(cat, given, good, problems))
	tests := []struct {
		name     string
		change   func(s *Settings)
		problems []string
	}{
		{"the range given is lost", func(s *Settings) { s.Sandbox.Range = engine.Range{} }, problems},
		{"another range", func(s *Settings) { s.Sandbox.Range.Hi++ }, problems},
		{"a rejected setting is used anyway", func(s *Settings) { s.Sandbox.Clients = 9 }, problems},
		{"a setting not given changes", func(s *Settings) { s.Seed = 2 }, problems},
		{"the lesson is not marked as asked for", func(s *Settings) { s.LessonGiven = false }, problems},
		{"a profile that is not the engine's", func(s *Settings) { s.Profile.TimeWait = time.Second }, problems},
		{"a speed not offered", func(s *Settings) { s.Speed = 3 }, problems},
		{"no problem for a rejected setting", func(*Settings) {}, nil},
		{"a problem that names nothing", func(*Settings) {}, append(slices.Clone(problems), "something is wrong; using 1")},
		{"a problem that says no replacement", func(*Settings) {}, []string{strings.TrimSuffix(problems[0], problems[0][strings.Index(problems[0], "; using "):])}},
	}
	for _, tc := range tests {
		s := good
		tc.change(&s)
		assert.Error(t, checkSettings(cat, given, s, tc.problems), tc.name)
	}
}

// A range written with spaces inside its parts is read as the same ports,
// and the sandbox it asks for opens.
func TestLinkRangeWithSpacesBuildsTheSandbox(t *testing.T) {
	cat := builtin(t)
	var sandbox *Lesson
	for _, l := range cat.Lessons {
		if l.Sandbox {
			sandbox = l
		}
	}
	require.NotNil(t, sandbox)
	for _, v := range []string{"40000 - 40099", "40000- 40099", "40000\t-40099", " 40000-40099 "} {
		given := map[string]string{"range": v, "scene": itoa(sandbox.Number)}
		require.NoError(t, checkParsedSettings(cat, given), "range=%q", v)
		s, problems := cat.ParseSettings(getter(given))
		require.Empty(t, problems)
		assert.Equal(t, engine.Range{Lo: 40000, Hi: 40099}, s.Sandbox.Range)
		ss := NewSession(cat, s, problems, &MemStore{})
		v := ss.View()
		require.Empty(t, v.Fatal)
		assert.Equal(t, sandbox.Number, v.Lesson)
		for _, h := range v.Hosts {
			if h.Client {
				assert.Equal(t, s.Sandbox.Range, h.Range, "%s runs the range the link gave", h.Name)
			}
		}
	}
}
