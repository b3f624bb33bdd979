package game

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
	"github.com/portplay/portplay/engine/sim"
)

// fuzzNames are the settings FuzzParseSettings gives values to, in the
// order of its arguments.
var fuzzNames = []string{"scene", "profile", "speed", "seed", "paused", "range", "strategy", "timewait", "clients", "rate", "dests"}

// checkParsedSettings checks ParseSettings on the values given (a missing
// name is not given) and returns what is wrong, if anything.
func checkParsedSettings(given map[string]string) error {
	s, problems := ParseSettings(func(n string) (string, bool) { v, ok := given[n]; return v, ok })
	def := DefaultSettings()

	// Each problem names one given setting and its value, once.
	rejected := map[string]bool{}
	for _, p := range problems {
		found := false
		for name, v := range given {
			if strings.HasPrefix(p, fmt.Sprintf("%s=%q: ", name, v)) {
				if rejected[name] {
					return fmt.Errorf("two problems for %s: %q", name, problems)
				}
				rejected[name], found = true, true
			}
		}
		if !found {
			return fmt.Errorf("problem %q names no setting given (%q)", p, given)
		}
		if !strings.Contains(p, "; using ") {
			return fmt.Errorf("problem %q does not say what is used instead", p)
		}
	}

	// Every setting is valid whatever was given.
	if s.Scene < 1 || s.Scene > SceneCount {
		return fmt.Errorf("scene %d", s.Scene)
	}
	if !slices.Contains(speeds, s.Speed) {
		return fmt.Errorf("speed %v", s.Speed)
	}
	if s.Profile != "" {
		if _, err := engine.ProfileByName(s.Profile); err != nil {
			return fmt.Errorf("profile: %v", err)
		}
	}
	sb := s.Sandbox
	if sb.Range != "" {
		if _, err := engine.ParseRange(sb.Range); err != nil {
			return fmt.Errorf("range: %v", err)
		}
	}
	if sb.Strategy != "" {
		if _, err := engine.StrategyByName(sb.Strategy); err != nil {
			return fmt.Errorf("strategy: %v", err)
		}
	}
	if sb.TimeWait < 0 || sb.TimeWait > time.Hour {
		return fmt.Errorf("timewait %s", sb.TimeWait)
	}
	if sb.Clients < 1 || sb.Clients > 6 || sb.Rate < 1 || sb.Rate > 1000 || sb.Dests < 1 || sb.Dests > len(sandboxServers) {
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
			same = keep && s.Scene == def.Scene || !keep && err == nil && s.Scene == n
			same = same && s.SceneGiven == ok // asked for, even if badly
		case "profile":
			same = keep && s.Profile == def.Profile || !keep && s.Profile == v
		case "speed":
			f, err := strconv.ParseFloat(v, 64)
			same = keep && s.Speed == def.Speed || !keep && err == nil && s.Speed == f
		case "seed":
			n, err := strconv.ParseUint(v, 10, 64)
			same = keep && s.Seed == def.Seed || !keep && err == nil && s.Seed == n
		case "paused":
			same = keep && !s.Paused || !keep && s.Paused == slices.Contains([]string{"1", "true", "yes"}, v)
		case "range":
			// As given, or written the usual way: the same ports.
			want, err1 := engine.ParseRange(v)
			got, err2 := engine.ParseRange(sb.Range)
			same = keep && sb.Range == def.Sandbox.Range || !keep && err1 == nil && err2 == nil && got == want
		case "strategy":
			same = keep && sb.Strategy == def.Sandbox.Strategy || !keep && sb.Strategy == v
		case "timewait":
			d, err := time.ParseDuration(v)
			same = keep && sb.TimeWait == def.Sandbox.TimeWait || !keep && err == nil && d > 0 && sb.TimeWait == d
		case "clients":
			n, err := strconv.Atoi(v)
			same = keep && sb.Clients == def.Sandbox.Clients || !keep && err == nil && sb.Clients == n
		case "rate":
			n, err := strconv.Atoi(v)
			same = keep && sb.Rate == def.Sandbox.Rate || !keep && err == nil && sb.Rate == n
		case "dests":
			n, err := strconv.Atoi(v)
			same = keep && sb.Dests == def.Sandbox.Dests || !keep && err == nil && sb.Dests == n
		}
		if !same {
			return fmt.Errorf("%s given %q (given: %v, rejected: %v) gives %+v", name, v, ok, rejected[name], s)
		}
	}

	// Whatever a link sets, the sandbox it opens can be built: its
	// scenario parses and the simulation accepts its hosts.
	src := sb.Source(s.Seed)
	sc, err := scenario.Parse(src)
	if err != nil {
		return fmt.Errorf("accepted sandbox %+v makes a scenario that does not parse: %v\n%s", sb, err, src)
	}
	if _, err := sim.New(sc); err != nil {
		return fmt.Errorf("accepted sandbox %+v cannot run: %v", sb, err)
	}
	return nil
}

