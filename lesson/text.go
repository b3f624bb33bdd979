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
	ID  string
	Src string
	// answer: the text is a verdict's reason and may name the answer's
	// quantities too.
	answer bool
}

// quantities are the names a text may use, and how each is read from a
// run. Every number they give comes from the engine's profiles (whose
// numbers come from facts/ports.md) or from the run itself.
var quantities = func() map[string]func(r *Run) string {
	m := make(map[string]func(r *Run) string, len(quantityTable))
	for _, e := range quantityTable {
		m[e.name] = e.read
	}
	return m
}()

// quantityTable is quantities written as a table, which the compiler lays
// out as static data: a map literal of funcs compiles to an insert each,
// 10 KB of the browser's wasm for the two maps here.
var quantityTable = []struct {
	name string
	read func(r *Run) string
}{
	{"client", func(r *Run) string { return r.firstClient().Name }},
	{"client.profile", func(r *Run) string { return r.firstClient().Profile.Name }},
	{"client.range", func(r *Run) string { return r.firstClient().Profile.Ephemeral.String() }},
	{"client.range.size", func(r *Run) string { return fmt.Sprint(r.firstClient().Profile.Ephemeral.Size()) }},
	{"client.timewait", func(r *Run) string { return timeWait(r.book, r.firstClient().Profile) }},
	{"client.os", func(r *Run) string { return osTitle(r.book, r.firstClient().Profile) }},
	{"client.capacity", func(r *Run) string {
		return FmtRateIn(r.book, engine.Capacity(r.firstClient().Profile.Ephemeral, r.firstClient().Profile.TimeWait))
	}},
	{"client.strategy", func(r *Run) string { return strategyText(r.book, r.firstClient().Profile.Connect) }},
	// How many of the client's ephemeral ports lie in IANA's registered
	// class: an OS's ephemeral range need not be IANA's dynamic (also
	// called ephemeral) class; Linux's is mostly registered ports
	// (facts/ports.md §1 [R6335], §2 [DOC]).
	{"client.range.registered", func(r *Run) string { return fmt.Sprint(registeredIn(r.firstClient().Profile.Ephemeral)) }},
	// The client's range against IANA's dynamic class (RFC 6335 §6: "the
	// Dynamic Ports, also known as the Private or Ephemeral Ports").
	{"client.range.class", func(r *Run) string {
		rg := r.firstClient().Profile.Ephemeral
		if n := registeredIn(rg); n > 0 {
			return r.T("quantity.range-class.registered", "dynamic", engine.DynamicPorts.String(), "n", n, "size", rg.Size())
		}
		return r.T("quantity.range-class.dynamic", "dynamic", engine.DynamicPorts.String())
	}},
	// The error a used-up range gives, in words, for the learner who meets
	// its name as a choice: Winsock's own (KB 196271; engine.ErrNoBufs) or
	// the Unix errno's strerror (facts/ports.md §2 [MAN]), each in the
	// phrasebook as errno.text.NAME.
	{"client.exhausted.meaning", func(r *Run) string {
		e := engine.ErrAddrNotAvail
		if x := r.firstClient().Profile.ExhaustedErr; x != nil {
			e = x
		}
		text := r.T("errno.text." + e.Name)
		if e.Name != engine.ErrAddrNotAvail.Name {
			return r.T("quantity.exhausted-meaning.winsock", "err", e.Name, "text", text)
		}
		return r.T("quantity.exhausted-meaning", "err", e.Name, "text", text)
	}},
	// Whether the next port can be reasoned out from the ports seen, by
	// the client's strategy: a random pick can only be guessed.
	{"client.guess", func(r *Run) string {
		switch r.firstClient().Profile.Connect {
		case engine.RandomStart, engine.RandomPick:
			return r.T("quantity.guess.random")
		}
		return r.T("quantity.guess.reason")
	}},
	// The clients' OSes as the scene has them: each its own, or one for
	// all once P switched them.
	{"clients.mix", func(r *Run) string {
		cs := r.clients()
		if titles := distinct(cs, func(p engine.Profile) string { return p.Title }); len(titles) > 1 {
			return r.T("quantity.clients-mix.own")
		}
		return r.T("quantity.clients-mix.one", "os", osTitle(r.book, cs[0].Profile))
	}},
	// Whether a port in TIME_WAIT can meanwhile serve other destinations,
	// per client, from its profile (engine.Profile.ShareAcrossDestinations:
	// facts/ports.md fact 3; an exclusive autobind elsewhere).
	{"clients.sharing", func(r *Run) string {
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
			parts = append(parts, r.T("quantity.clients-sharing.shared", "hosts", listAnd(r.book, shared), "n", len(shared)))
		}
		if len(held) > 0 {
			parts = append(parts, r.T("quantity.clients-sharing.held", "hosts", listAnd(r.book, held), "n", len(held)))
		}
		return listJoin(r.book, "list.semicolon", parts)
	}},
	// The client OS's own range and TIME_WAIT, before the scenario shrank
	// them for the demo.
	{"client.os.range", func(r *Run) string { return osDefault(r).Ephemeral.String() }},
	{"client.os.timewait", func(r *Run) string { return timeWait(r.book, osDefault(r)) }},
	{"server.privileged", func(r *Run) string {
		if s := r.servers(); len(s) > 0 {
			return fmt.Sprint(s[0].Profile.PrivilegedBelow)
		}
		return fmt.Sprint(r.firstClient().Profile.PrivilegedBelow)
	}},
	{"server", func(r *Run) string {
		if s := r.firstServer(); s != "" {
			return s
		}
		return r.T("quantity.server.none")
	}},
	{"hosts", func(r *Run) string { return fmt.Sprint(len(r.play.hosts)) }},
	{"servers", func(r *Run) string { return fmt.Sprint(len(r.servers())) }},
	{"clients.ranges", func(r *Run) string {
		var parts []string
		for _, h := range r.clients() {
			parts = append(parts, r.T("quantity.clients-ranges.item", "host", h.Name, "os", shortOSIn(r.book, h.Profile),
				"range", h.Profile.Ephemeral.String(), "n", h.Profile.Ephemeral.Size()))
		}
		return listJoin(r.book, "list.comma", parts)
	}},
	// How each client's TCP ports follow one another (lesson 3: a
	// macOS client's climb by one, XNU's in_pcbbind).
	{"clients.orders", func(r *Run) string {
		cs := r.clients()
		if len(distinct(cs, func(p engine.Profile) string { return p.Name })) == 1 {
			return r.T("quantity.clients-orders.each", "order", orderOf(r.book, cs[0].Profile)) // one OS for all, after P
		}
		var parts []string
		for _, h := range cs {
			parts = append(parts, r.T("quantity.clients-orders.item", "host", h.Name, "os", shortOSIn(r.book, h.Profile), "order", orderOf(r.book, h.Profile)))
		}
		return listJoin(r.book, "list.comma", parts)
	}},
	{"clients.timewaits", func(r *Run) string {
		var parts []string
		var seen []time.Duration
		for _, h := range r.clients() {
			if tw := h.Profile.TimeWait; !slices.Contains(seen, tw) {
				seen = append(seen, tw)
				parts = append(parts, r.T("quantity.clients-timewaits.item", "time", timeWait(r.book, h.Profile), "os", shortOSIn(r.book, h.Profile)))
			}
		}
		return listJoin(r.book, "list.comma", parts)
	}},
	{"clients.capacities", func(r *Run) string {
		var parts []string
		for _, h := range r.clients() {
			id := "quantity.clients-capacities.item"
			if assumed(h.Profile) {
				id += ".assumed"
			}
			parts = append(parts, r.T(id, "host", h.Name, "rate", FmtRateIn(r.book, engine.Capacity(h.Profile.Ephemeral, h.Profile.TimeWait))))
		}
		return listJoin(r.book, "list.comma", parts)
	}},
	{"rate", func(r *Run) string { return r.book.Num(r.connectRate(), -1) }},
	{"rate.connections", func(r *Run) string {
		rt := r.connectRate()
		s := r.T("quantity.rate-connections", "n", r.book.Num(rt, -1))
		if rt == math.Trunc(rt) {
			s = r.T("quantity.rate-connections", "n", int(rt))
		}
		// The sandbox's UDP share: queries to its resolver besides.
		if q, to := r.rateOf(engine.UDP); q > 0 {
			n := any(r.book.Num(q, -1))
			if q == math.Trunc(q) {
				n = int(q)
			}
			s = r.T("quantity.rate-connections-and-queries", "connections", s, "n", n, "server", to)
		}
		return s
	}},
	{"connections", func(r *Run) string { return fmt.Sprint(r.With.Started) }},
	{"with.done", func(r *Run) string { return FmtDurIn(r.book, r.With.LastDone) }},
	{"without.done", func(r *Run) string { return FmtDurIn(r.book, r.Without.LastDone) }},
	{"serial.done", func(r *Run) string { return FmtDurIn(r.book, r.Serial.LastDone) }},
	// Which of the two runs without ephemeral ports took longer, and why.
	{"slower", func(r *Run) string {
		switch {
		case r.Without.LastDone > r.Serial.LastDone:
			return r.T("quantity.slower.tcp-slower")
		case r.WithoutTakeovers > 0:
			// Linux: a socket bound first takes over its own TIME_WAIT at
			// once (facts/ports.md §2 tcp_twsk_unique, fact 9).
			return r.T("quantity.slower.tcp-faster-takeover")
		}
		return r.T("quantity.slower.tcp-faster")
	}},
	// The error a connect() gets when the client's range is used up:
	// EADDRNOTAVAIL on Unix, WSAENOBUFS on Windows (docs/facts-extra.md).
	{"client.exhausted", func(r *Run) string {
		if e := r.firstClient().Profile.ExhaustedErr; e != nil {
			return e.Name
		}
		return engine.ErrAddrNotAvail.Name
	}},
	// tcp_tw_reuse's delay (facts/ports.md §2 [TW][TWD]), and the wait a
	// question about it asks of the engine (twReuseOutcome).
	{"twreuse.delay", func(r *Run) string { return FmtSpanIn(r.book, engine.TWReuseDelay) }},
	{"twreuse.after", func(r *Run) string { return FmtSpanIn(r.book, 2*engine.TWReuseDelay) }},
	// The IANA classes (facts/ports.md §1).
	{"iana.system", func(*Run) string { return engine.SystemPorts.String() }},
	{"iana.registered", func(*Run) string { return engine.RegisteredPorts.String() }},
	{"iana.dynamic", func(*Run) string { return engine.DynamicPorts.String() }},
}

