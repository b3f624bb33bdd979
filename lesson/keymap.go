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
	// KindYourPC: show or hide the "Your computer" panel, observing
	// this computer as it opens (yourpc.go); KindYourPCSave: save its
	// report, carried out by the front end, which has the files.
	KindYourPC
	KindYourPCSave
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
	ActYourPC        = Action{Kind: KindYourPC}
	ActYourPCSave    = Action{Kind: KindYourPCSave}
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
	// InYourPC: while the "Your computer" panel is shown.
	InYourPC
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
// = key with or without Shift, ? the / key; the digits open the lessons
// (up to maxLessons; the session ignores a digit with no lesson). Written
// out whole, its actions as literals, so that it is data the linker lays
// out rather than code run at start.
var Keymap = []Binding{
	{Keys: []string{"Space"}, Action: Action{Kind: KindPlay}, Label: "control.play", Help: "help.play"},
	{Keys: []string{"ArrowRight"}, Action: Action{Kind: KindStepForward}, Label: "control.step", Help: "help.step"},
	{Keys: []string{"ArrowLeft"}, Action: Action{Kind: KindStepBack}, Label: "control.back", Help: "help.step"},
	{Keys: []string{"Equal", "NumpadAdd"}, Action: Action{Kind: KindFaster}, Label: "control.faster", Help: "help.speed"},
	{Keys: []string{"Minus", "NumpadSubtract"}, Action: Action{Kind: KindSlower}, Label: "control.slower", Help: "help.speed"},
	{Keys: []string{"R"}, Action: Action{Kind: KindRestart}, Label: "control.restart", Help: "help.restart"},
	{Keys: []string{"Digit1", "Numpad1"}, Action: Action{Kind: KindOpen, Arg: 1}, Help: "help.lessons"},
	{Keys: []string{"Digit2", "Numpad2"}, Action: Action{Kind: KindOpen, Arg: 2}, Help: "help.lessons"},
	{Keys: []string{"Digit3", "Numpad3"}, Action: Action{Kind: KindOpen, Arg: 3}, Help: "help.lessons"},
	{Keys: []string{"Digit4", "Numpad4"}, Action: Action{Kind: KindOpen, Arg: 4}, Help: "help.lessons"},
	{Keys: []string{"Digit5", "Numpad5"}, Action: Action{Kind: KindOpen, Arg: 5}, Help: "help.lessons"},
	{Keys: []string{"Digit6", "Numpad6"}, Action: Action{Kind: KindOpen, Arg: 6}, Help: "help.lessons"},
	{Keys: []string{"Digit7", "Numpad7"}, Action: Action{Kind: KindOpen, Arg: 7}, Help: "help.lessons"},
	{Keys: []string{"Digit8", "Numpad8"}, Action: Action{Kind: KindOpen, Arg: 8}, Help: "help.lessons"},
	{Keys: []string{"Digit9", "Numpad9"}, Action: Action{Kind: KindOpen, Arg: 9}, Help: "help.lessons"},
	{Keys: []string{"P"}, Action: Action{Kind: KindProfile}, Label: "control.profile", Help: "help.profile"},
	{Keys: []string{"H"}, Action: Action{Kind: KindFocus}, Label: "control.focus", Help: "help.focus"},
	{Keys: []string{"I"}, Action: Action{Kind: KindInspect}, Label: "control.inspect", Help: "help.inspect"},
	{Keys: []string{"Tab"}, Action: Action{Kind: KindKnobNext}, Help: "help.knobs"},
	{Keys: []string{"ArrowUp"}, Action: Action{Kind: KindKnobUp}, Help: "help.knobs"},
	{Keys: []string{"ArrowDown"}, Action: Action{Kind: KindKnobDown}, Help: "help.knobs"},
	{Keys: []string{"PageDown", "Enter", "NumpadEnter"}, Action: Action{Kind: KindNextStep}, Label: "control.next", Help: "help.steps"},
	{Keys: []string{"PageUp"}, Action: Action{Kind: KindPrevStep}, Label: "control.prev", Help: "help.steps"},
	{Keys: []string{"A"}, Action: Action{Kind: KindAnswer, Arg: 0}, Help: "help.answer"},
	{Keys: []string{"B"}, Action: Action{Kind: KindAnswer, Arg: 1}, Help: "help.answer"},
	{Keys: []string{"C"}, Action: Action{Kind: KindAnswer, Arg: 2}, Help: "help.answer"},
	{Keys: []string{"M"}, Action: Action{Kind: KindPresenter}, Label: "control.present", Help: "help.present"},
	{Keys: []string{"N"}, Action: Action{Kind: KindNotes}, Label: "control.notes", Help: "help.notes"},
	{Keys: []string{"E"}, Action: Action{Kind: KindEvents}, Label: "control.events", Help: "help.events"},
	{Keys: []string{"ArrowUp"}, Action: Action{Kind: KindEventUp}, Scope: InEventList},
	{Keys: []string{"ArrowDown"}, Action: Action{Kind: KindEventDown}, Scope: InEventList},
	{Keys: []string{"Enter", "NumpadEnter"}, Action: Action{Kind: KindEventSeek}, Scope: InEventList},
	{Keys: []string{"K"}, Action: Action{Kind: KindCopyLink}, Label: "control.link", Help: "help.link"},
	{Keys: []string{"V"}, Action: Action{Kind: KindClass}, Label: "control.class", Help: "help.class"},
	{Keys: []string{"Y"}, Action: Action{Kind: KindYourPC}, Label: "control.yourpc", Help: "help.yourpc"},
	{Keys: []string{"S"}, Action: Action{Kind: KindYourPCSave}, Scope: InYourPC, Label: "control.yourpc-save"},
	{Keys: []string{"D"}, Action: Action{Kind: KindClassVotes}, Scope: InClassPanel, Label: "control.class-votes"},
	{Keys: []string{"G"}, Action: Action{Kind: KindClassAgain}, Scope: InClassPanel, Label: "control.class-again"},
	{Keys: []string{"S"}, Action: Action{Kind: KindClassReveal}, Scope: InClassPanel, Label: "control.class-reveal"},
	{Keys: []string{"U"}, Action: Action{Kind: KindClassSummary}, Scope: InClassPanel, Label: "control.class-summary"},
	{Keys: []string{"ArrowLeft"}, Action: Action{Kind: KindTimeBack}, Scope: InTimeline},
	{Keys: []string{"ArrowRight"}, Action: Action{Kind: KindTimeForward}, Scope: InTimeline},
	{Keys: []string{"Home"}, Action: Action{Kind: KindTimeStart}, Help: "help.time"},
	{Keys: []string{"End"}, Action: Action{Kind: KindTimeEnd}, Help: "help.time"},
	{Keys: []string{"W"}, Action: Action{Kind: KindLanguage}, Help: "help.language"},
	{Keys: []string{"F"}, Action: Action{Kind: KindFullscreen}, Label: "control.fullscreen", Help: "help.fullscreen"},
	{Keys: []string{"L"}, Action: Action{Kind: KindLog}, Help: "help.log"},
	{Keys: []string{"T"}, Action: Action{Kind: KindTextView}, Label: "control.text-view", Help: "help.log"},
	{Keys: []string{"Slash", "F1"}, Action: Action{Kind: KindHelp}, Label: "control.help", Help: "help.help"},
	{Keys: []string{"Escape"}, Action: Action{Kind: KindEscape}, Label: "control.skip", Help: "help.help"},
}

