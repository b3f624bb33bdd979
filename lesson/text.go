package lesson

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/sim"
	"github.com/portplay/portplay/lesson/phrase"
)

// Text is a narration template: prose with {names} of quantities that the
// run fills in (the range a client got, its TIME_WAIT, the capacity…), so
// that no number the engine computes is ever typed into a lesson.
type Text struct {
	Pos Pos
	// ID is the text's message ID in the phrasebook (lesson.N.STEP.say);
	// "" for a text with no translation (a learner's own scenario's).
	ID    string
	Src   string
	parts []part
	// answer: the text is a verdict's reason and may name the answer's
	// quantities too.
	answer bool
}

// part is a piece of literal text, or a quantity's name.
type part struct {
	lit  string
	name string
}

// quantities are the names a text may use, and how each is read from a
// run. Every number they give comes from the engine's profiles (whose
// numbers come from facts/ports.md) or from the run itself.
var quantities = map[string]func(r *Run) string{
	"client":            func(r *Run) string { return r.firstClient().Name },
	"client.profile":    func(r *Run) string { return r.firstClient().Profile.Name },
	"client.range":      func(r *Run) string { return r.firstClient().Profile.Ephemeral.String() },
	"client.range.size": func(r *Run) string { return fmt.Sprint(r.firstClient().Profile.Ephemeral.Size()) },
	"client.timewait":   func(r *Run) string { return timeWait(r.firstClient().Profile) },
	"client.os":         func(r *Run) string { return r.firstClient().Profile.Title },
	"client.capacity": func(r *Run) string {
		return FmtRate(engine.Capacity(r.firstClient().Profile.Ephemeral, r.firstClient().Profile.TimeWait))
	},
	"client.strategy": func(r *Run) string { return strategyText(r.firstClient().Profile.Connect) },
	// How many of the client's ephemeral ports lie in IANA's registered
	// class: an OS's ephemeral range need not be IANA's dynamic (also
	// called ephemeral) class; Linux's is mostly registered ports
	// (facts/ports.md §1 [R6335], §2 [DOC]).
	"client.range.registered": func(r *Run) string { return fmt.Sprint(registeredIn(r.firstClient().Profile.Ephemeral)) },
	// The client's range against IANA's dynamic class (RFC 6335 §6: "the
	// Dynamic Ports, also known as the Private or Ephemeral Ports").
	"client.range.class": func(r *Run) string {
		rg := r.firstClient().Profile.Ephemeral
		if n := registeredIn(rg); n > 0 {
			return fmt.Sprintf("is not IANA's dynamic class %s, which RFC 6335 also calls ephemeral: %d of its %d ports are registered ports",
				engine.DynamicPorts, n, rg.Size())
		}
		return fmt.Sprintf("lies in IANA's dynamic class %s, which RFC 6335 also calls ephemeral", engine.DynamicPorts)
	},
	// The error a used-up range gives, in words, for the learner who meets
	// its name as a choice: Winsock's own (KB 196271; engine.ErrNoBufs) or
	// the Unix errno's strerror (facts/ports.md §2 [MAN]).
	"client.exhausted.meaning": func(r *Run) string {
		e := engine.ErrAddrNotAvail
		if x := r.firstClient().Profile.ExhaustedErr; x != nil {
			e = x
		}
		text, _, _ := strings.Cut(e.Text, " (")
		if e.Name != engine.ErrAddrNotAvail.Name {
			return fmt.Sprintf("(%s: Winsock's %q.)", e.Name, strings.ToLower(text))
		}
		return fmt.Sprintf("(%s: %q.)", e.Name, strings.ToLower(text))
	},
	// Whether the next port can be reasoned out from the ports seen, by
	// the client's strategy: a random pick can only be guessed.
	"client.guess": func(r *Run) string {
		switch r.firstClient().Profile.Connect {
		case engine.RandomStart, engine.RandomPick:
			return "(This OS picks at random: any answer is a guess.)"
		}
		return "(Reason from the ports so far.)"
	},
	// The clients' OSes as the scene has them: each its own, or one for
	// all once P switched them.
	"clients.mix": func(r *Run) string {
		cs := r.clients()
		if titles := distinct(cs, func(p engine.Profile) string { return p.Title }); len(titles) > 1 {
			return "each picking ports from its own OS's range its own way"
		}
		return "all on " + cs[0].Profile.Title + " as P switched them, picking ports from its range the same way"
	},
	// Whether a port in TIME_WAIT can meanwhile serve other destinations,
	// per client, from its profile (engine.Profile.ShareAcrossDestinations:
	// facts/ports.md fact 3; an exclusive autobind elsewhere).
	"clients.sharing": func(r *Run) string {
		var shared, held []string
		for _, h := range r.clients() {
			if h.Profile.ShareAcrossDestinations {
				shared = append(shared, h.Name)
			} else {
				held = append(held, h.Name)
			}
		}
		var parts []string
		if len(shared) > 0 {
			parts = append(parts, fmt.Sprintf("%s can meanwhile use the same port toward other destinations", orList(shared)))
		}
		if len(held) > 0 {
			parts = append(parts, fmt.Sprintf("%s cannot give that port to any other connection until it is free", orList(held)))
		}
		return strings.Join(parts, "; ")
	},
	// The client OS's own range and TIME_WAIT, before the scenario shrank
	// them for the demo.
	"client.os.range":    func(r *Run) string { return osDefault(r).Ephemeral.String() },
	"client.os.timewait": func(r *Run) string { return timeWait(osDefault(r)) },
	"server.privileged": func(r *Run) string {
		if s := r.servers(); len(s) > 0 {
			return fmt.Sprint(s[0].Profile.PrivilegedBelow)
		}
		return fmt.Sprint(r.firstClient().Profile.PrivilegedBelow)
	},
	"server":  func(r *Run) string { return r.firstServer() },
	"servers": func(r *Run) string { return fmt.Sprint(len(r.servers())) },
	"clients.ranges": func(r *Run) string {
		var parts []string
		for _, h := range r.clients() {
			parts = append(parts, fmt.Sprintf("%s (%s) %s (%d ports)", h.Name, ShortOS(h.Profile), h.Profile.Ephemeral, h.Profile.Ephemeral.Size()))
		}
		return strings.Join(parts, ", ")
	},
	// How each client's TCP ports follow one another (lesson 3: a
	// macOS client's climb by one, XNU's in_pcbbind).
	"clients.orders": func(r *Run) string {
		cs := r.clients()
		if len(distinct(cs, func(p engine.Profile) string { return p.Name })) == 1 {
			return "each " + orderOf(cs[0].Profile) // one OS for all, after P
		}
		var parts []string
		for _, h := range cs {
			parts = append(parts, fmt.Sprintf("%s (%s) %s", h.Name, ShortOS(h.Profile), orderOf(h.Profile)))
		}
		return strings.Join(parts, ", ")
	},
	"clients.timewaits": func(r *Run) string {
		var parts []string
		var seen []time.Duration
		for _, h := range r.clients() {
			if tw := h.Profile.TimeWait; !slices.Contains(seen, tw) {
				seen = append(seen, tw)
				parts = append(parts, fmt.Sprintf("%s on %s", timeWait(h.Profile), ShortOS(h.Profile)))
			}
		}
		return strings.Join(parts, ", ")
	},
	"clients.capacities": func(r *Run) string {
		var parts []string
		for _, h := range r.clients() {
			s := fmt.Sprintf("%s %s/s", h.Name, FmtRate(engine.Capacity(h.Profile.Ephemeral, h.Profile.TimeWait)))
			if assumed(h.Profile) {
				s += " (assumed)"
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, ", ")
	},
	"rate": func(r *Run) string { return fmt.Sprintf("%g", r.connectRate()) },
	"rate.connections": func(r *Run) string {
		if rt := r.connectRate(); rt != 1 {
			return fmt.Sprintf("%g connections", rt)
		}
		return "1 connection"
	},
	"connections":  func(r *Run) string { return fmt.Sprint(r.With.Started) },
	"with.done":    func(r *Run) string { return FmtDur(r.With.LastDone) },
	"without.done": func(r *Run) string { return FmtDur(r.Without.LastDone) },
	"serial.done":  func(r *Run) string { return FmtDur(r.Serial.LastDone) },
	// Which of the two runs without ephemeral ports took longer, and why.
	"slower": func(r *Run) string {
		if r.Without.LastDone > r.Serial.LastDone {
			return "real TCP without them is slower than the thought experiment, since a client's next connection waits out its last 4-tuple's TIME_WAIT"
		}
		why := "the server talks to clients side by side"
		if r.WithoutTakeovers > 0 {
			// Linux: a socket bound first takes over its own TIME_WAIT at
			// once (facts/ports.md §2 tcp_twsk_unique, fact 9).
			why += ", and Linux lets a port bound first take over its own TIME_WAIT"
		}
		return "real TCP without them is faster than the thought experiment: " + why
	},
	// The error a connect() gets when the client's range is used up:
	// EADDRNOTAVAIL on Unix, WSAENOBUFS on Windows (docs/facts-extra.md).
	"client.exhausted": func(r *Run) string {
		if e := r.firstClient().Profile.ExhaustedErr; e != nil {
			return e.Name
		}
		return engine.ErrAddrNotAvail.Name
	},
	// tcp_tw_reuse's delay (facts/ports.md §2 [TW][TWD]), and the wait a
	// question about it asks of the engine (twReuseOutcome).
	"twreuse.delay": func(*Run) string { return FmtSpan(engine.TWReuseDelay) },
	"twreuse.after": func(*Run) string { return FmtSpan(2 * engine.TWReuseDelay) },
	// The IANA classes (facts/ports.md §1).
	"iana.system":     func(*Run) string { return engine.SystemPorts.String() },
	"iana.registered": func(*Run) string { return engine.RegisteredPorts.String() },
	"iana.dynamic":    func(*Run) string { return engine.DynamicPorts.String() },
}

// add appends a line of src at pos, splitting out its {names}.
func (t *Text) add(src string, pos Pos) error {
	if t.Src != "" {
		t.Src += " "
		t.parts = append(t.parts, part{lit: " "})
	}
	t.Src += src
	for i := 0; i < len(src); {
		open := strings.IndexByte(src[i:], '{')
		if open < 0 {
			t.parts = append(t.parts, part{lit: src[i:]})
			break
		}
		t.parts = append(t.parts, part{lit: src[i : i+open]})
		start := i + open
		end := strings.IndexByte(src[start:], '}')
		if end < 0 {
			return &Error{Pos: Pos{pos.Line, pos.Col + start}, Msg: "this { is never closed"}
		}
		name := src[start+1 : start+end]
		_, ok := quantities[name]
		if _, isAnswer := answerQuantities[name]; isAnswer && !t.answer {
			return &Error{Pos: Pos{pos.Line, pos.Col + start}, Msg: fmt.Sprintf("{%s} names the answer: it is for why lines only", name)}
		} else if !ok && !isAnswer {
			return &Error{Pos: Pos{pos.Line, pos.Col + start}, Msg: fmt.Sprintf("unknown quantity {%s}; want one of %s", name, quantityList())}
		}
		t.parts = append(t.parts, part{name: name})
		i = start + end + 1
	}
	return nil
}

func quantityList() string {
	var names []string
	for n := range quantities {
		names = append(names, "{"+n+"}")
	}
	for n := range answerQuantities {
		names = append(names, "{"+n+"} (why only)")
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// answerCtx is what a verdict's reason can name: the engine's answer and
// the event that gave it.
type answerCtx struct {
	truth string
	e     sim.Event
	prev  uint16 // the port the host's connection before it got; 0 if none
}

// answerQuantities are the names only a reason (why) may use.
var answerQuantities = map[string]func(r *Run, a *answerCtx) string{
	"answer":        func(r *Run, a *answerCtx) string { return choiceLabel(r.book, a.truth) },
	"answer.host":   func(_ *Run, a *answerCtx) string { return a.e.Host },
	"answer.remote": func(_ *Run, a *answerCtx) string { return a.e.Tuple.Remote.String() },
	"answer.err":    func(_ *Run, a *answerCtx) string { return engine.ErrnoName(a.e.Err) },
	// How the answering host's strategy came to that port.
	"answer.pick": func(r *Run, a *answerCtx) string {
		return pickText(r.play.hosts[r.play.hostIndex(a.e.Host)].Profile.Connect, a.prev)
	},
	// Why a port given before came back, and when (lesson 5's last step).
	"answer.again": againText,
}

// againText says why the answer's port, given before in the run, was
// given again then: how the host's strategy came back to it, and that its
// TIME_WAIT was the first to end, from what the run did.
func againText(r *Run, a *answerCtx) string {
	i := r.play.hostIndex(a.e.Host)
	h := &r.play.hosts[i]
	port := a.e.Tuple.Local.Port()
	var why []string
	if h.Profile.Connect == engine.Sequential && a.prev > port {
		why = append(why, fmt.Sprintf("the counter wrapped from %d to the range's start", a.prev))
	}
	if port == h.firstPort {
		why = append(why, fmt.Sprintf("%d was given first, so its TIME_WAIT (%s) ended first", port, timeWait(h.Profile)))
	} else {
		why = append(why, fmt.Sprintf("%d's TIME_WAIT (%s) had ended", port, timeWait(h.Profile)))
	}
	if r.play.engines[i].Available(engine.TCP, a.e.Tuple.Remote) == 0 {
		why = append(why, "no other port was free")
	}
	return strings.Join(why, "; ")
}

// pickText says how strategy s came to a port, prev being the port the
// connection before got (0 if none); "" for a strategy with no text, which
// the tests catch. Each strategy has its own (facts/ports.md §1, §2, §3).
func pickText(s engine.Strategy, prev uint16) string {
	switch s {
	case engine.Sequential:
		if prev == 0 {
			return "is the first port of the range: one counter hands the range out in order"
		}
		return fmt.Sprintf("follows %d, the port the connection before it got: one counter hands the range out in order", prev)
	case engine.RandomStart:
		return "came from a random start in the range, then the next free port (RFC 6056 Algorithm 1)"
	case engine.RandomPick:
		return "was a random pick from the range (RFC 6056 Algorithm 2)"
	case engine.LinuxConnect:
		return "came from Linux's secret offset for this destination, stepping by 2 (with a small random jump) through ports of the range's first port's parity"
	case engine.LinuxHint:
		// Linux before 4.2: offset = hint + hash, the next port tried is
		// the one after, and the global hint moves by the ports tried
		// (engine pickLinuxHint; facts §1 Algorithm 3, §2 [LXC]).
		if prev == 0 {
			return "came from a keyed hash of the destination plus one global counter (Linux before 4.2, RFC 6056 Algorithm 3), stepping by 1"
		}
		return fmt.Sprintf("follows %d: Linux before 4.2 adds one global counter to a keyed hash of the destination (RFC 6056 Algorithm 3), and the counter moved on by the ports it tried, so ports step by 1", prev)
	}
	return ""
}

// Fill writes the text with the quantities of run r.
func (t Text) Fill(r *Run) string { return t.fill(r, nil) }

func (t Text) fill(r *Run, a *answerCtx) string {
	if t.ID != "" && r.book != nil {
		if src := r.book.Of(t.ID, t.Src); src != t.Src {
			// A translation: its {names} are the English's (a test checks).
			return phrase.Fill(src, func(name string) (string, bool) {
				if q := quantities[name]; q != nil {
					return q(r), true
				}
				if q := answerQuantities[name]; q != nil && a != nil {
					return q(r, a), true
				}
				return "", false
			})
		}
	}
	var b strings.Builder
	for _, p := range t.parts {
		switch {
		case p.name == "":
			b.WriteString(p.lit)
		case quantities[p.name] != nil:
			b.WriteString(quantities[p.name](r))
		case a != nil:
			b.WriteString(answerQuantities[p.name](r, a))
		}
	}
	return b.String()
}

// osDefault is the first client's OS profile as the OS ships it.
func osDefault(r *Run) engine.Profile {
	p, err := engine.ProfileByName(r.firstClient().Profile.Name)
	if err != nil {
		return r.firstClient().Profile // every run's profile is the engine's
	}
	return p
}

// assumed says a profile's TIME_WAIT is the OS's unverified default (a
// scenario's own length is a fact of the scenario).
func assumed(p engine.Profile) bool {
	os, err := engine.ProfileByName(p.Name)
	return err == nil && os.TimeWaitAssumed && os.TimeWait == p.TimeWait
}

// timeWait writes a profile's TIME_WAIT, saying where it is assumed.
func timeWait(p engine.Profile) string {
	if assumed(p) {
		return fmtWhole(p.TimeWait) + " (assumed)"
	}
	return fmtWhole(p.TimeWait)
}

// ShortOS is a profile's proper name without its versions, for a sentence
// that names several: "Linux", "macOS", "Windows", "Windows XP", "IANA"
// (the title's words before its parenthesis or its " / ").
func ShortOS(p engine.Profile) string {
	short, _, _ := strings.Cut(p.Title, " (")
	short, _, _ = strings.Cut(short, " / ")
	return short
}

// registeredIn is how many ports of rg lie in IANA's registered class.
func registeredIn(rg engine.Range) int {
	lo, hi := max(rg.Lo, engine.RegisteredPorts.Lo), min(rg.Hi, engine.RegisteredPorts.Hi)
	return max(0, int(hi)-int(lo)+1)
}

// distinct are the different values of key over hosts' profiles, in order.
func distinct(hosts []*hostState, key func(engine.Profile) string) []string {
	var out []string
	for _, h := range hosts {
		if k := key(h.Profile); !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// orList names things as a sentence does: "a", "a and b", "a, b and c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// FmtRate writes a ceiling on a rate (range / TIME_WAIT) rounded down to
// three significant digits, whole numbers at least: a ceiling shown must
// not promise more than it is (28,232 / 60 s = 470.53: "470", never 471;
// facts/ports.md §7). Every front end and portsim show ceilings with it.
func FmtRate(x float64) string {
	if x <= 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return "0"
	}
	digits := max(0, 3-int(math.Floor(math.Log10(x)))-1)
	scale := math.Pow(10, float64(digits))
	// The nudge keeps a ceiling that is exact in decimal (0.5, 2.5) from
	// losing its last digit to binary rounding.
	return strconv.FormatFloat(math.Floor(x*scale*(1+1e-12))/scale, 'f', -1, 64)
}

// fmtWhole writes a duration in seconds, the unit the narration's
// numbers are checked in (narration_test.go).
func fmtWhole(d time.Duration) string { return fmt.Sprintf("%g s", d.Seconds()) }

// FmtSpan writes a setting's duration as people do: "30 s", "90 s",
// "4 min" (whole minutes from two on), never Go's "4m0s".
func FmtSpan(d time.Duration) string {
	if d >= 2*time.Minute && d%time.Minute == 0 {
		return fmt.Sprintf("%d min", int(d.Minutes()))
	}
	return fmt.Sprintf("%g s", d.Seconds())
}

// orderText is how the ports strategy s gives one after another look.
func orderText(s engine.Strategy) string {
	switch s {
	case engine.Sequential:
		return "climbs by one"
	case engine.RandomStart:
		return "starts anywhere at random"
	case engine.RandomPick:
		return "jumps at random every time"
	case engine.LinuxHint:
		return "starts at a hash of the destination plus one shared counter"
	}
	return "starts at a secret offset per destination and takes every other port"
}

// orderWhy is, for the profiles whose connect() climbs by one, the
// kernel's reason (facts/ports.md §3 and its additions): said beside the
// OS it explains, so only while that OS is shown.
var orderWhy = map[string]string{
	"macos": "XNU keeps one TCP counter, net.inet.tcp.randomize_ports being 0; its UDP ports start at random",
	"winxp": "one counter, shared by TCP and UDP",
}

// orderOf says how p's connect() orders its ports, and why where the
// reason is the kernel's own choice.
func orderOf(p engine.Profile) string {
	if why := orderWhy[p.Name]; why != "" {
		return orderText(p.Connect) + " (" + why + ")"
	}
	return orderText(p.Connect)
}

// strategyText says how a connect() strategy picks ports (facts/ports.md
// §1, §2, §3).
func strategyText(s engine.Strategy) string {
	switch s {
	case engine.Sequential:
		return "one sequential counter (a freed port comes back only after the whole range was used)"
	case engine.RandomStart:
		return "a random start and a linear search (RFC 6056 Algorithm 1)"
	case engine.RandomPick:
		return "a random pick on every try (RFC 6056 Algorithm 2)"
	case engine.LinuxConnect:
		return "Linux's per-destination offset, every other port first (those of the range's first port's parity)"
	case engine.LinuxHint:
		return "a keyed hash of the destination plus one global counter, port after port (Linux before 4.2, RFC 6056 Algorithm 3)"
	}
	return ""
}
