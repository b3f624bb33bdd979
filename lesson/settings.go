package lesson

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/lesson/phrase"
)

// Settings are what a teacher's link (URL parameters) or a command line
// (flags of the same names) can choose.
type Settings struct {
	Lesson int // the lesson to open, from 1
	// LessonGiven says the lesson was asked for; otherwise the app reopens
	// the lesson the learner was last in.
	LessonGiven bool
	// Lang is the language the learner reads (a phrasebook's code:
	// LanguageCodes, or the pseudo-language); "" for English. LangGiven
	// says a link or flag asked for it; otherwise the learner's saved
	// choice wins over Lang, which is then the system's preference.
	Lang      string
	LangGiven bool
	// Profile, if its Name is set, is every client's OS profile in the
	// lessons where it can be switched; the zero value keeps each
	// scenario's.
	Profile engine.Profile
	Speed   float64 // one of Speeds
	Seed    uint64  // makes every random port pick reproducible
	// SeedGiven says the seed was asked for; otherwise the learner's own
	// scenario keeps the seed its file names.
	SeedGiven bool
	Paused    bool    // open paused, e.g. to talk first or to step through
	Sandbox   Sandbox // the sandbox's knobs
	// Scenario, if set, is the text of the learner's own scenario (a share
	// link's, or a file's), opened instead of a lesson. It has been parsed
	// once already: it is known to run.
	Scenario string
	// At is the moment to open at, paused (a share link's t=); 0 opens at
	// the start.
	At time.Duration
	// Step is the lesson's step to open at, from 1 (a share link's
	// step=); 0 opens at the step the learner's progress saved.
	Step int
}

// Speeds are the playback speeds, slowest first; + and − step through them.
var Speeds = []float64{0.25, 0.5, 1, 2, 4, 8, 16, 32, 64}

// DefaultSettings is what the app uses for anything not set, or set wrong.
func DefaultSettings() Settings {
	return Settings{Lesson: 1, Speed: 1, Seed: 1, Sandbox: DefaultSandbox()}
}

// SettingNames are the settings' names, as URL parameters and flags.
// "scene" names the lesson: links made before lessons had their name.
var SettingNames = []string{"scene", "profile", "speed", "seed", "paused", "range", "strategy", "timewait", "clients", "rate", "dests", "udp", "lang"}

// PageSettingNames are the browser page's own URL parameters, which its
// loader (web/loader.js) applies before the app starts: embed=1 is the
// page for an <iframe>. The app only checks them (CheckPageSettings), so
// that a bad value is named on screen like any other setting's.
var PageSettingNames = []string{"embed"}

// CheckPageSettings describes each bad value among the page's settings,
// in the language lang= asks for. The loader takes exactly the values
// parseSwitch calls on.
func CheckPageSettings(get func(name string) (string, bool)) []string {
	if v, ok := get("embed"); ok {
		if _, ok := parseSwitch(v); !ok {
			b := linkBook(get)
			return []string{badSetting(b, "embed", v, b.T("setting.want.switch"), 0)}
		}
	}
	return nil
}

// linkBook is the phrasebook of the language a link or command line asks
// for (lang=), English if none or one Portplay does not have: its
// problems are worded once, as it is read.
func linkBook(get func(name string) (string, bool)) *phrase.Book {
	v, _ := get("lang")
	return phrasesOr(v)
}

// UnreadableLink says, in the link's language, that a parameter of the
// page's address could not be read (reason: ParseParams's error, in
// net/url's words), in its query or, if fragment, after its #.
func UnreadableLink(get func(name string) (string, bool), fragment bool, reason string) string {
	id := "setting.unreadable.query"
	if fragment {
		id = "setting.unreadable.fragment"
	}
	return linkBook(get).T(id, "reason", reason)
}

// badSetting says that setting name's value v is not one it takes (want),
// and what is used instead.
func badSetting(b *phrase.Book, name, v, want string, def any) string {
	return b.T("setting.bad", "name", name, "value", strconv.Quote(v), "want", want, "default", fmt.Sprint(def))
}

// parseSwitch reads an on/off setting.
func parseSwitch(v string) (on, ok bool) {
	switch v {
	case "1", "true", "yes":
		return true, true
	case "0", "false", "no":
		return false, true
	}
	return false, false
}