// keyFaces are how a key is shown and how aria-keyshortcuts names it (a
// KeyboardEvent key value), where either differs from its Ebiten name:
// letters are shown and named as they are; a named key's glyph is a
// message (key.NAME), as a keyboard in that language labels it.
var keyFaces = [...]struct{ key, glyph, aria string }{
	{"Space", "", "Space"},
	{"ArrowRight", "→", "ArrowRight"},
	{"ArrowLeft", "←", "ArrowLeft"},
	{"ArrowUp", "↑", "ArrowUp"},
	{"ArrowDown", "↓", "ArrowDown"},
	{"Equal", "+", "+"},
	{"Minus", "−", "-"},
	{"Slash", "?", "?"},
	{"Tab", "", "Tab"},
	{"PageDown", "", "PageDown"},
	{"PageUp", "", "PageUp"},
	{"Enter", "", "Enter"},
	{"Escape", "", "Escape"},
	{"Home", "", "Home"},
	{"End", "", "End"},
}

// keyFace finds key in keyFaces.
func keyFace(key string) (glyph, aria string, ok bool) {
	for _, f := range keyFaces {
		if f.key == key {
			return f.glyph, f.aria, true
		}
	}
	return "", "", false
}

// keyGlyph is key as a button or the help shows it, in b's language.
func keyGlyph(b *phrase.Book, key string) string {
	glyph, _, ok := keyFace(key)
	switch {
	case !ok:
		return strings.TrimPrefix(key, "Digit")
	case glyph == "":
		return b.T("key." + strings.ToLower(key))
	}
	return glyph
}

