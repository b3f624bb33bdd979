package lesson

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/assets"
	"github.com/portplay/portplay/lesson/phrase"
)

func TestEnvLanguages(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want []string
		lang string
	}{
		{map[string]string{}, nil, "en"},
		{map[string]string{"LANG": "de_DE.UTF-8"}, []string{"de_DE.UTF-8"}, "de"},
		{map[string]string{"LANGUAGE": "uk:de", "LANG": "en_US.UTF-8"}, []string{"uk", "de", "en_US.UTF-8"}, "uk"},
		{map[string]string{"LANGUAGE": "fr:es", "LANG": "fr_FR.UTF-8"}, []string{"fr", "es", "fr_FR.UTF-8"}, "es"},
		{map[string]string{"LANGUAGE": "de", "LANG": "C.UTF-8"}, []string{"C.UTF-8"}, "en"}, // gettext ignores LANGUAGE in the C locale
		{map[string]string{"LC_ALL": "es_ES.UTF-8", "LC_MESSAGES": "uk_UA", "LANG": "de_DE"}, []string{"es_ES.UTF-8"}, "es"},
		{map[string]string{"LC_MESSAGES": "uk_UA.UTF-8", "LANG": "de_DE"}, []string{"uk_UA.UTF-8"}, "uk"},
		{map[string]string{"LANG": "POSIX"}, []string{"POSIX"}, "en"},
	} {
		got := EnvLanguages(func(k string) string { return c.env[k] })
		assert.Equal(t, c.want, got, "%v", c.env)
		assert.Equal(t, c.lang, MatchLanguage(got), "%v", c.env)
	}
}

func TestStartLanguage(t *testing.T) {
	saved := func(lang string) Store {
		st := &MemStore{}
		p := newProgress()
		p.Lang = lang
		require.NoError(t, saveProgress(st, p))
		return st
	}
	for _, c := range []struct {
		name  string
		s     Settings
		store Store
		want  string
	}{
		{"nothing", Settings{}, &MemStore{}, "en"},
		{"the system's", Settings{Lang: "es"}, &MemStore{}, "es"},
		{"the learner's over the system's", Settings{Lang: "es"}, saved("uk"), "uk"},
		{"the link's over the learner's", Settings{Lang: "de", LangGiven: true}, saved("uk"), "de"},
		{"a saved language no longer there", Settings{Lang: "es"}, saved("tlh"), "es"},
		{"the pseudo-language saved", Settings{}, saved(phrase.PseudoLang), phrase.PseudoLang},
	} {
		assert.Equal(t, c.want, StartLanguage(c.s, c.store), c.name)
	}
}

// The language button goes through every language in its order, each
// named in its own words, the page's lang following; the choice is
// remembered with the progress, and a system's preference does not
// override it at the next start.
func TestLanguageButton(t *testing.T) {
	store := &MemStore{}
	s := DefaultSettings()
	s.Lesson, s.LessonGiven, s.Paused = 2, true, true
	ss := NewSession(builtin(t), s, nil, store)
	langButton := func(v View) Control {
		for _, c := range v.Controls {
			if c.Action == ActLanguage {
				return c
			}
		}
		t.Fatal("no language button")
		return Control{}
	}
	var seen []string
	for _, l := range assets.Languages() {
		v := ss.View()
		assert.Equal(t, l.Code, v.Lang)
		assert.Equal(t, l.Code, ss.Lang())
		c := langButton(v)
		assert.Equal(t, l.Name, c.Label)
		assert.Contains(t, c.Name, l.Name)
		assert.Equal(t, "W", c.Key)
		seen = append(seen, l.Code)
		ss.Do(ActLanguage)
	}
	assert.Equal(t, LanguageCodes(), seen)
	assert.Equal(t, "en", ss.Lang(), "after the last, English again")
	ss.Do(ActLanguage)
	require.Equal(t, "de", ss.Lang())
	s.Lang = "es" // the system's preference, at the next start
	again := NewSession(builtin(t), s, nil, store)
	assert.Equal(t, "de", again.Lang(), "the learner's choice, remembered")
}

// In the browser a language's phrasebook is fetched when the button first
// asks for it: the button says it is loading, and the words change when
// it has come; a failed fetch is said and the words stay.
func TestLanguageFetched(t *testing.T) {
	fetched := map[string]bool{}
	phrasesLoaded = func(lang string) bool { return lang == "en" || fetched[lang] }
	t.Cleanup(func() { phrasesLoaded = PhrasesLoaded })
	ss := newSession(t, 2)
	label := func() string { return ss.View().Controls[len(ss.View().Controls)-3].Label }
	require.Equal(t, "English", label())

	ss.Do(ActLanguage)
	v := ss.View()
	assert.Equal(t, "de", v.LangWanted, "the front end is to fetch it")
	assert.Equal(t, "en", v.Lang, "English until it has come")
	assert.Equal(t, "Deutsch …", label())
	ss.LanguageFetched("de", nil, errors.New("HTTP 404"))
	v = ss.View()
	assert.Empty(t, v.LangWanted)
	assert.Equal(t, "en", v.Lang)
	require.Len(t, v.Problems, 1)
	assert.Contains(t, v.Problems[0], "Deutsch")
	assert.Contains(t, v.Problems[0], "HTTP 404")
	assert.Equal(t, "English", label())

	ss.Do(ActEscape)
	ss.Do(ActLanguage)
	assert.Equal(t, "es", ss.View().LangWanted, "the next press passes over the language that failed")
	ss.Do(ActLanguage)
	ss.Do(ActLanguage)
	ss.Do(ActLanguage)
	require.Equal(t, "de", ss.View().LangWanted, "and the round after tries it again")
	ss.LanguageFetched("es", []byte(`{}`), nil) // not the one wanted: a late answer
	assert.Equal(t, "de", ss.View().LangWanted)
	data, err := assets.Catalogue("de")
	require.NoError(t, err)
	fetched["de"] = true
	ss.LanguageFetched("de", data, nil)
	v = ss.View()
	assert.Empty(t, v.Problems)
	assert.Equal(t, "de", v.Lang)
	assert.Equal(t, "Deutsch", label())
}
