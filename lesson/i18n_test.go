package lesson

import (
	"encoding/json"
	"fmt"
	"go/ast"
	goparser "go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
	"github.com/portplay/portplay/lesson/phrase"
)

// judged is one answer's verdict, as a language cannot change it.
type judged struct {
	ChoiceIDs []string
	Verdict   Verdict
	TruthID   string
}

// missingMessage matches a message the phrasebook lacked ("[id]").
var missingMessage = regexp.MustCompile(`\[[a-z][a-z0-9_-]*(\.[a-zA-Z0-9_-]+)+\]`)

// verdictsIn plays every question of every lesson in lang, choosing each
// choice in turn, to the engine's verdict; each texts shown on the way
// (the question, its choices, the lead and the reason) is checked to be
// worded and complete.
func verdictsIn(t *testing.T, lang string) map[string]judged {
	out := map[string]judged{}
	for _, l := range builtin(t).Lessons {
		for _, i := range questionSteps(t, l.Number) {
			open := func() *Session {
				s := DefaultSettings()
				s.Lesson, s.LessonGiven, s.Paused, s.Seed, s.Lang, s.LangGiven = l.Number, true, true, 7, lang, true
				ss := NewSession(builtin(t), s, nil, &MemStore{})
				require.Equal(t, lang, ss.Lang())
				ss.gotoStep(i)
				return ss
			}
			n := len(open().View().Narration.Question.Choices)
			for k := range n {
				s := open()
				s.Do(s.View().Narration.Question.Choices[k].Action)
				s.PlayToPause(nil)
				v := s.View()
				q := v.Narration.Question
				require.NotNil(t, q)
				key := fmt.Sprintf("lesson %d step %d choice %d", l.Number, i, k)
				out[key] = judged{q.ChoiceIDs, q.Verdict, q.TruthID}
				texts := []string{q.Text, q.Lead, q.Why, q.Truth, v.Title, v.Narration.StepText()}
				for _, c := range q.Choices {
					texts = append(texts, c.Label)
				}
				for _, text := range texts {
					assert.NotEmpty(t, text, "%s in %s", key, lang)
					assert.NotRegexp(t, missingMessage, text, "%s in %s", key, lang)
					assert.NotContains(t, text, "{", "%s in %s: a quantity left unfilled", key, lang)
				}
			}
		}
	}
	return out
}

// Every language judges every answer alike: the same choices, in the same
// order, the same verdict and the same answer (choices are IDs, judged by
// ID; only their labels are the language's).
func TestVerdictsAreTheSameInEveryLanguage(t *testing.T) {
	if testing.Short() {
		t.Skip("plays every question once per choice and language")
	}
	english := verdictsIn(t, "en")
	require.NotEmpty(t, english)
	rights := 0
	for _, j := range english {
		if j.Verdict == Right {
			rights++
		}
		require.NotEqual(t, Unjudged, j.Verdict)
	}
	require.Positive(t, rights)
	require.Less(t, rights, len(english), "some answers are wrong, some right")
	for _, lang := range append(LanguageCodes()[1:], phrase.PseudoLang) {
		t.Run(lang, func(t *testing.T) {
			assert.Equal(t, english, verdictsIn(t, lang))
		})
	}
}

// nonsense is a catalogue in which every message English has, and every
// lesson text, reads backwards ({names} kept, so that they are filled):
// a translation as wrong as one can be.
func nonsense(t *testing.T) *phrase.Book {
	en := English()
	texts := map[string]any{}
	backwards := func(s string) string {
		return phrase.Fill(reverse(s), func(name string) (string, bool) {
			return "{" + reverse(name) + "}", true // reverse turned {name} into }eman{: put it back
		})
	}
	for _, id := range phrase.IDs(en) {
		forms := phrase.Texts(en, id)
		if !phrase.Plural(en, id) {
			texts[id] = backwards(forms[0])
			continue
		}
		texts[id] = map[string]string{"one": backwards(forms[0]), "other": backwards(forms[len(forms)-1])}
	}
	for _, l := range builtin(t).Lessons {
		p := l.prefix()
		add := func(id, text string) {
			if text != "" {
				texts[id] = backwards(text)
			}
		}
		add(p+"title", l.Title)
		add(p+"short", l.Short)
		add(p+"overview", l.Overview.Src)
		add(p+"learnt", l.Learnt.Src)
		for _, st := range l.Steps {
			add(st.Say.ID, st.Say.Src)
			if q := st.Ask; q != nil {
				add(q.Text.ID, q.Text.Src)
				add(q.Why.ID, q.Why.Src)
			}
			if st.Replay != nil {
				add(p+st.Name+".act", st.Replay.Title)
			}
		}
	}
	data, err := json.Marshal(texts)
	require.NoError(t, err)
	b, err := phrase.Parse("zz", data)
	require.NoError(t, err)
	return b.Behind(en)
}

