package jsonlite

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shape has a field of each type Unmarshal reads; R is Raw, or
// json.RawMessage for encoding/json.
type shape[R ~[]byte] struct {
	N    int               `json:"n"`
	S    string            `json:"s"`
	B    bool              `json:"b"`
	L    []string          `json:"l"`
	T    [][]int           `json:"t"`
	M    map[int]bool      `json:"m"`
	MI   map[int]int       `json:"mi"`
	SM   map[string]string `json:"sm"`
	R    R                 `json:"r"`
	MR   map[string]R      `json:"mr"`
	Code string
}

func (s *shape[R]) fields() Fields {
	return Fields{"n", &s.N, "s", &s.S, "b", &s.B, "l", &s.L, "t", &s.T, "m", &s.M, "mi", &s.MI, "sm", &s.SM,
		"r", &s.R, "mr", &s.MR, "Code", &s.Code}
}

// std is s as encoding/json would hold it.
func (s shape[R]) std() shape[json.RawMessage] {
	c := shape[json.RawMessage]{N: s.N, S: s.S, B: s.B, L: s.L, T: s.T, M: s.M, MI: s.MI, SM: s.SM,
		R: json.RawMessage(s.R), Code: s.Code}
	if s.MR != nil {
		c.MR = map[string]json.RawMessage{}
		for k, v := range s.MR {
			c.MR[k] = json.RawMessage(v)
		}
	}
	return c
}

// same holds Unmarshal to json.Unmarshal on data, into a shape, a string
// and a map of raw values: both give the same syntax error, or both fail,
// or both read the same.
func same(t *testing.T, data []byte) {
	var want shape[json.RawMessage]
	var got shape[Raw]
	check := func(what string, wantErr, err error, want, got any) {
		var syntax *json.SyntaxError
		switch {
		case errors.As(wantErr, &syntax):
			assert.EqualError(t, err, wantErr.Error(), "%s %q", what, data)
		case wantErr != nil:
			assert.Error(t, err, "%s %q: encoding/json says %v", what, data, wantErr)
		default:
			require.NoError(t, err, "%s %q", what, data)
			assert.Equal(t, want, got, "%s %q", what, data)
		}
	}
	check("shape", json.Unmarshal(data, &want), Unmarshal(data, got.fields()), want, got.std())
	var ws, gs string
	check("string", json.Unmarshal(data, &ws), Unmarshal(data, &gs), ws, gs)
	var wm map[string]json.RawMessage
	var gm map[string]Raw
	check("raw", json.Unmarshal(data, &wm), Unmarshal(data, &gm), wm, shape[Raw]{MR: gm}.std().MR)
}

var seeds = []string{
	`{"n": 3, "s": "x", "b": true, "l": ["a", null, "b"], "t": [[1, 2], null, []], "m": {"1": true, "-2": false},
	  "mi": {"7": 8}, "sm": {"a": "b", "c": null}, "code": "K7", "r": [1, {"x": null}], "mr": {"a": "b", "c": {}}}`,
	`null`, `{}`, `{"n": null, "s": null, "b": null, "l": null, "t": null, "m": null, "mi": null, "sm": null, "r": null, "mr": null}`,
	`{"N": 1, "S": "case", "CODE": "c", "ſ": "long s is s", "K": 1, "unknown": {"deep": [1, "x", true, null, 2.5e-3]}}`,
	`{"l": [], "t": [[]], "m": {}}`,
	`{"l": ["a", "b", "c"], "l": ["d"]}`,                                                       // a repeated slice is read into
	`{"t": [[1, 2, 3]], "t": [[null, 5]]}`,                                                     // ... element by element
	`{"m": {"1": true}, "m": {"2": true}}`, `{"m": {"1": true}, "m": null, "m": {"3": false}}`, // a repeated map is added to
	`{"n": 1.5}`, `{"n": 1e3}`, `{"n": "3"}`, `{"n": 99999999999999999999}`, `{"n": -0}`, `{"n": 1E1000}`,
	`{"s": 3}`, `{"b": "true"}`, `{"l": "a"}`, `{"l": [1]}`, `{"t": [1]}`, `{"m": {"x": true}}`, `{"mi": {"01": 1, "1": 2}}`,
	`{"m": {"1": 1}}`, `{"m": []}`, `{"sm": {"a": 1}}`, `[]`, `3`, `true`, `"x"`,
	`"tab\there \"q\" \\ \/ \b\f\n\r \u00e9 \u20AC"`, // every escape
	`"\ud83d\ude00 pair"`, `"\ud83d alone"`, `"\ude00\ud83d backwards"`, `"\ud83d\u0041 then A"`, `"\ud83d\ud83d\ude00"`, `"\ud83d"`,
	"\"bad \xff byte and \xe2\x82 cut\"", "\"\xef\xbf\xbd kept\"", "{\"k\xff\": \"\xc3\"}", "\"\xe2\x82\\u00ac\"",
	`{"a": }`, `{"a" 1}`, `[1,]`, `[1 2]`, `tru`, `"open`, ``, `  `, `{} {}`, `01`, `1.`, `-`, `"\x"`, "\"a\x01\"", `{"a":1}x`,
}

func TestUnmarshalIsEncodingJSON(t *testing.T) {
	for _, s := range seeds {
		same(t, []byte(s))
	}
}

func TestUnmarshalThePhrasebook(t *testing.T) {
	b, err := os.ReadFile("../../assets/i18n/uk.json")
	require.NoError(t, err)
	same(t, b)
}

func FuzzUnmarshal(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { same(t, data) })
}

// The errors name what was wanted, what was found and where.
func TestErrorsSayWhatWasWrong(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"n": 1.5}`, `"n": want a whole number, not 1.5`},
		{`{"s": true}`, `"s": want a string, not true`},
		{`{"b": "yes"}`, `"b": want true or false, not a string`},
		{`{"l": {}}`, `"l": want an array, not an object`},
		{`{"t": [[1], [2, "x"]]}`, `"t": element 1: element 1: want a whole number, not a string`},
		{`{"m": {"one": true}}`, `"m": "one": want a whole number as key`},
		{`{"m": {"1": null, "2": 0}}`, `"m": "2": want true or false, not 0`},
		{`{"sm": {"a": []}}`, `"sm": "a": want a string, not an array`},
		{`[1]`, `want an object, not an array`},
	}
	for _, tc := range tests {
		var s shape[Raw]
		assert.EqualError(t, Unmarshal([]byte(tc.in), s.fields()), tc.want, tc.in)
	}
}

// BenchmarkPhrasebook reads a phrasebook as lesson/phrase does (each
// message's raw value, then each as a string or an object of strings),
// by jsonlite and by encoding/json: the app reads one as it starts.
func BenchmarkPhrasebook(b *testing.B) {
	data, err := os.ReadFile("../../assets/i18n/uk.json")
	require.NoError(b, err)
	b.Run("jsonlite", func(b *testing.B) {
		for b.Loop() {
			var raw map[string]Raw
			require.NoError(b, Unmarshal(data, &raw))
			for _, v := range raw {
				var s string
				if Unmarshal(v, &s) != nil {
					var forms map[string]string
					require.NoError(b, Unmarshal(v, &forms))
				}
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			var raw map[string]json.RawMessage
			require.NoError(b, json.Unmarshal(data, &raw))
			for _, v := range raw {
				var s string
				if json.Unmarshal(v, &s) != nil {
					var forms map[string]string
					require.NoError(b, json.Unmarshal(v, &forms))
				}
			}
		}
	})
}
