package game

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestParseSettings(t *testing.T) {
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
			with(func(s *Settings) { s.Scene, s.SceneGiven, s.Profile, s.Speed, s.Seed = 5, true, "winxp", 2, 7 }), nil},
		{"open paused", map[string]string{"paused": "1"}, with(func(s *Settings) { s.Paused = true }), nil},
		{"paused neither yes nor no", map[string]string{"paused": "maybe"}, def, []string{`paused="maybe": want 1 or 0`}},
		{"largest seed", map[string]string{"seed": "18446744073709551615"}, with(func(s *Settings) { s.Seed = 1<<64 - 1 }), nil},
		{"sandbox knobs", map[string]string{"range": "40000-40099", "strategy": "random-pick", "timewait": "30s", "clients": "6", "rate": "1000", "dests": "1"},
			with(func(s *Settings) {
				s.Sandbox = Sandbox{Range: "40000-40099", Strategy: "random-pick", TimeWait: 30 * time.Second, Clients: 6, Rate: 1000, Dests: 1}
			}), nil},
		{"unknown profile", map[string]string{"profile": "solaris"}, def, []string{`profile="solaris": unknown profile "solaris"; want one of linux`}},
		{"profile names are exact", map[string]string{"profile": "Linux"}, def, []string{`profile="Linux"`}},
		{"scene 0", map[string]string{"scene": "0"}, with(func(s *Settings) { s.SceneGiven = true }), []string{`scene="0": want a whole number from 1 to 6`}},
		{"scene 7", map[string]string{"scene": "7"}, with(func(s *Settings) { s.SceneGiven = true }), []string{`scene="7"`}},
		{"speed not offered", map[string]string{"speed": "3"}, def, []string{`speed="3": want one of 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64`}},
		{"speed not a number", map[string]string{"speed": "fast"}, def, []string{`speed="fast"`}},
		{"seed not a number", map[string]string{"seed": "abc"}, def, []string{`seed="abc"`}},
		{"negative seed", map[string]string{"seed": "-1"}, def, []string{`seed="-1"`}},
		{"seed too large", map[string]string{"seed": "18446744073709551616"}, def, []string{`seed="18446744073709551616"`}},
		{"empty seed", map[string]string{"seed": ""}, def, []string{`seed=""`}},
		{"range out of bounds", map[string]string{"range": "70000-80000"}, def, []string{`range="70000-80000": range 70000-80000: 70000 is outside 1-65535`}},
		{"reversed range", map[string]string{"range": "5000-1000"}, def, []string{`range="5000-1000"`}},
		{"unknown strategy", map[string]string{"strategy": "lottery"}, def, []string{`strategy="lottery": unknown strategy`}},
		{"timewait without unit", map[string]string{"timewait": "30"}, def, []string{`timewait="30": want a duration`}},
		{"timewait zero", map[string]string{"timewait": "0s"}, def, []string{`timewait="0s"`}},
		{"too many clients", map[string]string{"clients": "7"}, def, []string{`clients="7": want a whole number from 1 to 6`}},
		{"rate zero", map[string]string{"rate": "0"}, def, []string{`rate="0"`}},
		{"four servers", map[string]string{"dests": "4"}, def, []string{`dests="4": want a whole number from 1 to 3`}},
		{"one good, one bad", map[string]string{"profile": "macos", "seed": "x"}, with(func(s *Settings) { s.Profile = "macos" }), []string{`seed="x"`}},
		{"both bad", map[string]string{"profile": "", "seed": "1.5"}, def, []string{`profile=""`, `seed="1.5"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, problems := ParseSettings(func(n string) (string, bool) { v, ok := tc.given[n]; return v, ok })
			assert.Equal(t, tc.want, got)
			assert.Len(t, problems, len(tc.wantProblems), "problems: %q", problems)
			for i := range min(len(problems), len(tc.wantProblems)) {
				assert.Contains(t, problems[i], tc.wantProblems[i])
				assert.Contains(t, problems[i], "using", "a problem says what is used instead")
			}
		})
	}
}

func TestSettingNamesAreAllRead(t *testing.T) {
	asked := map[string]bool{}
	ParseSettings(func(n string) (string, bool) { asked[n] = true; return "", false })
	for _, n := range SettingNames {
		assert.True(t, asked[n], "%s is listed but never read", n)
	}
	assert.Len(t, asked, len(SettingNames), "every setting read is listed (flags are made from the list)")
}
