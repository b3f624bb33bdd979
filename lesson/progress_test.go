package lesson

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Progress survives a save and a load whole.
func TestProgressRoundTrip(t *testing.T) {
	for _, p := range []Progress{
		newProgress(),
		{Lesson: 8, Steps: map[int]int{1: 4, 8: 0, -1: 2}, Answers: map[string]string{"q.1": "right", "é \"q\"\n": "wrong"},
			Done: map[int]bool{1: true, 2: false}, Lang: "uk"},
		{Lesson: CustomLesson, Steps: map[int]int{}, Answers: map[string]string{}, Done: map[int]bool{}},
	} {
		store := &MemStore{}
		require.NoError(t, saveProgress(store, p))
		got, err := loadProgress(store)
		require.NoError(t, err)
		assert.Equal(t, p, got)
	}
}

var progressSeeds = []string{
	`{"scene":3,"steps":{"1":4,"3":2},"answers":{"q.1":"right"},"done":{"1":true},"lang":"de"}`,
	`{}`, `null`, `{"steps":null,"done":{}}`, `{"SCENE":2,"Lang":"es"}`, `{"steps":{"1":1},"steps":{"2":2}}`,
	`{"scene":"2"}`, `{"scene":2.5}`, `{"steps":{"a":1}}`, `{"steps":[1]}`, `{"done":{"1":1}}`, `{"answers":{"q":true}}`,
	`[]`, `"x"`, `{not json`, ``,
}

// sameProgress holds Progress.read to json.Unmarshal: both fail, or both
// read the same progress.
func sameProgress(t *testing.T, b []byte) {
	var want, got Progress
	wantErr := json.Unmarshal(b, &want)
	err := got.read(b)
	if wantErr != nil {
		assert.Error(t, err, "%q: encoding/json says %v", b, wantErr)
		return
	}
	require.NoError(t, err, "%q", b)
	assert.Equal(t, want, got, "%q", b)
}

func TestProgressReadIsUnmarshal(t *testing.T) {
	for _, s := range progressSeeds {
		sameProgress(t, []byte(s))
	}
}

func FuzzProgressRead(f *testing.F) {
	for _, s := range progressSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { sameProgress(t, b) })
}

// Progress that cannot be read is a fresh start, and the message says
// what was wrong where.
func TestUnreadableProgressSaysWhy(t *testing.T) {
	tests := []struct{ stored, want string }{
		{`{not json`, "invalid character 'n' looking for beginning of object key string"},
		{`{"scene": "two"}`, `"scene": want a whole number, not a string`},
		{`{"steps": {"1": 2.5}}`, `"steps": "1": want a whole number, not 2.5`},
		{`{"done": {"first": true}}`, `"done": "first": want a whole number as key`},
		{`[1]`, `want an object, not an array`},
	}
	for _, tc := range tests {
		store := &MemStore{}
		require.NoError(t, store.Save([]byte(tc.stored)))
		p, err := loadProgress(store)
		require.Error(t, err, tc.stored)
		assert.Contains(t, err.Error(), tc.want, tc.stored)
		assert.Equal(t, newProgress(), p, tc.stored)
		v := NewSession(builtin(t), DefaultSettings(), nil, store).View()
		require.Len(t, v.Problems, 1, tc.stored)
		assert.Contains(t, v.Problems[0], tc.want, tc.stored)
	}
}