// reverse writes s backwards, swapping braces so that a {name} comes out
// as {eman}.
func reverse(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	for i, c := range r {
		switch c {
		case '{':
			r[i] = '}'
		case '}':
			r[i] = '{'
		}
	}
	return string(r)
}

// A translation that gets every word wrong changes no verdict.
func TestNonsenseChangesNoVerdict(t *testing.T) {
	if testing.Short() {
		t.Skip("plays every question once per choice")
	}
	zz := nonsense(t)
	require.Equal(t, ".1024 :thgiR", zz.T("verdict.right", "answer", "1024"))
	books.Lock()
	books.m["zz"] = zz
	books.Unlock()
	t.Cleanup(func() {
		books.Lock()
		delete(books.m, "zz")
		books.Unlock()
	})
	english, backwards := verdictsIn(t, "en"), verdictsIn(t, "zz")
	assert.Equal(t, english, backwards)
	// And the words were the nonsense's: a question's label reads backwards.
	s := answerAt(t, 1, questionSteps(t, 1)[0], 0)
	require.NoError(t, s.SetLang("zz"))
	q := s.View().Narration.Question
	assert.Equal(t, zz.T("choice."+q.ChoiceIDs[0]), q.Choices[0].Label)
}

// Switching the language words what is on screen again: the narration,
// the verdict's reason, the event log, a notice, the host boxes.
func TestSetLangRewordsTheView(t *testing.T) {
	s := answerAt(t, 5, questionSteps(t, 5)[0], 0)
	s.Do(ActPlay) // a notice: the question's engine has answered, so it plays
	en := s.View()
	log := s.Recent()
	require.NoError(t, s.SetLang(phrase.PseudoLang))
	xx := s.View()
	assert.Equal(t, phrase.PseudoLang, xx.Lang)
	assert.NotEqual(t, en.Narration.Question.Why, xx.Narration.Question.Why)
	assert.NotEqual(t, en.Title, xx.Title)
	assert.NotEqual(t, en.Hosts[0].Counts(), xx.Hosts[0].Counts())
	assert.NotEqual(t, en.Narration.StepText(), xx.Narration.StepText())
	assert.NotEqual(t, log.Lines[len(log.Lines)-1].Text, s.Recent().Lines[len(log.Lines)-1].Text)
	assert.Equal(t, en.Narration.Question.TruthID, xx.Narration.Question.TruthID)
	require.NoError(t, s.SetLang("en"))
	assert.Equal(t, en.Narration.Question.Why, s.View().Narration.Question.Why, "and back")
}

// A number a language writes with a decimal comma gets one wherever a
// time or a rate is written, and a port never gets a thousands separator.
func TestNumbersInTheLanguage(t *testing.T) {
	b, err := phrase.Parse("zz", []byte(`{"num.decimal": ","}`))
	require.NoError(t, err)
	b = b.Behind(English())
	assert.Equal(t, "1,250 s", FmtDurIn(b, 1250*time.Millisecond))
	assert.Equal(t, "42,0 s", FmtDurIn(b, 42*time.Second))
	assert.Equal(t, "2 min 5 s", FmtDurIn(b, 125*time.Second))
	assert.Equal(t, "470", FmtRateIn(b, 28232.0/60))
	assert.Equal(t, "0,5", FmtRateIn(b, 0.5))
	assert.Equal(t, "0.5", FmtRate(0.5), "English for portsim")
	assert.Equal(t, "1,5 s", FmtSpanIn(b, 1500*time.Millisecond))
	assert.Equal(t, "4 min", FmtSpanIn(b, 4*time.Minute))
}

// The IDs lesson's code builds from a name (a strategy's, a profile's, a
// port class's…) exist in English for every name there is, and the OSes'
// English is the engine's own.
func TestBuiltIDsExist(t *testing.T) {
	en := English()
	var ids []string
	for _, s := range engine.Strategies {
		ids = append(ids, "strategy.how."+s.String(), "strategy.order."+s.String(), "strategy.pick."+s.String())
		if s == engine.Sequential || s == engine.LinuxHint {
			ids = append(ids, "strategy.pick."+s.String()+".first")
		}
	}
	for _, p := range engine.Profiles() {
		assert.Equal(t, p.Title, en.T("os."+p.Name), "os.%s is the engine's title", p.Name)
		if p.ExhaustedErr != nil {
			ids = append(ids, "errno.text."+p.ExhaustedErr.Name)
		}
	}
	ids = append(ids, "errno.text."+engine.ErrAddrNotAvail.Name)
	for _, name := range orderWhy {
		ids = append(ids, "strategy.order.why."+name)
	}
	for _, c := range []engine.Class{engine.ClassSystem, engine.ClassRegistered, engine.ClassDynamic} {
		ids = append(ids, "portmap.class."+c.String())
	}
	for st := engine.PortFree; st <= engine.PortReserved; st++ {
		assert.NotRegexp(t, missingMessage, portStateText(en, st))
	}
	for _, m := range []scenario.Ports{scenario.Serial, scenario.NoEphemeral, scenario.Ephemeral} {
		ids = append(ids, "chart.mode."+m.String())
	}
	for k := range eventKinds {
		ids = append(ids, "events.kind."+k.String())
	}
	for _, name := range SettingNames {
		ids = append(ids, "setting.help."+name)
	}
	for _, w := range choiceWords {
		ids = append(ids, "choice."+w)
	}
	for _, id := range ids {
		assert.True(t, en.Has(id), "en.json lacks %s", id)
	}
}

