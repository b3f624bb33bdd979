package lesson

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

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
)

// Narration: every number a lesson's texts state, once the run has filled
// in their quantities, must be one the engine, its profiles or the run
// produce. The templates make that likely; this checks it for every lesson,
// every profile a lesson can switch to, and sandboxes with knobs that
// override the profiles' numbers.

var (
	reRangeCount = regexp.MustCompile(`(\d+)[–-](\d+)(?: \((\d+) ports\))?`)
	reNPorts     = regexp.MustCompile(`\b(\d+) ports\b`)
	reOfThose    = regexp.MustCompile(`\b(\d+) of (?:those|its) (\d+) ports\b`)
	reCapacity   = regexp.MustCompile(`(\d+) / (\d+(?:\.\d+)?) s = (\d+(?:\.\d+)?)`)
	reAtRate     = regexp.MustCompile(`[Aa]t (\d+(?:\.\d+)?) per second`)
	reOpens      = regexp.MustCompile(`opens (\d+(?:\.\d+)?) connections? per second`)
	reHostRate   = regexp.MustCompile(`\b([A-Za-z][\w-]*) (\d+(?:\.\d+)?)/s`)
	reTimeWaitOn = regexp.MustCompile(`\b(\d+(?:\.\d+)?) s on ([a-z][\w-]*)`)
	reServers    = regexp.MustCompile(`\b(\d+) servers\b`)
	reDoneAfter  = regexp.MustCompile(`[Dd]one after ((?:\d+ min )?\d+(?:\.\d+)? s) in the thought experiment, ((?:\d+ min )?\d+(?:\.\d+)? s) in real TCP without ephemeral ports, ((?:\d+ min )?\d+(?:\.\d+)? s) with them`)
	reAlgorithm  = regexp.MustCompile(`RFC 6056 Algorithm (\d+)`)
	reTWReuse    = regexp.MustCompile(`tcp_tw_reuse = (\d+)(?:[^.]*?from the same port, (\d+(?:\.\d+)?) s\s+after)?`)
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

// floors reports whether printed is the ceiling v rounded down to
// printed's decimals, as FmtRate writes it: never more than v.
func floors(printed string, v float64) bool {
	f, err := strconv.ParseFloat(printed, 64)
	if err != nil {
		return false
	}
	decimals := 0
	if i := strings.IndexByte(printed, '.'); i >= 0 {
		decimals = len(printed) - i - 1
	}
	return f <= v+1e-9 && v-f < math.Pow(10, -float64(decimals))
}

// parseShownDuration reads "1.250 s", "42.0 s" or "2 min 5 s" and says how
// precise it is.
func parseShownDuration(s string) (time.Duration, float64, bool) {
	if m := reMinSec.FindStringSubmatch(s); m != nil {
		mins, _ := strconv.Atoi(m[1])
		secs, _ := strconv.Atoi(m[2])
		return time.Duration(mins)*time.Minute + time.Duration(secs)*time.Second, 1, true
	}
	m := reSec.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, false
	}
	f, _ := strconv.ParseFloat(m[1], 64)
	tol := 0.5
	if i := strings.IndexByte(m[1], '.'); i >= 0 {
		tol = 0.5 * math.Pow(10, -float64(len(m[1])-i-1))
	}
	return time.Duration(f * float64(time.Second)), tol, true
}

// lessonTexts are lesson l's texts filled for run r: the overview first,
// then each step's narration or question.
func lessonTexts(l *Lesson, r *Run) []string {
	out := []string{fill(l.Overview, r, nil)}
	for _, st := range l.Steps {
		if st.Ask != nil {
			out = append(out, fill(st.Ask.Text, r, nil))
		} else {
			out = append(out, fill(st.Say, r, nil))
		}
	}
	return out
}

// allTexts are every text of the lesson a learner may read, the ending
// included; a verdict's reason is checked where it is filled (session
// tests), since it names the answer.
func allTexts(l *Lesson, r *Run) string {
	return strings.Join(append(lessonTexts(l, r), fill(l.Learnt, r, nil)), " ")
}