// keyARIA is key as aria-keyshortcuts names it.
func keyARIA(key string) string {
	if _, aria, ok := keyFace(key); ok {
		return aria
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
		out = append(out, [2]string{key, s.T(id, "lessons", s.cat.Switching(), "pclessons", s.cat.YourComputer(), "up", s.Key(ActEventUp), "down", s.Key(ActEventDown),
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
	Ask          string // under an open question, on the canvas
	AskText      string // the same in the text mirror, where nothing is clicked
	GoOn         string // after the verdict
	NextLesson   string // at a lesson's end, naming its Narration.Next
	Ended        string // the clock's state at the run's end
	Presenter    string // beside the step in presenter mode
	Dismiss      string // under a message
	Inspect      string // the port inspector with no port, on the canvas
	InspectShort string // Inspect's shorter form, where it has no room
	InspectText  string // the same in the text mirror
	Log          string // the event log panel's title
	Notes        string // the presenter's notes panel's title
	ClassEnded   string // the class session's panel when its room is gone
}

// hintKeys are each hint's message and the keys it names, by {name}
// (every hint may also name the Skip question button, {skip}).
var hintKeys = [...]struct {
	field func(*Hints) *string
	id    string
	keys  []hintKey
}{
	{func(h *Hints) *string { return &h.Ask }, "hint.ask", answerKeys},
	{func(h *Hints) *string { return &h.AskText }, "hint.ask-text", answerKeys},
	{func(h *Hints) *string { return &h.GoOn }, "hint.go-on", []hintKey{{"key", Action{Kind: KindNextStep}}}},
	{func(h *Hints) *string { return &h.Ended }, "hint.ended", []hintKey{{"play", Action{Kind: KindPlay}}, {"restart", Action{Kind: KindRestart}}}},
	{func(h *Hints) *string { return &h.Presenter }, "hint.presenter", []hintKey{{"key", Action{Kind: KindPresenter}}}},
	{func(h *Hints) *string { return &h.Dismiss }, "hint.dismiss", []hintKey{{"key", Action{Kind: KindEscape}}}},
	{func(h *Hints) *string { return &h.Inspect }, "hint.inspect", []hintKey{{"key", Action{Kind: KindInspect}}}},
	{func(h *Hints) *string { return &h.InspectShort }, "hint.inspect-short", []hintKey{{"key", Action{Kind: KindInspect}}}},
	{func(h *Hints) *string { return &h.InspectText }, "hint.inspect-text", []hintKey{{"key", Action{Kind: KindInspect}}}},
	{func(h *Hints) *string { return &h.Log }, "hint.log", []hintKey{{"key", Action{Kind: KindLog}}}},
	{func(h *Hints) *string { return &h.Notes }, "hint.notes", []hintKey{{"key", Action{Kind: KindNotes}}}},
	{func(h *Hints) *string { return &h.ClassEnded }, "hint.class-ended", []hintKey{{"key", Action{Kind: KindClass}}}},
}

// hintKey is a key a hint names: {name}, the key of action.
type hintKey struct {
	name   string
	action Action
}

// answerKeys are what a question's hints name.
var answerKeys = []hintKey{{"a", Action{Kind: KindAnswer}}, {"b", Action{Kind: KindAnswer, Arg: 1}}, {"c", Action{Kind: KindAnswer, Arg: 2}},
	{"esc", Action{Kind: KindEscape}}, {"next", Action{Kind: KindNextStep}}}

// hints are the hints; next is the lesson that comes next (Narration.Next).
func (s *Session) hints(next string) Hints {
	var h Hints
	args := []any{"skip", s.T("control.skip")}
	for _, hk := range hintKeys {
		args = args[:2]
		for _, k := range hk.keys {
			args = append(args, k.name, s.Key(k.action))
		}
		*hk.field(&h) = s.T(hk.id, args...)
	}
	if next != "" {
		h.NextLesson = s.T("hint.next-lesson", "key", s.Key(ActNextStep), "lesson", next)
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