// lessonPrefixes are the message IDs lesson/ owns (other packages own
// theirs: cli.*, control.*…): an en.json message under one of them that
// no code uses is left over.
var lessonPrefixes = []string{"chart.mode.", "choice.", "conn.", "errno.", "event.", "events.", "export.",
	"fatal.", "host.", "info.", "inspect.", "knob.", "lesson.", "link.", "list.", "narration.", "notice.", "num.",
	"ordinal", "os.", "packet.", "problem.", "quantity.", "setting.", "socket.", "strategy.", "time.",
	"unit.", "verdict.", "view.", "yourpc.", "yours."}

// idLike is a string literal that may be a message ID or its start.
var idLike = regexp.MustCompile(`^[a-z][a-z0-9_-]*(\.[a-zA-Z0-9_-]+)*\.?$`)

// literalIDs are the string literals of the module's non-test Go files
// under dirs that look like message IDs, and (want) those lesson/ passes
// to a T or keeps as a msg's id: a whole ID, or the start of one it
// builds (ending in "." or followed by more).
func literalIDs(t *testing.T, dirs ...string) (all []string, want map[string]bool) {
	want = map[string]bool{}
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		require.NoError(t, err)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			af, err := goparser.ParseFile(token.NewFileSet(), f, nil, 0)
			require.NoError(t, err)
			lit := func(e ast.Expr) (string, bool) {
				for {
					bin, ok := e.(*ast.BinaryExpr)
					if !ok || bin.Op != token.ADD {
						break
					}
					e = bin.X // "strategy.pick." + s.String(): its start
				}
				bl, ok := e.(*ast.BasicLit)
				if !ok || bl.Kind != token.STRING {
					return "", false
				}
				s, err := strconv.Unquote(bl.Value)
				return s, err == nil
			}
			ast.Inspect(af, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.BasicLit:
					if s, ok := lit(x); ok && idLike.MatchString(s) {
						all = append(all, s)
					}
				case *ast.CallExpr:
					if sel, ok := x.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "T" && len(x.Args) > 0 && dir == "." {
						if s, ok := lit(x.Args[0]); ok {
							want[s] = true
						}
					}
				case *ast.KeyValueExpr:
					if k, ok := x.Key.(*ast.Ident); ok && k.Name == "id" && dir == "." {
						if s, ok := lit(x.Value); ok {
							want[s] = true
						}
					}
				}
				return true
			})
		}
	}
	return all, want
}

// covers says whether literal l names id or starts it at a dot.
func covers(l, id string) bool {
	return l == id || strings.HasPrefix(id, l) && (strings.HasSuffix(l, ".") || id[len(l)] == '.')
}

// Every message ID lesson/'s code uses is in en.json, and every en.json
// message under lesson/'s prefixes is used by some code of the module.
func TestMessagesUsedAreInEnglishAndBack(t *testing.T) {
	en := English()
	ids := phrase.IDs(en)
	all, want := literalIDs(t, ".", "phrase", "../game", "../cmd/portsim", "../cmd/portplay", "../class")
	require.Contains(t, want, "narration.step", "the scan finds T's IDs")
	require.Contains(t, want, "notice.answer-first", "and msgs' IDs")
	for id := range want {
		assert.True(t, slices.ContainsFunc(ids, func(k string) bool { return covers(id, k) }), "lesson/ uses %q; en.json has no such message", id)
	}
	for _, id := range ids {
		if !slices.ContainsFunc(lessonPrefixes, func(p string) bool { return strings.HasPrefix(id, p) }) {
			continue
		}
		assert.True(t, slices.ContainsFunc(all, func(l string) bool { return covers(l, id) }), "en.json's %s: no code uses it", id)
	}
}

// A box's connection names, made without garbage, read as the phrasebook
// words them, in every language.
func TestConnectionNamesAreThePhrasebooks(t *testing.T) {
	for _, lang := range append(LanguageCodes(), phrase.PseudoLang) {
		b, err := Phrases(lang)
		require.NoError(t, err)
		for n := 1; n <= 125; n++ {
			c := connName{"alice", n, false}
			assert.Equal(t, b.T("conn.own", "nth", ordinal(b, n)), c.on(b, "alice"), "%s %d", lang, n)
			assert.Equal(t, b.T("conn.other", "client", "alice", "nth", ordinal(b, n)), c.on(b, "web"), "%s %d", lang, n)
		}
	}
}
