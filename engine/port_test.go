package engine

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewRange(t *testing.T) {
	tests := []struct {
		lo, hi  int
		wantErr string
	}{
		{32768, 60999, ""},
		{1, 65535, ""},
		{80, 80, ""},
		{70000, 80000, "70000 is outside 1-65535"},
		{0, 100, "0 is outside 1-65535"},
		{100, 65536, "65536 is outside 1-65535"},
		{-5, 10, "-5 is outside"},
		{5000, 1025, "reversed"},
	}
	for _, tc := range tests {
		r, err := NewRange(tc.lo, tc.hi)
		if tc.wantErr != "" {
			require.Error(t, err, "%d-%d", tc.lo, tc.hi)
			assert.Contains(t, err.Error(), tc.wantErr)
			assert.Zero(t, r)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tc.hi-tc.lo+1, r.Size())
		assert.True(t, r.Contains(Port(tc.lo)) && r.Contains(Port(tc.hi)))
		assert.False(t, r.Contains(Port(tc.lo-1)))
	}
}

func TestParseRange(t *testing.T) {
	tests := []struct {
		in      string
		want    Range
		wantErr string
	}{
		{"32768-60999", Range{32768, 60999}, ""},
		{" 1025 - 5000 ", Range{1025, 5000}, ""},
		{"70000-80000", Range{}, "70000 is outside 1-65535"},
		{"5000-1025", Range{}, "reversed"},
		{"1025", Range{}, "want LO-HI"},
		{"a-b", Range{}, "want LO-HI"},
		{"", Range{}, "want LO-HI"},
		{"1-2-3", Range{}, "want LO-HI"},
	}
	for _, tc := range tests {
		r, err := ParseRange(tc.in)
		if tc.wantErr != "" {
			require.Error(t, err, tc.in)
			assert.Contains(t, err.Error(), tc.wantErr, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, r)
		assert.Equal(t, tc.want, must(ParseRange(r.String())), "String round-trips")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// RFC 6335 §6 (facts/ports.md §1).
func TestClassOf(t *testing.T) {
	tests := []struct {
		p    Port
		want Class
	}{
		{0, ClassSystem}, {80, ClassSystem}, {1023, ClassSystem},
		{1024, ClassRegistered}, {32768, ClassRegistered}, {49151, ClassRegistered},
		{49152, ClassDynamic}, {65535, ClassDynamic},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, ClassOf(tc.p), "port %d", tc.p)
	}
	assert.Equal(t, 1024, SystemPorts.Size())
	assert.Equal(t, 48128, RegisteredPorts.Size())
	assert.Equal(t, 16384, DynamicPorts.Size())
	assert.Equal(t, []string{"system", "registered", "dynamic"}, []string{ClassSystem.String(), ClassRegistered.String(), ClassDynamic.String()})
	assert.Equal(t, "Class(9)", Class(9).String(), "a value no class has prints its number")
}

func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"32768-60999", "70000-80000", "5-1", "-", "1-65535", " 7 - 7 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRange(s)
		if err != nil {
			require.Zero(t, r)
			return
		}
		require.GreaterOrEqual(t, r.Lo, Port(1))
		require.LessOrEqual(t, r.Lo, r.Hi)
		require.Equal(t, r, must(ParseRange(r.String())))
	})
}
