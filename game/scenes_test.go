package game

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/assets"
	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
	"github.com/portplay/portplay/engine/sim"
)

func profileNames() []string {
	var out []string
	for _, p := range engine.Profiles() {
		out = append(out, p.Name)
	}
	return out
}

func mustScene(t testing.TB, n int, s Settings) *sceneRun {
	t.Helper()
	r, err := buildScene(n, s)
	require.NoError(t, err, "scene %d with %+v", n, s)
	return r
}

// unmodified is scene n's scenario before any settings: the built-in file,
// or the sandbox's source from its knobs.
func unmodified(t testing.TB, n int, s Settings) *scenario.Scenario {
	t.Helper()
	if n == SceneCount {
		sc, err := scenario.Parse(s.Sandbox.Source(s.Seed))
		require.NoError(t, err)
		return sc
	}
	return builtin(t, n)
}

func TestEverySceneBuilds(t *testing.T) {
	for n := 1; n <= SceneCount; n++ {
		def := scenes[n-1]
		for _, prof := range append([]string{""}, profileNames()...) {
			t.Run(fmt.Sprintf("%d/%s", n, prof), func(t *testing.T) {
				s := DefaultSettings()
				s.Profile = prof
				s.Seed = 42
				r := mustScene(t, n, s)
				assert.Equal(t, n, r.n)
				assert.Equal(t, def, r.def)
				assert.Equal(t, time.Duration(0), r.play.now)
				assert.Equal(t, uint64(42), r.sc.Seed, "the seed setting reaches the scenario")
				assert.Equal(t, def.idle, r.pace.idle)
				if def.flight > 0 {
					assert.InDelta(t, r.sc.Latency.Seconds()/def.flight, r.pace.flight, 1e-12, "a packet takes def.flight real seconds along its link")
					assert.Less(t, r.pace.flight, r.pace.idle, "slow motion while packets fly")
				} else {
					assert.Equal(t, r.pace.idle, r.pace.flight, "no slow motion")
				}

				base := unmodified(t, n, s)
				clients := clientNames(base)
				require.Len(t, r.sc.Hosts, len(base.Hosts))
				engineHosts := r.play.sim.Hosts()
				for i, h := range r.sc.Hosts {
					want := base.Hosts[i].Profile
					if prof != "" && def.profileLive && clients[h.Name] {
						want = prof
					}
					assert.Equal(t, want, h.Profile, "host %s", h.Name)
					assert.Equal(t, want, engineHosts[i].Profile().Name, "the engine runs host %s as %s", h.Name, want)
					// Everything else about the host is the file's.
					h.Profile, base.Hosts[i].Profile = "", ""
					assert.Equal(t, base.Hosts[i], h)
				}
				assert.Equal(t, base.Connects, r.sc.Connects)
				assert.Equal(t, base.Listens, r.sc.Listens)
			})
		}
	}
}

func TestBuildSceneOutOfRange(t *testing.T) {
	for _, n := range []int{0, -1, SceneCount + 1, 100} {
		r, err := buildScene(n, DefaultSettings())
		require.Error(t, err, "scene %d", n)
		assert.Nil(t, r)
		assert.Equal(t, fmt.Sprintf("no scene %d; scenes are 1 to %d", n, SceneCount), err.Error())
	}
}

func TestSceneNamesAreBuiltins(t *testing.T) {
	var names []string
	for _, b := range assets.Scenarios() {
		names = append(names, b.Name)
	}
	require.Len(t, names, SceneCount, "one built-in scenario per scene")
	for i, d := range scenes {
		assert.Equal(t, names[i], d.scenario, "scene %d", i+1)
		assert.NotEmpty(t, d.short)
	}
}