func FuzzParseSettings(f *testing.F) {
	// Arguments: which settings are given (bit i: fuzzNames[i]), then a
	// value for each.
	all := uint16(1<<len(fuzzNames) - 1)
	f.Add(uint16(0), "", "", "", "", "", "", "", "", "", "", "")
	f.Add(all, "5", "winxp", "2", "7", "1", "40000-40099", "random-pick", "30s", "6", "1000", "1")
	f.Add(all, "0", "Linux", "3", "-1", "maybe", "70000-80000", "lottery", "30", "7", "0", "4")
	f.Add(all, "6", "macos", "0.25", "18446744073709551615", "no", "1-65535", "sequential", "1h", "1", "1", "3")
	f.Add(all, "+3", "", "1e0", "18446744073709551616", "true", "5000-1000", "", "0s", "+6", "1001", "-1")
	f.Add(all, " 2", "iana", "64", "0", "0", "1025-1034", "linux-connect", "1ms", "3", "50", "2")
	f.Add(uint16(0b1010_0000), "", "", "", "", "", "49152-50175", "", "240s", "", "", "")
	f.Add(all, "1", "freebsd", "NaN", "1.5", "yes", "+40000-40009", "random-start", "-5s", "2", "500", "3")
	f.Fuzz(func(t *testing.T, mask uint16, scene, profile, speed, seed, paused, rng, strategy, timewait, clients, rate, dests string) {
		values := []string{scene, profile, speed, seed, paused, rng, strategy, timewait, clients, rate, dests}
		given := map[string]string{}
		for i, name := range fuzzNames {
			if mask&(1<<i) != 0 {
				given[name] = values[i]
			}
		}
		if err := checkParsedSettings(given); err != nil {
			t.Fatal(err)
		}
	})
}

func TestFuzzNamesAreTheSettings(t *testing.T) {
	if !slices.Equal(fuzzNames, SettingNames) {
		t.Fatalf("FuzzParseSettings covers %q; the settings are %q", fuzzNames, SettingNames)
	}
}

// A range with spaces inside its parts passes engine.ParseRange, which
// trims each end, so ParseSettings accepts it; the sandbox writes it into
// its scenario as it came, where the spaces split it into three words and
// the scene cannot be built.
// The app then opens on "Scene 6 could not be built" instead of the
// sandbox (with or without a problem banner).
func TestLinkRangeWithSpacesBuildsTheSandbox(t *testing.T) {
	for _, v := range []string{"40000 - 40099", "40000- 40099", "40000\t-40099"} {
		given := map[string]string{"range": v, "scene": "6"}
		if err := checkParsedSettings(given); err != nil {
			t.Errorf("range=%q: %v", v, err)
		}
		s, problems := ParseSettings(func(n string) (string, bool) { v, ok := given[n]; return v, ok })
		g, err := New(s, problems)
		if err != nil {
			t.Fatal(err)
		}
		if g.run == nil || g.Status().Scene != 6 {
			t.Errorf("range=%q: the sandbox is not shown; on screen: %q", v, g.Status().Problems)
		}
	}
}
