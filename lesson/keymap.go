package lesson

import (
	"slices"
	"strings"

	"github.com/portplay/portplay/lesson/phrase"
)

// Action is something a key, a click, a tap or a typed letter asks the
// session (or the front end) to do: a kind, and for the kinds that need
// one an argument. Every front end maps its input to these through the
// keymap. The zero Action does nothing.
type Action struct {
	Kind ActionKind
	// Arg is the choice for KindAnswer (0: A), the lesson's number for
	// KindOpen; 0 for every other kind.
	Arg int
}

// ActionKind is what an action does.
type ActionKind uint8

const (
	KindNone ActionKind = iota
	KindPlay
	KindStepForward
	KindStepBack
	KindFaster
	KindSlower
	KindRestart
	KindFullscreen // carried out by the front end; listed so it has a control
	KindHelp
	KindEscape
	KindProfile
	KindFocus
	KindKnobNext // the next sandbox knob
	KindKnobUp
	KindKnobDown
	KindNextStep
	KindPrevStep
	KindPresenter
	KindResetProgress
	// KindCopyLink: a link to this moment (ShareLink), carried out by the
	// front end, which has the page's address and the clipboard.
	KindCopyLink
	// The event list: open or close it (E), cycle its host and kind
	// filters, move its cursor, seek to the event under the cursor.
	KindEvents
	KindEventHost
	KindEventKind
	KindEventUp
	KindEventDown
	KindEventSeek
	// The timeline: to the start, to the end, a hundredth of the run
	// back or forward.
	KindTimeStart
	KindTimeEnd
	KindTimeBack
	KindTimeForward
	// Saving, carried out by the front end (a download, or a file): the
	// run's capture, the event list, a picture of the view.
	KindSavePcap
	KindSaveCSV
	KindSaveJSON
	KindSavePNG
	KindInspect // pin the focused host's next port in use: the port map's inspector from the keyboard
	// KindClass: start a class session, or show or hide its panel (V);
	// the panel's own buttons: show the votes, vote again, reveal the
	// answer, save the summary. Carried out by the front end, which has
	// the page's server.
	KindClass
	KindClassVotes
	KindClassAgain
	KindClassReveal
	KindClassSummary
	// Carried out by the front end: the event log's panel (L), the
	// presenter's notes (N), the browser's text view (T).
	KindLog
	KindNotes
	KindTextView
	// KindLanguage: speak the next language (Languages).
	KindLanguage
	KindAnswer // Arg: the choice, from 0 (A)
	KindOpen   // Arg: the lesson's number
)

// The actions that take no argument.
var (
	ActNone          = Action{}
	ActPlay          = Action{Kind: KindPlay}
	ActStepForward   = Action{Kind: KindStepForward}
	ActStepBack      = Action{Kind: KindStepBack}
	ActFaster        = Action{Kind: KindFaster}
	ActSlower        = Action{Kind: KindSlower}
	ActRestart       = Action{Kind: KindRestart}
	ActFullscreen    = Action{Kind: KindFullscreen}
	ActHelp          = Action{Kind: KindHelp}
	ActEscape        = Action{Kind: KindEscape}
	ActProfile       = Action{Kind: KindProfile}
	ActFocus         = Action{Kind: KindFocus}
	ActKnobNext      = Action{Kind: KindKnobNext}
	ActKnobUp        = Action{Kind: KindKnobUp}
	ActKnobDown      = Action{Kind: KindKnobDown}
	ActNextStep      = Action{Kind: KindNextStep}
	ActPrevStep      = Action{Kind: KindPrevStep}
	ActPresenter     = Action{Kind: KindPresenter}
	ActResetProgress = Action{Kind: KindResetProgress}
	ActCopyLink      = Action{Kind: KindCopyLink}
	ActEvents        = Action{Kind: KindEvents}
	ActEventHost     = Action{Kind: KindEventHost}
	ActEventKind     = Action{Kind: KindEventKind}
	ActEventUp       = Action{Kind: KindEventUp}
	ActEventDown     = Action{Kind: KindEventDown}
	ActEventSeek     = Action{Kind: KindEventSeek}
	ActTimeStart     = Action{Kind: KindTimeStart}
	ActTimeEnd       = Action{Kind: KindTimeEnd}
	ActTimeBack      = Action{Kind: KindTimeBack}
	ActTimeForward   = Action{Kind: KindTimeForward}
	ActSavePcap      = Action{Kind: KindSavePcap}
	ActSaveCSV       = Action{Kind: KindSaveCSV}
	ActSaveJSON      = Action{Kind: KindSaveJSON}
	ActSavePNG       = Action{Kind: KindSavePNG}
	ActInspect       = Action{Kind: KindInspect}
	ActClass         = Action{Kind: KindClass}
	ActClassVotes    = Action{Kind: KindClassVotes}
	ActClassAgain    = Action{Kind: KindClassAgain}
	ActClassReveal   = Action{Kind: KindClassReveal}
	ActClassSummary  = Action{Kind: KindClassSummary}
	ActLog           = Action{Kind: KindLog}
	ActNotes         = Action{Kind: KindNotes}
	ActTextView      = Action{Kind: KindTextView}
	ActLanguage      = Action{Kind: KindLanguage}
)