func TestDefaultSandboxIsTheBuiltinScenario(t *testing.T) {
	b, err := assets.Scenario("6-sandbox")
	require.NoError(t, err)
	assert.Equal(t, b.Source, DefaultSandbox().Source(1))
	sc, err := scenario.Parse(DefaultSandbox().Source(77))
	require.NoError(t, err)
	assert.Equal(t, uint64(77), sc.Seed)
	assert.Equal(t, sandboxDuration, sc.Duration)
}

// knobChoices are every value knob i takes, cycling it forward from s.
func knobChoices(t testing.TB, s Settings, i int) []Settings {
	t.Helper()
	out := []Settings{s}
	for range 100 {
		next := out[len(out)-1]
		knobs(next)[i].step(&next.Sandbox, &next.Profile, 1)
		if next == s {
			return out
		}
		out = append(out, next)
	}
	t.Fatalf("knob %d never comes back to its start", i)
	return nil
}

// requireSandboxAsSet checks that the engine runs the sandbox as its knobs
// say.
func requireSandboxAsSet(t testing.TB, s Settings, r *sceneRun) {
	t.Helper()
	sb := s.Sandbox
	var clients, servers int
	for i, h := range r.play.sim.Hosts() {
		pr := h.Profile()
		if r.play.hosts[i].client {
			clients++
			name := sandboxMixed[(clients-1)%len(sandboxMixed)]
			if s.Profile != "" {
				name = s.Profile
			}
			def, err := engine.ProfileByName(name)
			require.NoError(t, err)
			require.Equal(t, name, pr.Name)
			wantRange := def.Ephemeral
			if sb.Range != "" {
				var err error
				wantRange, err = engine.ParseRange(sb.Range)
				require.NoError(t, err)
			}
			require.Equal(t, wantRange, pr.Ephemeral, "%s's range with %+v", h.Name(), sb)
			wantStrategy := def.Connect
			if sb.Strategy != "" {
				wantStrategy, err = engine.StrategyByName(sb.Strategy)
				require.NoError(t, err)
			}
			require.Equal(t, wantStrategy, pr.Connect, "%s's strategy with %+v", h.Name(), sb)
		} else {
			servers++
		}
		if sb.TimeWait > 0 {
			require.Equal(t, sb.TimeWait, pr.TimeWait, "%s's TIME_WAIT with %+v", h.Name(), sb)
		}
	}
	require.Equal(t, sb.Clients, clients)
	require.Equal(t, sb.Dests, servers)
	require.Len(t, r.sc.Connects, sb.Clients)
	for i, c := range r.sc.Connects {
		require.Equal(t, time.Second/time.Duration(sb.Rate), c.Every, "rate %d/s", sb.Rate)
		require.Equal(t, sb.Rate*int(sandboxDuration/time.Second), c.Count, "connects go on all run long")
		require.Equal(t, sandboxServers[i%sb.Dests].name, c.To, "client %d's server", i+1)
		require.Equal(t, uint16(sandboxServers[i%sb.Dests].port), c.Port)
	}
}

// withKnob is s with knob i (from 1: the sandbox's own) as in c.
func withKnob(s Settings, i int, c Settings) Settings {
	switch i {
	case 1:
		s.Sandbox.Range = c.Sandbox.Range
	case 2:
		s.Sandbox.Strategy = c.Sandbox.Strategy
	case 3:
		s.Sandbox.TimeWait = c.Sandbox.TimeWait
	case 4:
		s.Sandbox.Clients = c.Sandbox.Clients
	case 5:
		s.Sandbox.Rate = c.Sandbox.Rate
	case 6:
		s.Sandbox.Dests = c.Sandbox.Dests
	}
	return s
}