// numberProblems checks every number of text, one of run r's texts,
// against the engine hosts the run has, its scenario, and (where the
// lesson compares) two runs of its own; it lists what disagrees. complete
// also asks that it say what the lesson must (given all of its texts).
func numberProblems(t testing.TB, r *Run, text string, complete bool) []string {
	t.Helper()
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if strings.TrimSpace(text) == "" {
		fail("no text")
	}
	for _, bad := range []string{"%!", "NaN", "Inf", "{", "}"} {
		if strings.Contains(text, bad) {
			fail("%q: a formatting mistake", bad)
		}
	}
	orig := text
	hosts := r.play.sim.Hosts()
	var clientProfiles []engine.Profile
	profilesByName := map[string][]engine.Profile{}
	servers := 0
	for i, h := range hosts {
		if r.play.hosts[i].client {
			clientProfiles = append(clientProfiles, h.Profile())
			profilesByName[h.Profile().Name] = append(profilesByName[h.Profile().Name], h.Profile())
		}
		if r.play.hosts[i].server {
			servers++
		}
	}
	require.NotEmpty(t, clientProfiles)
	// The IANA classes of RFC 6335 §6 (facts/ports.md §1).
	iana := [][2]int{{0, 1023}, {1024, 49151}, {49152, 65535}}
	ranges := slices.Clone(iana)
	numbers := []float64{0, 1023, 1024, 49151, 49152, 65535}
	var timeWaits []float64
	for _, h := range hosts {
		// A host's profile as the run has it, and as its OS ships it (a
		// lesson says what it shrank for the demo).
		os, err := engine.ProfileByName(h.Profile().Name)
		require.NoError(t, err)
		for _, pr := range []engine.Profile{h.Profile(), os} {
			lo, hi := int(pr.Ephemeral.Lo), int(pr.Ephemeral.Hi)
			ranges = append(ranges, [2]int{lo, hi})
			numbers = append(numbers, float64(lo), float64(hi), float64(hi-lo+1), pr.TimeWait.Seconds(), float64(pr.PrivilegedBelow))
			timeWaits = append(timeWaits, pr.TimeWait.Seconds())
			// How much of the range lies in IANA's registered class.
			numbers = append(numbers, float64(max(0, min(hi, 49151)-max(lo, 1024)+1)))
		}
	}
	for _, l := range r.Scenario.Listens {
		numbers = append(numbers, float64(l.Port))
	}
	consume := func(re *regexp.Regexp, check func(m []string)) {
		text = re.ReplaceAllStringFunc(text, func(s string) string {
			check(re.FindStringSubmatch(s))
			return " ⋯ "
		})
	}
	// Profile titles are names, e.g. "Linux (4.2 and later)"; each must be
	// the title of a profile the run's hosts run.
	for _, h := range hosts {
		text = strings.ReplaceAll(text, h.Profile().Title, " ⋯ ")
	}
	// The ports of a port number: 16 bits, 0 to 2^16−1.
	require.Equal(t, 1<<16-1, int(engine.DynamicPorts.Hi))
	text = strings.ReplaceAll(text, "16-bit", " ⋯ ")
	text = strings.ReplaceAll(text, "4-tuple", " ⋯ ")
	// Names with numbers in them: a kernel version, an RFC.
	for _, name := range []string{"Linux before 4.2", "RFC 6335", "RFC 5452", "Kaminsky showed in 2008"} {
		text = strings.ReplaceAll(text, name, " ⋯ ")
	}
	// An OS's short proper name ("macOS") stands for its profile, by the
	// profile's id, for the checks below that name one.
	// The longest first: "Windows XP / Server 2003" before "Windows".
	byLength := slices.Clone(hosts)
	slices.SortFunc(byLength, func(a, b *engine.Host) int {
		return len(shortOSIn(English(), b.Profile())) - len(shortOSIn(English(), a.Profile()))
	})
	for _, h := range byLength {
		text = strings.ReplaceAll(text, shortOSIn(English(), h.Profile()), h.Profile().Name)
	}

	if r.Lesson.Compare {
		serial, _ := statsOf(t, r.Scenario, scenario.Serial)
		without, _ := statsOf(t, r.Scenario, scenario.NoEphemeral)
		with, _ := statsOf(t, r.Scenario, scenario.Ephemeral)
		found := false
		consume(reDoneAfter, func(m []string) {
			found = true
			for _, c := range []struct {
				shown string
				want  time.Duration
				what  string
			}{{m[1], serial.LastDone, "the thought experiment"}, {m[2], without.LastDone, "real TCP"}, {m[3], with.LastDone, "with ephemeral ports"}} {
				got, tol, ok := parseShownDuration(c.shown)
				if !ok || math.Abs((got-c.want).Seconds()) > tol+1e-9 {
					fail("done after %q in %s, the simulation says %s", c.shown, c.what, c.want)
				}
			}
		})
		if complete && !found {
			fail("lesson %d does not state the three completion times", r.Lesson.Number)
		}
	}
	consume(reCapacity, func(m []string) {
		n, _ := strconv.Atoi(m[1])
		ok := false
		for _, p := range clientProfiles {
			if n == p.Ephemeral.Size() && agrees(m[2], p.TimeWait.Seconds()) && floors(m[3], float64(n)/p.TimeWait.Seconds()) {
				ok = true
			}
		}
		if !ok {
			fail("%q is not a client's range size / TIME_WAIT = capacity", m[0])
		}
	})
	rates := map[float64]bool{}
	for _, c := range r.Scenario.Connects {
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
				// facts/ports.md §7: range size / TIME_WAIT.
				want := float64(h.Profile().Ephemeral.Size()) / h.Profile().TimeWait.Seconds()
				if !floors(m[2], want) {
					fail("%q: %s's range / TIME_WAIT is %.3f/s", m[0], h.Name(), want)
				}
				return
			}
		}
		fail("%q names no host", m[0])
	})
	consume(reTimeWaitOn, func(m []string) {
		ps := profilesByName[m[2]]
		if len(ps) == 0 {
			fail("%q: no client runs %s", m[0], m[2])
		}
		for _, p := range ps {
			if !agrees(m[1], p.TimeWait.Seconds()) {
				fail("%q: TIME_WAIT on %s is %s here", m[0], m[2], p.TimeWait)
			}
		}
	})
	consume(reAlgorithm, func(m []string) {
		// RFC 6056 §3.3.1 is the random start, §3.3.2 the random pick
		// (facts/ports.md §1).
		// §3.3.3, the hash with a global counter, is Linux's before 4.2.
		want := map[engine.Strategy]string{engine.RandomStart: "1", engine.RandomPick: "2", engine.LinuxHint: "3"}
		ok := false
		for _, p := range clientProfiles {
			ok = ok || want[p.Connect] == m[1]
		}
		if !ok {
			fail("%q is no client's strategy", m[0])
		}
	})
	consume(reTWReuse, func(m []string) {
		// A question about tcp_tw_reuse on (facts/ports.md §2 [DOC]) asks
		// the engine about a wait of twice its delay (twReuseOutcome).
		if m[1] != strconv.Itoa(int(engine.TWReuseOn)) {
			fail("%q: tcp_tw_reuse on is %d", m[0], engine.TWReuseOn)
		}
		if m[2] != "" && !agrees(m[2], (2*engine.TWReuseDelay).Seconds()) {
			fail("%q: the engine is asked about %s", m[0], 2*engine.TWReuseDelay)
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
	consume(reOfThose, func(m []string) {
		n, _ := strconv.Atoi(m[1])
		size, _ := strconv.Atoi(m[2])
		ok := false
		for _, p := range clientProfiles {
			lo, hi := int(p.Ephemeral.Lo), int(p.Ephemeral.Hi)
			ok = ok || size == hi-lo+1 && n == max(0, min(hi, 49151)-max(lo, 1024)+1)
		}
		if !ok {
			fail("%q: no client's range has that many ports in the registered class", m[0])
		}
	})
	consume(reNPorts, func(m []string) {
		n, _ := strconv.Atoi(m[1])
		if !slices.ContainsFunc(clientProfiles, func(p engine.Profile) bool { return p.Ephemeral.Size() == n }) {
			fail("%q: no client's range has %d ports", m[0], n)
		}
	})
	consume(reServers, func(m []string) {
		if n, _ := strconv.Atoi(m[1]); n != servers {
			fail("%q: %d hosts listen", m[0], servers)
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
	// What a lesson is about must be said in its overview: each client's
	// range where it explains ranges, each TIME_WAIT where it explains
	// them, each capacity in the sandbox.
	says := func(re string) {
		if complete && !regexp.MustCompile(re).MatchString(orig) {
			fail("the overview does not say %s", re)
		}
	}
	rangeOf := func(p engine.Profile) string { return fmt.Sprintf(`\b%d-%d\b`, p.Ephemeral.Lo, p.Ephemeral.Hi) }
	twOf := func(p engine.Profile) string {
		return `\b` + strconv.FormatFloat(p.TimeWait.Seconds(), 'f', -1, 64) + ` s\b`
	}
	switch r.Lesson.Number {
	case 1, 7:
		says(rangeOf(clientProfiles[0]))
	case 3:
		for _, p := range clientProfiles {
			says(rangeOf(p))
			says(twOf(p))
		}
	case 5:
		says(rangeOf(clientProfiles[0]))
		says(twOf(clientProfiles[0]))
		says(`= \d+(?:\.\d+)? new connections per second`)
		says(`shrunk for the demo`)
	case 6:
		for i, h := range hosts {
			if r.play.hosts[i].client {
				says(`\b` + h.Name() + ` \d+(?:\.\d+)?/s`)
			}
		}
	}
	return problems
}

// eachLessonAndProfile runs check on every lesson, and on every profile
// in the lessons that switch profiles.
func eachLessonAndProfile(t *testing.T, check func(t *testing.T, l *Lesson, r *Run)) {
	for _, l := range builtin(t).Lessons {
		for _, prof := range profileChoices(l) {
			t.Run(fmt.Sprintf("%s/%s", l.Name, prof.Name), func(t *testing.T) {
				s := DefaultSettings()
				s.Profile = prof
				r, err := NewRun(l, s)
				require.NoError(t, err)
				check(t, l, r)
			})
		}
	}
}

func TestNarrationAgreesWithTheEngine(t *testing.T) {
	eachLessonAndProfile(t, func(t *testing.T, l *Lesson, r *Run) {
		for i, text := range lessonTexts(l, r) {
			assert.Empty(t, numberProblems(t, r, text, false), "step %d: %s", i, text)
		}
		assert.Empty(t, numberProblems(t, r, fill(l.Learnt, r, nil), false), "learnt")
		assert.Empty(t, numberProblems(t, r, allTexts(l, r), true), "the lesson as a whole")
	})
	// The sandbox with knobs that override the profiles' numbers.
	l := sandboxLesson(t)
	for _, sb := range []Sandbox{
		{Range: engine.Range{Lo: 40000, Hi: 40009}, TimeWait: 10 * time.Second, Clients: 6, Rate: 1, Dests: 1},
		{Range: engine.Range{Lo: 49152, Hi: 50175}, Strategy: engine.Sequential, Clients: 2, Rate: 500, Dests: 2},
		{TimeWait: 240 * time.Second, Strategy: engine.RandomPick, Clients: 4, Rate: 200, Dests: 3},
		{TimeWait: time.Second, Clients: 1, Rate: 1000, Dests: 3},
	} {
		t.Run(fmt.Sprintf("sandbox %+v", sb), func(t *testing.T) {
			s := DefaultSettings()
			s.Sandbox = sb
			r, err := NewRun(l, s)
			require.NoError(t, err)
			for i, text := range lessonTexts(l, r) {
				assert.Empty(t, numberProblems(t, r, text, false), "step %d: %s", i, text)
			}
			assert.Empty(t, numberProblems(t, r, allTexts(l, r), true), "the lesson as a whole")
		})
	}
}

// What the learner reads is what the session shows: the view's narration
// at each step is the filled text checked above.
func TestViewNarrationIsTheFilledText(t *testing.T) {
	for _, l := range builtin(t).Lessons {
		s := newSession(t, l.Number)
		texts := lessonTexts(l, s.run)
		for i := range texts {
			for i > 0 && s.View().Narration.Step < i {
				if s.questionOpen() {
					s.Do(ActEscape) // PageDown waits for an answer
				} else {
					s.Do(ActNextStep)
				}
			}
			n := s.View().Narration
			require.Equal(t, i, n.Step, "lesson %d", l.Number)
			assert.Equal(t, texts[i], n.Text, "lesson %d step %d", l.Number, i)
		}
	}
}

// The checker itself must catch a wrong number.
func TestNarrationCheckerCatchesWrongNumbers(t *testing.T) {
	tests := []struct {
		lesson   int
		from, to string
	}{
		{5, "1025-1034", "1025-1035"},
		{5, "(10 ports)", "(11 ports)"},
		{5, "A range of 10 ports", "A range of 12 ports"},
		{5, "20 s", "30 s"},
		{5, "= 0.5 ", "= 0.6 "},
		{5, "10 / 20 s", "10 / 10 s"},
		{5, "at 1 per second", "at 2 per second"},
		{1, "49152-65535", "49152-65536"},
		{1, "0 to 65535", "0 to 65536"},
		{1, "of its 28232 ports", "of its 28233 ports"},
		{1, "16384 of its", "16385 of its"},
		{3, "60 s", "61 s"},
		{3, "30 s on macOS", "60 s on macOS"},
		{3, "tcp_tw_reuse = 1", "tcp_tw_reuse = 2"},
		{3, "same port, 2 s after", "same port, 1 s after"},
		{6, "50 connections", "51 connections"},
		{6, "c1 470/s", "c1 471/s"}, // a ceiling rounded up promises too much
		{6, "c1 470/s", "c9 470/s"},
		{7, "3 servers", "4 servers"},
		{7, "10 ports", "20 ports"},
	}
	for _, tc := range tests {
		l, ok := builtin(t).Lesson(tc.lesson)
		require.True(t, ok)
		r := runOf(t, tc.lesson, DefaultSettings())
		good := strings.Join(lessonTexts(l, r), " ")
		require.Empty(t, numberProblems(t, r, good, true), "lesson %d as it is", tc.lesson)
		require.Contains(t, good, tc.from, "lesson %d", tc.lesson)
		bad := strings.Replace(good, tc.from, tc.to, 1)
		assert.NotEmpty(t, numberProblems(t, r, bad, true), "changing %q to %q in lesson %d is caught", tc.from, tc.to, tc.lesson)
	}
	// A completion time off by a second, and a lesson that leaves out
	// what it must say.
	var cmp *Lesson
	for _, l := range builtin(t).Lessons {
		if l.Compare {
			cmp = l
		}
	}
	require.NotNil(t, cmp)
	r := runOf(t, cmp.Number, DefaultSettings())
	good := allTexts(cmp, r)
	m := reDoneAfter.FindStringSubmatch(good)
	require.NotNil(t, m)
	bad := strings.Replace(good, m[2], FmtDur(r.Without.LastDone+time.Second), 1)
	assert.NotEmpty(t, numberProblems(t, r, bad, true), "a wrong completion time is caught")
	assert.NotEmpty(t, numberProblems(t, r, strings.Replace(good, m[0], "", 1), true), "a missing completion time is caught")
	r5 := runOf(t, 5, DefaultSettings())
	l5, _ := builtin(t).Lesson(5)
	all5 := allTexts(l5, r5)
	assert.NotEmpty(t, numberProblems(t, r5, strings.ReplaceAll(all5, "1025-1034", "the range"), true), "a lesson without its range is caught")
	assert.NotEmpty(t, numberProblems(t, r5, "{client.range}", false), "an unfilled quantity is caught")
}