// ActAnswer answers the current question with choice k (0: A).
func ActAnswer(k int) Action { return Action{Kind: KindAnswer, Arg: k} }

// ActOpen opens lesson n (CustomLesson: the learner's own scenario).
func ActOpen(n int) Action { return Action{Kind: KindOpen, Arg: n} }

// Scope is where a binding's keys work.
type Scope uint8

const (
	// Anywhere: the app's keys.
	Anywhere Scope = iota
	// InClassPanel: only while the class session's panel is shown.
	InClassPanel
	// InEventList: while the event list is open, these keys are its, before
	// the app's.
	InEventList
	// InTimeline: while the timeline has the keyboard (it was clicked).
	InTimeline
)

// Binding is one line of the keymap: the keys that do an action, and how
// every front end names them. The keymap is the only place a key is
// written: the Ebiten app reads which keys to watch from it, the buttons
// and the help show the glyph it gives, the page's text mirror its
// aria-keyshortcuts, and prose fills a key's name in from it (Session.Key).
type Binding struct {
	// Keys are the keys that do the action, by Ebiten's names for them
	// (ebiten.Key's text: the US layout's physical keys, as KeyboardEvent
	// codes name them less a "Key" prefix); the first is the one shown.
	Keys   []string
	Action Action
	Scope  Scope
	// Label is the message ID of the action's button, "" where it has
	// none of its own (the keys of knobs, answers and lessons, whose
	// buttons are labelled by what they choose).
	Label string
	// Help is the message ID of the help's line about this key; bindings
	// that share one share a line, their glyphs listed in keymap order.
	Help string
}

// Keymap is every key binding. Keys are physical (US layout): + is the
// = key with or without Shift, ? the / key.
var Keymap = append([]Binding{
	{Keys: []string{"Space"}, Action: ActPlay, Label: "control.play", Help: "help.play"},
	{Keys: []string{"ArrowRight"}, Action: ActStepForward, Label: "control.step", Help: "help.step"},
	{Keys: []string{"ArrowLeft"}, Action: ActStepBack, Label: "control.back", Help: "help.step"},
	{Keys: []string{"Equal", "NumpadAdd"}, Action: ActFaster, Label: "control.faster", Help: "help.speed"},
	{Keys: []string{"Minus", "NumpadSubtract"}, Action: ActSlower, Label: "control.slower", Help: "help.speed"},
	{Keys: []string{"R"}, Action: ActRestart, Label: "control.restart", Help: "help.restart"},
}, append(lessonKeys(), []Binding{
	{Keys: []string{"P"}, Action: ActProfile, Label: "control.profile", Help: "help.profile"},
	{Keys: []string{"H"}, Action: ActFocus, Label: "control.focus", Help: "help.focus"},
	{Keys: []string{"I"}, Action: ActInspect, Label: "control.inspect", Help: "help.inspect"},
	{Keys: []string{"Tab"}, Action: ActKnobNext, Help: "help.knobs"},
	{Keys: []string{"ArrowUp"}, Action: ActKnobUp, Help: "help.knobs"},
	{Keys: []string{"ArrowDown"}, Action: ActKnobDown, Help: "help.knobs"},
	{Keys: []string{"PageDown", "Enter", "NumpadEnter"}, Action: ActNextStep, Label: "control.next", Help: "help.steps"},
	{Keys: []string{"PageUp"}, Action: ActPrevStep, Label: "control.prev", Help: "help.steps"},
	{Keys: []string{"A"}, Action: ActAnswer(0), Help: "help.answer"},
	{Keys: []string{"B"}, Action: ActAnswer(1), Help: "help.answer"},
	{Keys: []string{"C"}, Action: ActAnswer(2), Help: "help.answer"},
	{Keys: []string{"M"}, Action: ActPresenter, Label: "control.present", Help: "help.present"},
	{Keys: []string{"N"}, Action: ActNotes, Label: "control.notes", Help: "help.notes"},
	{Keys: []string{"E"}, Action: ActEvents, Label: "control.events", Help: "help.events"},
	{Keys: []string{"ArrowUp"}, Action: ActEventUp, Scope: InEventList},
	{Keys: []string{"ArrowDown"}, Action: ActEventDown, Scope: InEventList},
	{Keys: []string{"Enter", "NumpadEnter"}, Action: ActEventSeek, Scope: InEventList},
	{Keys: []string{"K"}, Action: ActCopyLink, Label: "control.link", Help: "help.link"},
	{Keys: []string{"V"}, Action: ActClass, Label: "control.class", Help: "help.class"},
	{Keys: []string{"D"}, Action: ActClassVotes, Scope: InClassPanel, Label: "control.class-votes"},
	{Keys: []string{"G"}, Action: ActClassAgain, Scope: InClassPanel, Label: "control.class-again"},
	{Keys: []string{"S"}, Action: ActClassReveal, Scope: InClassPanel, Label: "control.class-reveal"},
	{Keys: []string{"U"}, Action: ActClassSummary, Scope: InClassPanel, Label: "control.class-summary"},
	{Keys: []string{"ArrowLeft"}, Action: ActTimeBack, Scope: InTimeline},
	{Keys: []string{"ArrowRight"}, Action: ActTimeForward, Scope: InTimeline},
	{Keys: []string{"Home"}, Action: ActTimeStart, Help: "help.time"},
	{Keys: []string{"End"}, Action: ActTimeEnd, Help: "help.time"},
	{Keys: []string{"W"}, Action: ActLanguage, Help: "help.language"},
	{Keys: []string{"F"}, Action: ActFullscreen, Label: "control.fullscreen", Help: "help.fullscreen"},
	{Keys: []string{"L"}, Action: ActLog, Help: "help.log"},
	{Keys: []string{"T"}, Action: ActTextView, Label: "control.text-view", Help: "help.log"},
	{Keys: []string{"Slash", "F1"}, Action: ActHelp, Label: "control.help", Help: "help.help"},
	{Keys: []string{"Escape"}, Action: ActEscape, Label: "control.skip", Help: "help.help"},
}...)...)