func TestEverySandboxCombinationBuilds(t *testing.T) {
	def := DefaultSettings()
	// Every knob's choices, as cycling it from the defaults gives them.
	choices := make([][]Settings, len(knobs(def)))
	for i := range choices {
		choices[i] = knobChoices(t, def, i)
		require.Greater(t, len(choices[i]), 1, "knob %d", i)
	}
	require.Len(t, choices, 7, "the knobs are profile, range, strategy, TIME_WAIT, clients, rate, servers")
	// Each knob through all its values, the others at their defaults,
	// run by the engine.
	for i := range choices {
		for _, s := range choices[i] {
			requireSandboxAsSet(t, s, mustScene(t, SceneCount, s))
		}
	}
	// The knobs that change the same hosts' numbers together, on six
	// clients (every profile of the mix), run by the engine.
	six := def
	six.Sandbox.Clients = 6
	for _, rg := range choices[1] {
		for _, st := range choices[2] {
			for _, tw := range choices[3] {
				s := withKnob(withKnob(withKnob(six, 1, rg), 2, st), 3, tw)
				requireSandboxAsSet(t, s, mustScene(t, SceneCount, s))
			}
		}
	}
	// Every combination of the sandbox's knobs makes a scenario that parses
	// (building each would take half a minute: every engine host has its
	// per-port tables).
	combos := 0
	var walk func(i int, s Settings)
	walk = func(i int, s Settings) {
		if i == len(choices) {
			combos++
			sc, err := scenario.Parse(s.Sandbox.Source(s.Seed))
			require.NoError(t, err, "%+v", s.Sandbox)
			require.Len(t, sc.Hosts, s.Sandbox.Clients+s.Sandbox.Dests)
			require.Len(t, sc.Connects, s.Sandbox.Clients)
			for _, h := range sc.Hosts[:s.Sandbox.Clients] {
				require.Equal(t, s.Sandbox.Range, h.Range)
				require.Equal(t, s.Sandbox.Strategy, h.Strategy)
				require.Equal(t, s.Sandbox.TimeWait > 0, h.HasTimeWait)
				require.Equal(t, s.Sandbox.TimeWait, h.TimeWait)
			}
			return
		}
		for _, c := range choices[i] {
			walk(i+1, withKnob(s, i, c))
		}
	}
	walk(1, def)
	want := 1
	for _, c := range choices[1:] {
		want *= len(c)
	}
	assert.Equal(t, want, combos)
}

// statsOf runs sc to its end with ephemeral ports on or off.
func statsOf(t testing.TB, sc *scenario.Scenario, ephemeral bool) (sim.Stats, []sim.Event) {
	t.Helper()
	cp := *sc
	cp.Ephemeral = ephemeral
	s, err := sim.New(&cp)
	require.NoError(t, err)
	var evs []sim.Event
	s.Run(cp.Duration, func(e sim.Event) { evs = append(evs, e) })
	return s.Stats(), evs
}

func TestCompareScene(t *testing.T) {
	r := mustScene(t, 4, DefaultSettings())
	require.True(t, r.def.compare)
	sc := builtin(t, 4)
	with, _ := statsOf(t, sc, true)
	without, evs := statsOf(t, sc, false)
	assert.Equal(t, with, r.with)
	assert.Equal(t, without, r.without)
	total := 0
	for _, c := range sc.Connects {
		total += c.Count
	}
	assert.Equal(t, total, r.with.Started)
	assert.Equal(t, total, r.with.Completed, "with ephemeral ports every connection completes")
	assert.Zero(t, r.with.Failed)
	assert.Greater(t, r.without.LastDone, r.with.LastDone, "one port at a time is slower")
	// cache listens on :80, so it cannot bind :80 to fetch from web.
	assert.Equal(t, 1, r.without.Failed)
	assert.Equal(t, total-1, r.without.Completed)
	var failed []string
	for _, e := range evs {
		if e.Kind == sim.ConnectFailed {
			failed = append(failed, e.Host+" "+e.Err)
		}
	}
	assert.Equal(t, []string{"cache EADDRINUSE"}, failed)
	// Only the compare scene runs the comparison.
	for n := 1; n <= SceneCount; n++ {
		if n != 4 {
			o := mustScene(t, n, DefaultSettings())
			assert.Zero(t, o.with, "scene %d", n)
			assert.Zero(t, o.without, "scene %d", n)
		}
	}
}

