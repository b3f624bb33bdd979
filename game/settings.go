package game

import (
	"fmt"
	"strconv"

	"github.com/portplay/portplay/engine"
)

// Settings are what a teacher's link (URL parameters) or a command line
// (flags of the same names) can choose.
type Settings struct {
	// Profile names the client's OS profile (engine.ProfileByName).
	Profile string
	// Seed makes every random port pick reproducible.
	Seed uint64
}

// DefaultSettings is what the app uses for anything not set, or set wrong.
func DefaultSettings() Settings {
	return Settings{Profile: "linux", Seed: 1}
}

// ParseSettings reads settings by name through get, which reports whether a
// value was given. A bad value is described in the returned problems (each
// names the setting, the value and what was expected) and replaced by its
// default, so a typo in a link still opens the app.
func ParseSettings(get func(name string) (string, bool)) (Settings, []string) {
	s := DefaultSettings()
	var problems []string
	if v, ok := get("profile"); ok {
		if _, err := engine.ProfileByName(v); err != nil {
			problems = append(problems, fmt.Sprintf("profile=%q: %v; using %q", v, err, s.Profile))
		} else {
			s.Profile = v
		}
	}
	if v, ok := get("seed"); ok {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			problems = append(problems, fmt.Sprintf("seed=%q: want a whole number from 0 to %d; using %d", v, uint64(1<<64-1), s.Seed))
		} else {
			s.Seed = n
		}
	}
	return s, problems
}
