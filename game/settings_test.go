package game

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseSettings(t *testing.T) {
	def := DefaultSettings()
	tests := []struct {
		name         string
		given        map[string]string
		want         Settings
		wantProblems []string // substrings, one per expected problem
	}{
		{"nothing given", nil, def, nil},
		{"profile and seed", map[string]string{"profile": "winxp", "seed": "7"}, Settings{Profile: "winxp", Seed: 7}, nil},
		{"largest seed", map[string]string{"seed": "18446744073709551615"}, Settings{Profile: def.Profile, Seed: 1<<64 - 1}, nil},
		{"unknown profile", map[string]string{"profile": "solaris"}, def, []string{`profile="solaris"`}},
		{"profile names are exact", map[string]string{"profile": "Linux"}, def, []string{`profile="Linux"`}},
		{"seed not a number", map[string]string{"seed": "abc"}, def, []string{`seed="abc"`}},
		{"negative seed", map[string]string{"seed": "-1"}, def, []string{`seed="-1"`}},
		{"seed too large", map[string]string{"seed": "18446744073709551616"}, def, []string{`seed="18446744073709551616"`}},
		{"empty seed", map[string]string{"seed": ""}, def, []string{`seed=""`}},
		{"one good, one bad", map[string]string{"profile": "macos", "seed": "x"}, Settings{Profile: "macos", Seed: def.Seed}, []string{`seed="x"`}},
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