func TestCapacity(t *testing.T) {
	// facts/ports.md "Facts a simulator must get right" 1 (inclusive range
	// sizes) and §7 (range / TIME_WAIT: Linux 28232 / 60 ≈ 470.5 per second).
	facts := map[string]struct {
		size     int
		timeWait float64
	}{
		"linux":   {60999 - 32768 + 1, 60},
		"freebsd": {65535 - 10000 + 1, 60},
		"macos":   {65535 - 49152 + 1, 30},
	}
	assert.Equal(t, 28232, facts["linux"].size)
	assert.Equal(t, 55536, facts["freebsd"].size)
	assert.Equal(t, 16384, facts["macos"].size)
	for _, p := range engine.Profiles() {
		want := float64(int(p.Ephemeral.Hi)-int(p.Ephemeral.Lo)+1) / p.TimeWait.Seconds()
		assert.InDelta(t, want, capacity(p), 1e-9, p.Name)
		if f, ok := facts[p.Name]; ok {
			assert.InDelta(t, float64(f.size)/f.timeWait, capacity(p), 1e-9, p.Name)
		}
	}
	linux, err := engine.ProfileByName("linux")
	require.NoError(t, err)
	assert.InDelta(t, 470.53, capacity(linux), 0.005)
	// A sandbox override: 10 ports held 20 s each.
	assert.InDelta(t, 0.5, capacity(engine.Profile{Ephemeral: engine.Range{Lo: 1025, Hi: 1034}, TimeWait: 20 * time.Second}), 1e-12)
}

// Narration: every number it states must be one the engine or the scenario
// produces.

var (
	reRangeCount = regexp.MustCompile(`(\d+)[–-](\d+)(?: \((\d+) ports\))?`)
	reCapacity   = regexp.MustCompile(`(\d+) / (\d+(?:\.\d+)?) s = (\d+(?:\.\d+)?)`)
	reAtRate     = regexp.MustCompile(`[Aa]t (\d+(?:\.\d+)?) per second`)
	reHostRate   = regexp.MustCompile(`\b([A-Za-z][\w-]*) (\d+(?:\.\d+)?)/s`)
	reOpens      = regexp.MustCompile(`opens (\d+) connections per second`)
	reDoneAfter  = regexp.MustCompile(`[Dd]one after ((?:\d+ min )?\d+(?:\.\d+)? s) instead of ((?:\d+ min )?\d+(?:\.\d+)? s)`)
	reAlgorithm  = regexp.MustCompile(`RFC 6056 Algorithm (\d+)`)
	reSeconds    = regexp.MustCompile(`\b(\d+(?:\.\d+)?) s\b`)
	reNumber     = regexp.MustCompile(`\b\d+(?:\.\d+)?\b`)
	reMinSec     = regexp.MustCompile(`^(\d+) min (\d+) s$`)
	reSec        = regexp.MustCompile(`^(\d+(?:\.\d+)?) s$`)
)

// agrees reports whether printed is v written with printed's decimals.
func agrees(printed string, v float64) bool {
	f, err := strconv.ParseFloat(printed, 64)
	if err != nil {
		return false
	}
	decimals := 0
	if i := strings.IndexByte(printed, '.'); i >= 0 {
		decimals = len(printed) - i - 1
	}
	return math.Abs(f-v) <= 0.5*math.Pow(10, -float64(decimals))+1e-9
}

// parseShownDuration reads "1.250 s", "42.0 s" or "2 min 5 s".
func parseShownDuration(t testing.TB, s string) (time.Duration, float64) {
	t.Helper()
	if m := reMinSec.FindStringSubmatch(s); m != nil {
		mins, _ := strconv.Atoi(m[1])
		secs, _ := strconv.Atoi(m[2])
		return time.Duration(mins)*time.Minute + time.Duration(secs)*time.Second, 1
	}
	m := reSec.FindStringSubmatch(s)
	require.NotNil(t, m, "%q is not a duration as the app shows one", s)
	f, _ := strconv.ParseFloat(m[1], 64)
	tol := 0.5
	if i := strings.IndexByte(m[1], '.'); i >= 0 {
		tol = 0.5 * math.Pow(10, -float64(len(m[1])-i-1))
	}
	return time.Duration(f * float64(time.Second)), tol
}

