package lesson

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ParseParams reads what url.ParseQuery reads, and fails where it fails
// with its words.
func TestParseParamsMatchesNetURL(t *testing.T) {
	for _, s := range []string{
		"", "scene=3&seed=7", "a=1&a=2&b", "lang=de&speed=0.25", "x=%41%42+c", "%zz=1", "a=%4", "a=%",
		"a=1;b=2", "&&a=&=b", "scenario=AbC-_d&t=1.5s", "k=%E2%86%92", "a=1&%zz&b=%x1&c=3", "+=+",
	} {
		assertLikeNetURL(t, s)
	}
}

func FuzzParseParams(f *testing.F) {
	for _, s := range []string{"scene=3&seed=7", "a=%4", "a=1;b", "x=%41+%2B", "%zz"} {
		f.Add(s)
	}
	f.Fuzz(assertLikeNetURL)
}

func assertLikeNetURL(t *testing.T, s string) {
	want, wantErr := url.ParseQuery(s)
	got, err := ParseParams(s)
	if wantErr != nil {
		require.Error(t, err, "%q", s)
		assert.Equal(t, wantErr.Error(), err.Error(), "%q", s)
	} else {
		assert.NoError(t, err, "%q", s)
	}
	assert.Equal(t, map[string][]string(want), map[string][]string(got), "%q", s)
}

// Encode writes what url.Values.Encode writes, and reads back.
func TestParamsEncodeMatchesNetURL(t *testing.T) {
	for _, p := range []Params{
		{},
		{"scene": {"3"}, "seed": {"7"}},
		{"range": {"1025-1034"}, "timewait": {"4m0s"}, "t": {"1.5s"}},
		{"a b": {"c d", "e&f=g"}, "ü": {"→ ;/?#%+"}},
	} {
		want := url.Values(p).Encode()
		assert.Equal(t, want, p.Encode())
		back, err := ParseParams(p.Encode())
		require.NoError(t, err)
		if len(p) > 0 {
			assert.Equal(t, p, back)
		}
	}
}

func FuzzParamsEncode(f *testing.F) {
	f.Add("scene", "3", "x y", "→%&=")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		p := Params{k1: {v1}}
		p[k2] = append(p[k2], v2)
		assert.Equal(t, url.Values(p).Encode(), p.Encode())
		back, err := ParseParams(p.Encode())
		require.NoError(t, err)
		assert.Equal(t, p, back)
	})
}
