package lesson

import (
	"slices"
	"strings"

	"github.com/portplay/portplay/assets"
	"github.com/portplay/portplay/lesson/phrase"
)

// Choosing the language: a link's lang= or the -lang flag wins; else the
// learner's own choice, remembered with their progress; else the
// system's preference (the browser's navigator.languages, natively
// LANGUAGE, LC_ALL, LC_MESSAGES and LANG, and on macOS and Windows the
// OS's own setting), matched by MatchLanguage; else English. The language
// button (KindLanguage) goes through the languages in the order of
// assets/i18n/languages.txt.

// LanguageName is the language's name for itself, as its button shows
// it ("Deutsch"); the pseudo-language is named by its code.
func LanguageName(code string) string {
	for _, l := range assets.Languages() {
		if l.Code == code {
			return l.Name
		}
	}
	return code
}

// nextLanguage is the language after lang on the language button; after
// the last, or the pseudo-language, English.
func nextLanguage(lang string) string {
	codes := LanguageCodes()
	return codes[(slices.Index(codes, lang)+1)%len(codes)]
}

// EnvLanguages are the preferred languages a POSIX environment names,
// most preferred first: GNU gettext's LANGUAGE list (which it obeys only
// where a locale is set, not C or POSIX), then the locale messages are
// in (LC_ALL, else LC_MESSAGES, else LANG).
func EnvLanguages(getenv func(string) string) []string {
	locale := ""
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if locale = getenv(v); locale != "" {
			break
		}
	}
	var out []string
	if base, _, _ := strings.Cut(locale, "."); locale != "" && base != "C" && base != "POSIX" {
		for l := range strings.SplitSeq(getenv("LANGUAGE"), ":") {
			if l != "" {
				out = append(out, l)
			}
		}
	}
	if locale != "" {
		out = append(out, locale)
	}
	return out
}

// StartLanguage is the language a session with settings s and the
// progress in store opens in (as NewSession chooses it, once its
// phrasebook is at hand): what a front end must load first. s.Lang is
// the link's or flag's choice where s.LangGiven, else the system's.
func StartLanguage(s Settings, store Store) string {
	if !s.LangGiven {
		if p, err := loadProgress(store); err == nil && (slices.Contains(LanguageCodes(), p.Lang) || p.Lang == phrase.PseudoLang) {
			return p.Lang
		}
	}
	if s.Lang == "" {
		return "en"
	}
	return s.Lang
}

// LanguageUnavailable is the message a front end shows when lang's
// phrasebook could not be had (the browser's fetch of it failed): the
// session speaks English instead.
func LanguageUnavailable(lang string, err error) string {
	return English().T("problem.language", "lang", LanguageName(lang), "err", err.Error())
}

// languageProblem is LanguageUnavailable as the session keeps it: worded
// when shown, in the language spoken then.
func languageProblem(lang string, err error) msg {
	return msg{id: "problem.language", args: []any{"lang", LanguageName(lang), "err", err.Error()}}
}

// chooseLanguage is the language button: the next language, at once
// where its phrasebook is at hand, else once the front end has fetched
// it (LangWanted, LanguageFetched), the button saying so meanwhile.
func (s *Session) chooseLanguage() {
	next := nextLanguage(s.Lang())
	if s.langWanted != "" {
		next = nextLanguage(s.langWanted) // pressed again while one loads
	}
	if next == s.langFailed {
		// The language that could not be had is passed over once: the
		// others stay in reach; the round after tries it again.
		next = nextLanguage(next)
	}
	s.langFailed = ""
	if !phrasesLoaded(next) {
		s.langWanted = next
		return
	}
	s.langWanted = ""
	if err := s.SetLang(next); err != nil {
		s.problems = append(s.problems, languageProblem(next, err))
	}
}

// phrasesLoaded is PhrasesLoaded; tests stand in for the browser, where
// a language's phrasebook is fetched first.
var phrasesLoaded = PhrasesLoaded

// LangWanted is the language the learner asked for whose phrasebook the
// front end is to fetch (then LanguageFetched); "" for none.
func (s *Session) LangWanted() string { return s.langWanted }

// LanguageFetched takes lang's catalogue file as the front end fetched it
// (err: why it could not) and, if lang is still the one wanted, speaks it;
// a failure is said, and the language stays as it was.
func (s *Session) LanguageFetched(lang string, data []byte, err error) {
	if lang != s.langWanted {
		return // another was asked for since
	}
	s.langWanted = ""
	s.gen++
	if err == nil {
		err = LoadPhrases(lang, data)
	}
	if err == nil {
		err = s.SetLang(lang)
	}
	if err != nil {
		s.problems = append(s.problems, languageProblem(lang, err))
		s.langFailed = lang
	}
}

// languageControl is the language button: the language spoken, in its
// own name, or the one loading.
func (s *Session) languageControl() Control {
	c := s.Control(ActLanguage)
	c.Label = LanguageName(s.Lang())
	c.Name = s.T("control.language", "lang", c.Label, "next", LanguageName(nextLanguage(s.Lang())))
	if s.langWanted != "" {
		c.Label = s.T("control.language-loading", "lang", LanguageName(s.langWanted))
		c.Name, c.Pressed = c.Label, true
	}
	return c
}

// PageLang is language lang as the page's <html lang> names it: the
// pseudo-language is English made longer.
func PageLang(lang string) string {
	if lang == phrase.PseudoLang {
		return "en"
	}
	return lang
}