// requireNarrationAgrees checks scene r's narration.
func requireNarrationAgrees(t *testing.T, r *sceneRun) {
	t.Helper()
	text := narration(r)
	assert.Empty(t, narrationProblems(t, r, text), "narration: %s", text)
}

// narrationProblems checks every number of text, scene r's narration,
// against the engine hosts the scene runs, the scenario, and (scene 4) two
// runs of its own; it lists what disagrees.
func narrationProblems(t testing.TB, r *sceneRun, text string) []string {
	t.Helper()
	return numberProblems(t, r, text, true)
}

// numberProblems checks text's numbers; complete also asks that it say
// everything an overview must.
func numberProblems(t testing.TB, r *sceneRun, text string, complete bool) []string {
	t.Helper()
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if text == "" {
		fail("no narration")
	}
	for _, bad := range []string{"%!", "NaN", "Inf"} {
		if strings.Contains(text, bad) {
			fail("%q: a formatting mistake", bad)
		}
	}
	orig := text
	hosts := r.play.sim.Hosts()
	clients := clientNames(r.sc)
	var clientProfiles []engine.Profile
	for _, h := range hosts {
		if clients[h.Name()] {
			clientProfiles = append(clientProfiles, h.Profile())
		}
	}
	require.NotEmpty(t, clientProfiles)
	// The IANA classes of RFC 6335 §6 (facts/ports.md §1).
	iana := [][2]int{{0, 1023}, {1024, 49151}, {49152, 65535}}
	ranges := slices.Clone(iana)
	numbers := []float64{0, 1023, 1024, 49151, 49152, 65535}
	var timeWaits []float64
	for _, h := range hosts {
		pr := h.Profile()
		lo, hi := int(pr.Ephemeral.Lo), int(pr.Ephemeral.Hi)
		ranges = append(ranges, [2]int{lo, hi})
		numbers = append(numbers, float64(lo), float64(hi), float64(hi-lo+1), pr.TimeWait.Seconds())
		timeWaits = append(timeWaits, pr.TimeWait.Seconds())
	}
	for _, l := range r.sc.Listens {
		numbers = append(numbers, float64(l.Port))
	}
	consume := func(re *regexp.Regexp, check func(m []string)) {
		text = re.ReplaceAllStringFunc(text, func(s string) string {
			check(re.FindStringSubmatch(s))
			return " ⋯ "
		})
	}
	// Profile titles are names, e.g. "Linux (4.2 and later)"; each must be
	// the title of a profile the scene's hosts run.
	for _, h := range hosts {
		text = strings.ReplaceAll(text, h.Profile().Title, " ⋯ ")
	}
	// The ports of a port number: 16 bits, 0 to 2^16−1.
	require.Equal(t, 1<<16-1, int(engine.DynamicPorts.Hi))
	text = strings.ReplaceAll(text, "16-bit", " ⋯ ")
	text = strings.ReplaceAll(text, "4-tuple", " ⋯ ")

	if r.n == 4 {
		with, _ := statsOf(t, r.sc, true)
		without, _ := statsOf(t, r.sc, false)
		found := false
		consume(reDoneAfter, func(m []string) {
			found = true
			got, tol := parseShownDuration(t, m[1])
			if math.Abs((got - without.LastDone).Seconds()) > tol+1e-9 {
				fail("done without ephemeral ports after %q, the simulation says %s", m[1], without.LastDone)
			}
			got, tol = parseShownDuration(t, m[2])
			if math.Abs((got - with.LastDone).Seconds()) > tol+1e-9 {
				fail("done with ephemeral ports after %q, the simulation says %s", m[2], with.LastDone)
			}
		})
		if complete && !found {
			fail("scene 4 does not state both completion times")
		}
	}
	consume(reCapacity, func(m []string) {
		n, _ := strconv.Atoi(m[1])
		ok := false
		for _, p := range clientProfiles {
			if n == p.Ephemeral.Size() && agrees(m[2], p.TimeWait.Seconds()) && agrees(m[3], float64(n)/p.TimeWait.Seconds()) {
				ok = true
			}
		}
		if !ok {
			fail("%q is not a client's range size / TIME_WAIT = capacity", m[0])
		}
	})
	rates := map[float64]bool{}
	for _, c := range r.sc.Connects {
		if c.Every > 0 {
			rates[1/c.Every.Seconds()] = true
		}
	}
	for _, re := range []*regexp.Regexp{reAtRate, reOpens} {
		consume(re, func(m []string) {
			ok := false
			for rate := range rates {
				ok = ok || agrees(m[1], rate)
			}
			if !ok {
				fail("%q is not a connect line's rate", m[0])
			}
		})
	}
	consume(reHostRate, func(m []string) {
		for _, h := range hosts {
			if h.Name() == m[1] {
				if !agrees(m[2], capacity(h.Profile())) {
					fail("%q: %s's range / TIME_WAIT is %.3f/s", m[0], h.Name(), capacity(h.Profile()))
				}
				return
			}
		}
		fail("%q names no host", m[0])
	})
	consume(reAlgorithm, func(m []string) {
		// RFC 6056 §3.3.1 is the random start, §3.3.2 the random pick
		// (facts/ports.md §1).
		want := map[engine.Strategy]string{engine.RandomStart: "1", engine.RandomPick: "2"}
		ok := false
		for _, p := range clientProfiles {
			ok = ok || want[p.Connect] == m[1]
		}
		if !ok {
			fail("%q is no client's strategy", m[0])
		}
	})
	consume(reRangeCount, func(m []string) {
		lo, _ := strconv.Atoi(m[1])
		hi, _ := strconv.Atoi(m[2])
		if !slices.Contains(ranges, [2]int{lo, hi}) {
			fail("range %s-%s is neither a host's ephemeral range nor an IANA class", m[1], m[2])
		}
		if m[3] != "" {
			if n, _ := strconv.Atoi(m[3]); n != hi-lo+1 {
				fail("%q: a range's ends are both included, so it has %d ports", m[0], hi-lo+1)
			}
		}
	})
	consume(reSeconds, func(m []string) {
		ok := false
		for _, tw := range timeWaits {
			ok = ok || agrees(m[1], tw)
		}
		if !ok {
			fail("%q is no host's TIME_WAIT", m[0])
		}
	})
	for _, m := range reNumber.FindAllString(text, -1) {
		ok := false
		for _, v := range numbers {
			ok = ok || agrees(m, v)
		}
		if !ok {
			fail("%s is no number of the engine's or the scenario's (left: %q)", m, text)
		}
	}
	// What the scene is about must be said: each client's range where the
	// scene explains ranges, each client's TIME_WAIT where it explains it.
	says := func(re string) {
		if complete && !regexp.MustCompile(re).MatchString(orig) {
			fail("the narration does not say %s", re)
		}
	}
	switch r.n {
	case 1, 5:
		p := clientProfiles[0]
		says(fmt.Sprintf(`\b%d-%d\b`, p.Ephemeral.Lo, p.Ephemeral.Hi))
	case 3:
		for _, p := range clientProfiles {
			says(fmt.Sprintf(`\b%d-%d\b`, p.Ephemeral.Lo, p.Ephemeral.Hi))
			says(`\b` + strconv.FormatFloat(p.TimeWait.Seconds(), 'f', -1, 64) + ` s\b`)
		}
	case 6:
		for _, h := range hosts {
			if clients[h.Name()] {
				says(`\b` + h.Name() + ` \d+/s`)
			}
		}
	}
	return problems
}