// lessonKeys: the digits open the lessons (the session ignores a digit
// with no lesson).
func lessonKeys() []Binding {
	var out []Binding
	for n := 1; n <= maxLessons; n++ {
		d := string(rune('0' + n))
		out = append(out, Binding{Keys: []string{"Digit" + d, "Numpad" + d}, Action: ActOpen(n), Help: "help.lessons"})
	}
	return out
}

// keyFaces are how a key is shown and how aria-keyshortcuts names it (a
// KeyboardEvent key value), where either differs from its Ebiten name:
// letters are shown and named as they are; a named key's glyph is a
// message (key.NAME), as a keyboard in that language labels it.
var keyFaces = map[string]struct{ glyph, aria string }{
	"Space":      {"", "Space"},
	"ArrowRight": {"→", "ArrowRight"},
	"ArrowLeft":  {"←", "ArrowLeft"},
	"ArrowUp":    {"↑", "ArrowUp"},
	"ArrowDown":  {"↓", "ArrowDown"},
	"Equal":      {"+", "+"},
	"Minus":      {"−", "-"},
	"Slash":      {"?", "?"},
	"Tab":        {"", "Tab"},
	"PageDown":   {"", "PageDown"},
	"PageUp":     {"", "PageUp"},
	"Enter":      {"", "Enter"},
	"Escape":     {"", "Escape"},
	"Home":       {"", "Home"},
	"End":        {"", "End"},
}

// keyGlyph is key as a button or the help shows it, in b's language.
func keyGlyph(b *phrase.Book, key string) string {
	f, ok := keyFaces[key]
	switch {
	case !ok:
		return strings.TrimPrefix(key, "Digit")
	case f.glyph == "":
		return b.T("key." + strings.ToLower(key))
	}
	return f.glyph
}

// keyARIA is key as aria-keyshortcuts names it.
func keyARIA(key string) string {
	if f, ok := keyFaces[key]; ok {
		return f.aria
	}
	return strings.TrimPrefix(key, "Digit")
}

// Binding finds a's binding in scope; false if no key does a there.
func BindingOf(a Action) (Binding, bool) {
	i := slices.IndexFunc(Keymap, func(b Binding) bool { return b.Action == a })
	if i < 0 {
		return Binding{}, false
	}
	return Keymap[i], true
}

// Glyph is the binding's key as a button shows it, in b's language.
func (k Binding) Glyph(b *phrase.Book) string { return keyGlyph(b, k.Keys[0]) }