// add appends a line of src at pos, checking its {names}.
func (t *Text) add(src string, pos Pos) error {
	if t.Src != "" {
		t.Src += " "
	}
	t.Src += src
	for i := 0; i < len(src); {
		open := strings.IndexByte(src[i:], '{')
		if open < 0 {
			break
		}
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
var answerQuantities = func() map[string]func(r *Run, a *answerCtx) string {
	m := make(map[string]func(r *Run, a *answerCtx) string, len(answerTable))
	for _, e := range answerTable {
		m[e.name] = e.read
	}
	return m
}()

// answerTable is answerQuantities as a table (quantityTable says why).
var answerTable = []struct {
	name string
	read func(r *Run, a *answerCtx) string
}{
	{"answer", func(r *Run, a *answerCtx) string { return choiceLabel(r.book, a.truth) }},
	{"answer.host", func(_ *Run, a *answerCtx) string { return a.e.Host }},
	{"answer.remote", func(_ *Run, a *answerCtx) string { return a.e.Tuple.Remote.String() }},
	{"answer.err", func(_ *Run, a *answerCtx) string { return engine.ErrnoName(a.e.Err) }},
	// The answering event's own port, and the host's one before it.
	{"answer.port", func(_ *Run, a *answerCtx) string { return strconv.Itoa(int(a.e.Tuple.Local.Port())) }},
	{"answer.last", func(_ *Run, a *answerCtx) string { return strconv.Itoa(int(a.prev)) }},
	// How the answering host's strategy came to that port.
	{"answer.pick", func(r *Run, a *answerCtx) string {
		return pickText(r.book, r.play.hosts[r.play.hostIndex(a.e.Host)].Profile.Connect, a.prev)
	}},
	// Why a port given before came back, and when (lesson 5's last step).
	{"answer.again", againText},
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
		why = append(why, r.T("quantity.again.wrapped", "prev", a.prev))
	}
	if port == h.firstPort {
		why = append(why, r.T("quantity.again.first", "port", port, "time", timeWait(r.book, h.Profile)))
	} else {
		why = append(why, r.T("quantity.again.ended", "port", port, "time", timeWait(r.book, h.Profile)))
	}
	if r.play.engines[i].Available(engine.TCP, a.e.Tuple.Remote) == 0 {
		why = append(why, r.T("quantity.again.none-free"))
	}
	return listJoin(r.book, "list.semicolon", why)
}

// pickText says in b's language how strategy s came to a port, prev
// being the port the connection before got (0 if none): the message
// strategy.pick.NAME, or strategy.pick.NAME.first where the strategy says
// the first port its own way. Each strategy has its own (facts/ports.md
// §1, §2, §3); a test checks that every strategy has its words.
//
// Linux before 4.2 (linux-hint): offset = hint + hash, the next port
// tried is the one after, and the global hint moves by the ports tried
// (engine pickLinuxHint; facts §1 Algorithm 3, §2 [LXC]).
func pickText(b *phrase.Book, s engine.Strategy, prev uint16) string {
	id := "strategy.pick." + s.String()
	if prev == 0 && (s == engine.Sequential || s == engine.LinuxHint) {
		id += ".first"
	}
	return b.T(id, "prev", prev)
}

// fill writes t with the quantities of run r (and of answer a, for a
// question's explanations). A function, not a method: a method's
// signature is reachable from its type, and Text's, kept for reflection
// in the browser build, would keep *Run's and all it holds (netip's
// methods among them: engine.HasAddr says why that matters).
func fill(t Text, r *Run, a *answerCtx) string {
	src := t.Src
	if t.ID != "" && r.book != nil {
		// A translation's {names} are the English's (a test checks).
		src = r.book.Of(t.ID, t.Src)
	}
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
func timeWait(b *phrase.Book, p engine.Profile) string {
	if assumed(p) {
		return b.T("time.assumed", "time", fmtWhole(b, p.TimeWait))
	}
	return fmtWhole(b, p.TimeWait)
}

// osTitle is a profile's OS for people in b's language ("Linux (4.2 and
// later)"): the message os.NAME, whose English is the engine's Title (a
// test holds them equal).
func osTitle(b *phrase.Book, p engine.Profile) string { return b.T("os." + p.Name) }

// shortOSIn is a profile's proper name without its versions in b's
// language, for a sentence that names several: "Linux", "macOS",
// "Windows", "Windows XP", "IANA" (the title's words before its
// parenthesis or its " / ").
func shortOSIn(b *phrase.Book, p engine.Profile) string { return shortOS(osTitle(b, p)) }

func shortOS(title string) string {
	short, _, _ := strings.Cut(title, " (")
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

// listAnd names things as a sentence does in b's language: "a", "a and
// b", "a, b and c" (list.and joins the last two, list.comma the others).
func listAnd(b *phrase.Book, names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	head := listJoin(b, "list.comma", names[:len(names)-1])
	return b.T("list.and", "a", head, "b", names[len(names)-1])
}

// listJoin joins parts with the message id ("{a}, {b}", "{a}; {b}"),
// so that each language writes its own separators.
func listJoin(b *phrase.Book, id string, parts []string) string {
	if len(parts) == 0 {
		return ""
	}
	out := parts[0]
	for _, p := range parts[1:] {
		out = b.T(id, "a", out, "b", p)
	}
	return out
}

// FmtRate writes a ceiling on a rate (range / TIME_WAIT) rounded down to
// three significant digits, whole numbers at least: a ceiling shown must
// not promise more than it is (28,232 / 60 s = 470.53: "470", never 471;
// facts/ports.md §7). Every front end and portsim show ceilings with it;
// FmtRate writes English's decimal point (portsim's machine output),
// FmtRateIn b's language's separator.
func FmtRate(x float64) string { return FmtRateIn(English(), x) }

// FmtRateIn is FmtRate in b's language.
func FmtRateIn(b *phrase.Book, x float64) string {
	if x <= 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return "0"
	}
	digits := max(0, 3-int(math.Floor(math.Log10(x)))-1)
	scale := math.Pow(10, float64(digits))
	// The nudge keeps a ceiling that is exact in decimal (0.5, 2.5) from
	// losing its last digit to binary rounding.
	return b.Num(math.Floor(x*scale*(1+1e-12))/scale, -1)
}

// fmtWhole writes a duration in seconds, the unit the narration's
// numbers are checked in (narration_test.go).
func fmtWhole(b *phrase.Book, d time.Duration) string {
	return b.T("unit.seconds", "s", b.Num(d.Seconds(), -1))
}

// FmtSpan writes a setting's duration as people do: "30 s", "90 s",
// "4 min" (whole minutes from two on), never Go's "4m0s"; in English
// (FmtSpanIn: in a language).
func FmtSpan(d time.Duration) string { return FmtSpanIn(English(), d) }

// FmtSpanIn is FmtSpan in b's language.
func FmtSpanIn(b *phrase.Book, d time.Duration) string {
	if d >= 2*time.Minute && d%time.Minute == 0 {
		return b.T("unit.minutes", "m", int(d.Minutes()))
	}
	return fmtWhole(b, d)
}

// orderText is how the ports strategy s gives one after another look:
// the message strategy.order.NAME.
func orderText(b *phrase.Book, s engine.Strategy) string { return b.T("strategy.order." + s.String()) }

// orderWhy are the profiles whose connect() climbs by one for a reason
// the kernel chose (facts/ports.md §3 and its additions: XNU keeps one
// TCP counter, net.inet.tcp.randomize_ports being 0, its UDP ports
// starting at random; Windows XP one counter shared by TCP and UDP), the
// reason the message strategy.order.why.NAME: said beside the OS it
// explains, so only while that OS is shown.
var orderWhy = []string{"macos", "winxp"}

// orderOf says how p's connect() orders its ports, and why where the
// reason is the kernel's own choice.
func orderOf(b *phrase.Book, p engine.Profile) string {
	if slices.Contains(orderWhy, p.Name) {
		return b.T("strategy.order.with-why", "order", orderText(b, p.Connect), "why", b.T("strategy.order.why."+p.Name))
	}
	return orderText(b, p.Connect)
}

// strategyText says how a connect() strategy picks ports (facts/ports.md
// §1, §2, §3): the message strategy.how.NAME.
func strategyText(b *phrase.Book, s engine.Strategy) string { return b.T("strategy.how." + s.String()) }