// SettingHelp says in b's language what each setting takes, for flag
// help and docs (setting.help.NAME). A function, not a method, so that
// the browser, which has no flags, does not carry it (phrase.Texts says
// why an exported method would stay).
func SettingHelp(c *Catalogue, b *phrase.Book) map[string]string {
	var profiles []string
	for _, p := range engine.Profiles() {
		profiles = append(profiles, p.Name)
	}
	args := map[string][]any{
		"scene":    {"last", len(c.Lessons)},
		"profile":  {"lessons", c.Switching(), "profiles", strings.Join(profiles, ", ")},
		"speed":    {"speeds", speedList()},
		"strategy": {"strategies", strategyList()},
		"clients":  {"max", maxClients},
		"rate":     {"max", maxRate},
		"dests":    {"max", len(sandboxServers)},
		"lang":     {"langs", strings.Join(LanguageCodes(), ", "), "pseudo", phrase.PseudoLang},
	}
	help := map[string]string{}
	for _, name := range SettingNames {
		help[name] = b.T("setting.help."+name, args[name]...)
	}
	return help
}

// ParseSettings reads settings by name through get, which reports whether a
// value was given. A bad value is described in the returned problems (each
// names the setting, the value and what was expected) and replaced by its
// default, so a typo in a link still opens the app.
func (c *Catalogue) ParseSettings(get func(name string) (string, bool)) (Settings, []string) {
	s := DefaultSettings()
	var problems []string
	b := linkBook(get)
	bad := func(name, v, want string, def any) {
		problems = append(problems, badSetting(b, name, v, want, def))
	}
	intIn := func(name string, lo, hi int, dst *int) bool {
		v, ok := get(name)
		if !ok {
			return false
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			bad(name, v, b.T("setting.want.whole", "lo", lo, "hi", hi), *dst)
			return false
		}
		*dst = n
		return true
	}
	s.LessonGiven = intIn("scene", 1, len(c.Lessons), &s.Lesson)
	if v, ok := get("profile"); ok {
		if p, err := engine.ProfileByName(v); err != nil {
			bad("profile", v, err.Error(), b.T("setting.default.scenario-own"))
		} else {
			s.Profile = p
		}
	}
	if v, ok := get("speed"); ok {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || !slices.Contains(Speeds, f) {
			bad("speed", v, b.T("setting.want.one-of", "list", speedList()), s.Speed)
		} else {
			s.Speed = f
		}
	}
	if v, ok := get("seed"); ok {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			bad("seed", v, b.T("setting.want.whole", "lo", 0, "hi", uint64(1<<64-1)), s.Seed)
		} else {
			s.Seed, s.SeedGiven = n, true
		}
	}
	if v, ok := get("paused"); ok {
		if on, ok := parseSwitch(v); ok {
			s.Paused = on
		} else {
			bad("paused", v, b.T("setting.want.switch"), s.Paused)
		}
	}
	sb := &s.Sandbox
	if v, ok := get("range"); ok {
		if r, err := engine.ParseRange(v); err != nil {
			bad("range", v, err.Error(), b.T("setting.default.profile-own"))
		} else {
			sb.Range = r
		}
	}
	if v, ok := get("strategy"); ok {
		if st, err := engine.StrategyByName(v); err != nil {
			bad("strategy", v, err.Error(), b.T("setting.default.profile-own"))
		} else {
			sb.Strategy = st
		}
	}
	if v, ok := get("timewait"); ok {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Millisecond || d > time.Hour {
			bad("timewait", v, b.T("setting.want.duration"), b.T("setting.default.profile-own"))
		} else {
			sb.TimeWait = d
		}
	}
	intIn("clients", 1, maxClients, &sb.Clients)
	intIn("rate", 1, maxRate, &sb.Rate)
	intIn("dests", 1, len(sandboxServers), &sb.Dests)
	intIn("udp", 0, 100, &sb.UDP)
	if v, ok := get("lang"); ok {
		if !slices.Contains(LanguageCodes(), v) && v != phrase.PseudoLang {
			// English, as the message says: not the learner's saved
			// choice nor the system's, which the link meant to override.
			bad("lang", v, b.T("setting.want.one-of", "list", strings.Join(LanguageCodes(), ", ")), b.T("setting.default.english"))
			s.Lang, s.LangGiven = "en", true
		} else {
			s.Lang, s.LangGiven = v, true
		}
	}
	return s, problems
}

func speedList() string {
	var ss []string
	for _, f := range Speeds {
		ss = append(ss, strconv.FormatFloat(f, 'g', -1, 64))
	}
	return strings.Join(ss, ", ")
}

func strategyList() string {
	var ss []string
	for _, st := range engine.Strategies {
		ss = append(ss, st.String())
	}
	return strings.Join(ss, ", ")
}