// Shortcut is the binding's keys as aria-keyshortcuts names them, the
// shown one first: "PageDown Enter".
func (k Binding) Shortcut() string {
	var out []string
	for _, key := range k.Keys {
		if a := keyARIA(key); !strings.HasPrefix(a, "Numpad") && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return strings.Join(out, " ")
}

// Key is action a's key as the session's language shows it ("Esc",
// "A"); "" if no key does it. Prose that names a key fills it in from
// here.
func (s *Session) Key(a Action) string {
	if k, ok := BindingOf(a); ok {
		return k.Glyph(s.book())
	}
	return ""
}

// Control is a's button: its label from the keymap (the session's
// language), its key's glyph and aria-keyshortcuts. The view's buttons
// are made so; a front end makes its own panels' (the class session's)
// with it.
func (s *Session) Control(a Action) Control {
	k, _ := BindingOf(a)
	c := Control{Action: a}
	if k.Label != "" {
		c.Label = s.T(k.Label)
	}
	if len(k.Keys) > 0 {
		c.Key, c.Shortcut = k.Glyph(s.book()), k.Shortcut()
	}
	return c
}

// helpLines are the keys, as the help lists them: each help line of the
// keymap once, with the glyphs of every binding that shares it.
func (s *Session) helpLines() [][2]string {
	var ids []string
	keys := map[string][]string{}
	for _, k := range Keymap {
		if k.Help == "" {
			continue
		}
		if k.Action.Kind == KindOpen && k.Action.Arg > len(s.cat.Lessons) {
			continue // a digit with no lesson
		}
		if !slices.Contains(ids, k.Help) {
			ids = append(ids, k.Help)
		}
		keys[k.Help] = append(keys[k.Help], k.Glyph(s.book()))
	}
	var out [][2]string
	for _, id := range ids {
		ks := keys[id]
		key := strings.Join(ks, "  ")
		switch id {
		case "help.lessons": // 1 … 7
			key = ks[0] + " … " + ks[len(ks)-1]
		case "help.knobs": // Tab  ↑ ↓
			key = ks[0] + "  " + strings.Join(ks[1:], " ")
		}
		out = append(out, [2]string{key, s.T(id, "lessons", s.cat.Switching(), "up", s.Key(ActEventUp), "down", s.Key(ActEventDown),
			"enter", s.Key(ActEventSeek), "skip", s.T("control.skip"))})
	}
	return append(out, [2]string{s.T("help.unverified-term"), s.T("help.unverified")})
}

// A lesson's text names a key as {key.NAME}, NAME its button's label
// (control.NAME): "{key.profile} switches the clients' OS".
func init() {
	for _, k := range Keymap {
		if name, ok := strings.CutPrefix(k.Label, "control."); ok && k.Scope == Anywhere {
			quantities["key."+name] = func(r *Run) string { return k.Glyph(r.book) }
		}
	}
}

// Hints are the short lines that tell the learner what a key (or a click)
// does where they are, in their language, each key's name from the
// keymap.
type Hints struct {
	Ask         string // under an open question, on the canvas
	AskText     string // the same in the text mirror, where nothing is clicked
	GoOn        string // after the verdict
	NextLesson  string // at a lesson's end, naming its Narration.Next
	Ended       string // the clock's state at the run's end
	Presenter   string // beside the step in presenter mode
	Dismiss     string // under a message
	Inspect     string // the port inspector with no port, on the canvas
	InspectText string // the same in the text mirror
	Log         string // the event log panel's title
	Notes       string // the presenter's notes panel's title
	ClassEnded  string // the class session's panel when its room is gone
}

// hints are the hints; next is the lesson that comes next (Narration.Next).
func (s *Session) hints(next string) Hints {
	k := s.Key
	ans := []any{"a", k(ActAnswer(0)), "b", k(ActAnswer(1)), "c", k(ActAnswer(2)), "esc", k(ActEscape), "skip", s.T("control.skip"), "next", k(ActNextStep)}
	h := Hints{
		Ask:         s.T("hint.ask", ans...),
		AskText:     s.T("hint.ask-text", ans...),
		GoOn:        s.T("hint.go-on", "key", k(ActNextStep)),
		Ended:       s.T("hint.ended", "play", k(ActPlay), "restart", k(ActRestart)),
		Presenter:   s.T("hint.presenter", "key", k(ActPresenter)),
		Dismiss:     s.T("hint.dismiss", "key", k(ActEscape)),
		Inspect:     s.T("hint.inspect", "key", k(ActInspect)),
		InspectText: s.T("hint.inspect-text", "key", k(ActInspect)),
		Log:         s.T("hint.log", "key", k(ActLog)),
		Notes:       s.T("hint.notes", "key", k(ActNotes)),
		ClassEnded:  s.T("hint.class-ended", "key", k(ActClass)),
	}
	if next != "" {
		h.NextLesson = s.T("hint.next-lesson", "key", k(ActNextStep), "lesson", next)
	}
	return h
}

// keyIn is a's key as a msg's value: its glyph in the language the
// message is shown in.
func keyIn(a Action) func(*phrase.Book) string {
	return func(b *phrase.Book) string {
		if k, ok := BindingOf(a); ok {
			return k.Glyph(b)
		}
		return ""
	}
}
