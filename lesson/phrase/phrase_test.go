package phrase

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const enFile = `{
  "ports": {"description": "How many ports.", "one": "{n} port", "other": "{n} ports"},
  "hello": "Hello, {who}.",
  "only.en": "English only",
  "num.decimal": "."
}`

const ukFile = `{
  "ports": {"one": "{n} порт", "few": "{n} порти", "many": "{n} портів", "other": "{n} порту"},
  "hello": "Привіт, {who}.",
  "num.decimal": ","
}`

func books(t *testing.T) (en, uk *Book) {
	en, err := Parse("en", []byte(enFile))
	require.NoError(t, err)
	uk, err = Parse("uk", []byte(ukFile))
	require.NoError(t, err)
	return en, uk.Behind(en)
}

// CLDR's plural rules choose the form: Ukrainian has one (1, 21), few
// (2-4, 22), many (5-20, 11-14) and other (fractions).
func TestPluralFormsPerLanguage(t *testing.T) {
	en, uk := books(t)
	tests := []struct {
		n      int
		en, uk string
	}{
		{1, "1 port", "1 порт"},
		{2, "2 ports", "2 порти"},
		{5, "5 ports", "5 портів"},
		{11, "11 ports", "11 портів"},
		{21, "21 ports", "21 порт"},
		{22, "22 ports", "22 порти"},
		{0, "0 ports", "0 портів"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.en, en.T("ports", "n", tc.n), "en %d", tc.n)
		assert.Equal(t, tc.uk, uk.T("ports", "n", tc.n), "uk %d", tc.n)
	}
}

func TestVariablesFallbackAndMissing(t *testing.T) {
	en, uk := books(t)
	assert.Equal(t, "Привіт, web-a.", uk.T("hello", "who", "web-a"))
	assert.Equal(t, "English only", uk.T("only.en"), "a message the language lacks is English's")
	assert.Equal(t, "[nope]", uk.T("nope"), "a message nobody has shows its ID")
	assert.Equal(t, "Hello, {who}.", en.T("hello"), "a variable not given stays as written")
	assert.Equal(t, "2,5", uk.Num(2.5, -1))
	assert.Equal(t, "2.50", en.Num(2.5, 2))
	assert.Equal(t, "Привіт, 0,25.", uk.T("hello", "who", 0.25), "a float takes the language's decimal separator")
	assert.True(t, uk.Has("hello"))
	assert.False(t, uk.Has("only.en"), "Has is the language's own")
	assert.Equal(t, []string{"hello", "num.decimal", "ports"}, IDs(uk))
	assert.Equal(t, "Перший", uk.Of("x", "Перший"), "Of: a text whose English lives elsewhere")
}

func TestParseNamesTheBadMessage(t *testing.T) {
	tests := []struct{ name, file, want string }{
		{"not json", `{"a": }`, "de.json: invalid character"},
		{"no other", `{"a": {"one": "x"}}`, `de.json: message "a": every message needs its "other" text`},
		{"unknown form", `{"a": {"other": "x", "several": "y"}}`, `de.json: message "a": "several" is not a plural form`},
		{"a number", `{"a": 3}`, `de.json: message "a": want a string`},
		{"a form not a string", `{"a": {"other": ["x"]}}`, `de.json: message "a": want a string`},
		{"not an object", `["a"]`, `de.json: want an object, not an array`},
		{"cut short", `{"a": "b"`, `de.json: unexpected end of JSON input`},
	}
	for _, tc := range tests {
		_, err := Parse("de", []byte(tc.file))
		require.Error(t, err, tc.name)
		assert.Contains(t, err.Error(), tc.want, tc.name)
	}
}

// Parse reads every catalogue as encoding/json reads it: each message's
// text, or its forms and description.
func TestParseReadsCataloguesAsEncodingJSON(t *testing.T) {
	for _, lang := range []string{"en", "de", "es", "uk"} {
		data, err := os.ReadFile("../../assets/i18n/" + lang + ".json")
		require.NoError(t, err)
		b, err := Parse(lang, data)
		require.NoError(t, err, lang)
		var raw map[string]any
		require.NoError(t, json.Unmarshal(data, &raw))
		require.Len(t, b.msgs, len(raw), lang)
		for id, v := range raw {
			m := b.msgs[id]
			require.NotNil(t, m, "%s %s", lang, id)
			if s, ok := v.(string); ok {
				assert.Equal(t, s, m.forms[other], "%s %s", lang, id)
				continue
			}
			for k, s := range v.(map[string]any) {
				if k == "description" {
					assert.Equal(t, s, m.desc, "%s %s", lang, id)
				} else {
					assert.Equal(t, s, m.forms[formNames[k]], "%s %s %s", lang, id, k)
				}
			}
		}
	}
}

// A null is an empty message, as encoding/json read it into a string.
func TestNullIsEmpty(t *testing.T) {
	b, err := Parse("de", []byte(`{"a": null, "p": {"one": null, "other": "n"}}`))
	require.NoError(t, err)
	assert.Equal(t, "", b.msgs["a"].forms[other])
	assert.True(t, Plural(b, "p"))
	assert.Equal(t, "n", b.T("p", "n", 2))
}

// The pseudo-language is longer by about 40%, marked at both ends, and
// keeps what is never translated: {names}, errno names, numbers.
func TestPseudoStretchesButKeepsNames(t *testing.T) {
	en, _ := books(t)
	p := Pseudo(en)
	assert.Equal(t, PseudoLang, p.Lang())
	got := p.T("hello", "who", "web-a")
	assert.Regexp(t, `^\[Héllö, web-a\. [~·]+\]$`, got)
	assert.Equal(t, "[EADDRINUSE ~·~·]", p.Of("x", "EADDRINUSE"))
	for _, s := range []string{"Hello, {who}.", "Step 3 of 7: play on until the range is used up"} {
		st := stretch(s)
		assert.GreaterOrEqual(t, len([]rune(st)), len([]rune(s))*14/10, s)
		assert.Equal(t, Names(s), Names(st), "names kept")
	}
	assert.Equal(t, "", stretch(""))
}

func TestNames(t *testing.T) {
	assert.Equal(t, []string{"a", "b.c"}, Names("x {a} y {b.c} {a} {"))
	assert.Empty(t, Names("no names"))
}

func TestDescriptionAloneIsNoPlural(t *testing.T) {
	b, err := Parse("de", []byte(`{"a": {"description": "d", "other": "x"}, "p": {"one": "1", "other": "n"}}`))
	require.NoError(t, err)
	assert.False(t, Plural(b, "a"))
	assert.Nil(t, FormNames(b, "a"))
	assert.True(t, Plural(b, "p"))
	assert.Equal(t, []string{"one", "other"}, FormNames(b, "p"))
}