// eachSceneAndProfile runs check on every scene, and on every profile in
// the scenes where the profile can be switched.
func eachSceneAndProfile(t *testing.T, check func(t *testing.T, n int, r *sceneRun)) {
	for n := 1; n <= SceneCount; n++ {
		profs := []string{""}
		if scenes[n-1].profileLive {
			profs = append(profs, profileNames()...)
		}
		for _, prof := range profs {
			t.Run(fmt.Sprintf("%d/%s", n, prof), func(t *testing.T) {
				s := DefaultSettings()
				s.Profile = prof
				check(t, n, mustScene(t, n, s))
			})
		}
	}
}

func TestNarrationAgreesWithTheEngine(t *testing.T) {
	eachSceneAndProfile(t, func(t *testing.T, _ int, r *sceneRun) { requireNarrationAgrees(t, r) })
	// The sandbox with knobs that override the profiles' numbers.
	for _, sb := range []Sandbox{
		{Range: "40000-40009", TimeWait: 10 * time.Second, Clients: 6, Rate: 1, Dests: 1},
		{Range: "49152-50175", Strategy: "sequential", Clients: 2, Rate: 500, Dests: 2},
		{TimeWait: 240 * time.Second, Strategy: "random-pick", Clients: 4, Rate: 200, Dests: 3},
	} {
		t.Run(fmt.Sprintf("sandbox %+v", sb), func(t *testing.T) {
			s := DefaultSettings()
			s.Sandbox = sb
			requireNarrationAgrees(t, mustScene(t, SceneCount, s))
		})
	}
}

