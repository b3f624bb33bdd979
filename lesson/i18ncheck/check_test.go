package i18ncheck

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/assets"
	"github.com/portplay/portplay/lesson"
)

// Every language is complete: each message of English (en.json and the
// lessons' texts) translated, none left over, none that cannot stand.
// portsim i18n check prints the same lists for a translator.
func TestEveryLanguageIsComplete(t *testing.T) {
	cat, err := lesson.Builtin()
	require.NoError(t, err)
	for _, lang := range lesson.LanguageCodes() {
		r, err := Check(cat, lang)
		require.NoError(t, err, lang)
		assert.Empty(t, r.Missing, "%s lacks these messages", lang)
		assert.Empty(t, r.Unused, "%s has messages English no longer has", lang)
		assert.Empty(t, r.Problems, "%s: translations that cannot stand", lang)
		assert.Greater(t, r.Total, 500, "%s: English's messages counted", lang)
	}
}

// The check finds what it is for: a language missing a message, one with
// a {name} English lacks or without one English has, and a plural
// message without a form its language needs.
func TestCheckFindsProblems(t *testing.T) {
	cat, err := lesson.Builtin()
	require.NoError(t, err)
	require.NoError(t, lesson.LoadPhrases("uk", []byte(`{
  "choice.port": "порт {nope}",
  "hostbox.connections": {"one": "{n} з'єднання", "other": "{n} з'єднань"},
  "portmap.title": "Карта портів {host} ({addr}), TCP",
  "gone.key": "x"
}`)))
	t.Cleanup(func() {
		data, err := assets.Catalogue("uk")
		require.NoError(t, err)
		require.NoError(t, lesson.LoadPhrases("uk", data))
	})
	r, err := Check(cat, "uk")
	require.NoError(t, err)
	assert.Contains(t, r.Missing, "verdict.right")
	assert.Equal(t, []string{"gone.key"}, r.Unused)
	assert.Contains(t, r.Problems, `choice.port: {nope} is not one of English's names ()`)
	assert.Contains(t, r.Problems, `hostbox.connections: no "few" form, which uk uses (CLDR)`)
	assert.Contains(t, r.Problems, `portmap.title: {proto}, in English's text, is missing`)
	assert.Len(t, r.Problems, 4, "%q", r.Problems)
}