// The checker itself must catch a wrong number.
func TestNarrationCheckerCatchesWrongNumbers(t *testing.T) {
	tests := []struct {
		scene    int
		from, to string
	}{
		{5, "1025-1034", "1025-1035"},
		{5, "(10 ports)", "(11 ports)"},
		{5, "20 s", "30 s"},
		{5, "= 0.50", "= 0.55"},
		{5, "At 1.00 per second", "At 2.00 per second"},
		{5, "Algorithm", "Algorithm"}, // unchanged: no problem
		{1, "49152-65535", "49152-65536"},
		{1, "0 to 65535", "0 to 65536"},
		{3, "60 s", "61 s"},
		{6, "50 connections", "51 connections"},
		{6, "c1 471/s", "c1 470/s"},
	}
	for _, tc := range tests {
		r := mustScene(t, tc.scene, DefaultSettings())
		good := narration(r)
		if tc.from == tc.to {
			assert.Empty(t, narrationProblems(t, r, good), "scene %d as it is", tc.scene)
			continue
		}
		require.Contains(t, good, tc.from, "scene %d", tc.scene)
		bad := strings.Replace(good, tc.from, tc.to, 1)
		assert.NotEmpty(t, narrationProblems(t, r, bad), "changing %q to %q in scene %d is caught", tc.from, tc.to, tc.scene)
	}
	r := mustScene(t, 4, DefaultSettings())
	m := reDoneAfter.FindStringSubmatch(narration(r))
	require.NotNil(t, m)
	bad := strings.Replace(narration(r), m[1], fmtDur(r.without.LastDone+time.Second), 1)
	assert.NotEmpty(t, narrationProblems(t, r, bad), "a wrong completion time is caught")
}

// Every lesson step's text and question states only numbers the engine or
// the scenario produces, like the overview.
func TestLessonTextsAgreeWithTheEngine(t *testing.T) {
	eachSceneAndProfile(t, func(t *testing.T, n int, r *sceneRun) {
		for i, st := range lessonSteps(n) {
			text := ""
			if st.say != nil {
				text = st.say(r)
			} else {
				text = st.ask.text
			}
			assert.Empty(t, numberProblems(t, r, text, i == 0), "step %d: %s", i, text)
		}
	})
}
