package scenario

import (
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/portplay/portplay/engine"
)

// Limits that keep a hand-written file from asking for more than a
// classroom machine can simulate.
const (
	MaxDuration = 24 * time.Hour
	MaxCount    = 10_000_000
	MaxUpload   = 1000 // body segments of one connection
)

// linux is the profile of a host line without `profile`.
var linux, _ = engine.ProfileByName("linux")

// Error is a problem at a place in a scenario file, or in a scenario built
// as a Go value (Pos zero).
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string {
	if e.Pos == (Pos{}) { // a scenario built as a Go value has no lines
		return e.Msg
	}
	return e.Pos.String() + ": " + e.Msg
}

// token is one word of a line and the column it starts at.
type token struct {
	text string
	col  int
}

// Parse reads a scenario file and checks it (Check). The error, if any, is
// an *Error naming the line and column of the first problem and what was
// expected there.
func Parse(src string) (*Scenario, error) {
	p := &parser{sc: &Scenario{Seed: 1, Duration: 60 * time.Second, Latency: 5 * time.Millisecond}, seen: map[string]Pos{}}
	for i, line := range strings.Split(src, "\n") {
		toks, err := tokenize(strings.TrimSuffix(line, "\r"), i+1)
		if err != nil {
			return nil, err
		}
		if len(toks) == 0 {
			continue
		}
		p.line = i + 1
		p.toks = toks
		if err := p.statement(); err != nil {
			return nil, err
		}
	}
	if err := p.sc.Check(); err != nil {
		return nil, err
	}
	return p.sc, nil
}

// tokenize splits a line into words; "quoted text" is one word and # starts
// a comment.
func tokenize(line string, n int) ([]token, error) {
	var toks []token
	for i := 0; i < len(line); {
		switch c := line[i]; {
		case c == ' ' || c == '\t':
			i++
		case c == '#':
			return toks, nil
		case c == '"':
			end := strings.IndexByte(line[i+1:], '"')
			if end < 0 {
				return nil, &Error{Pos{n, i + 1}, "this quote is never closed"}
			}
			toks = append(toks, token{line[i : i+end+2], i + 1})
			i += end + 2
		default:
			j := i
			for j < len(line) && line[j] != ' ' && line[j] != '\t' && line[j] != '#' {
				j++
			}
			toks = append(toks, token{line[i:j], i + 1})
			i = j
		}
	}
	return toks, nil
}

type parser struct {
	sc   *Scenario
	line int
	toks []token
	seen map[string]Pos // statements that may appear once: title, seed, ...
}

func (p *parser) errAt(t token, format string, args ...any) error {
	return &Error{Pos{p.line, t.col}, fmt.Sprintf(format, args...)}
}

// endOfLine is the position just past the last word, for "missing ..." errors.
func (p *parser) endOfLine() token {
	last := p.toks[len(p.toks)-1]
	return token{col: last.col + len(last.text)}
}

// arg returns word i or an error that says what was expected there.
func (p *parser) arg(i int, want string) (token, error) {
	if i < len(p.toks) {
		return p.toks[i], nil
	}
	return token{}, p.errAt(p.endOfLine(), "%s: missing %s", p.toks[0].text, want)
}

// exact checks that the statement has exactly n words.
func (p *parser) exact(n int, want string) error {
	if _, err := p.arg(n-1, want); err != nil {
		return err
	}
	if len(p.toks) > n {
		return p.errAt(p.toks[n], "%s: unexpected %q after %s", p.toks[0].text, p.toks[n].text, want)
	}
	return nil
}

func (p *parser) once(kw token) error {
	if prev, ok := p.seen[kw.text]; ok {
		return p.errAt(kw, "%s is already set at %s", kw.text, prev)
	}
	p.seen[kw.text] = Pos{p.line, kw.col}
	return nil
}

const statements = "title, seed, duration, latency, ephemeral, loss, host, listen, connect, send, lose or duplicate"

func (p *parser) statement() error {
	kw := p.toks[0]
	switch kw.text {
	case "title":
		if err := p.once(kw); err != nil {
			return err
		}
		if err := p.exact(2, `a title in quotes, e.g. "Two web servers"`); err != nil {
			return err
		}
		t := p.toks[1]
		if len(t.text) < 2 || t.text[0] != '"' {
			return p.errAt(t, `title: want the title in quotes, e.g. "Two web servers"`)
		}
		p.sc.Title = t.text[1 : len(t.text)-1]
	case "seed":
		if err := p.once(kw); err != nil {
			return err
		}
		if err := p.exact(2, "a whole number"); err != nil {
			return err
		}
		n, err := strconv.ParseUint(p.toks[1].text, 10, 64)
		if err != nil {
			return p.errAt(p.toks[1], "seed: %q is not a whole number from 0 to %d", p.toks[1].text, uint64(math.MaxUint64))
		}
		p.sc.Seed = n
	case "duration", "latency":
		if err := p.once(kw); err != nil {
			return err
		}
		if err := p.exact(2, "a duration, e.g. 30s or 500ms"); err != nil {
			return err
		}
		d, err := p.duration(p.toks[1], kw.text == "duration")
		if err != nil {
			return err
		}
		if kw.text == "duration" {
			p.sc.Duration = d
		} else {
			p.sc.Latency = d
		}
	case "ephemeral":
		if err := p.once(kw); err != nil {
			return err
		}
		if err := p.exact(2, "on, off or serial"); err != nil {
			return err
		}
		i := slices.IndexFunc(PortModes, func(m Ports) bool { return m.String() == p.toks[1].text })
		if i < 0 {
			return p.errAt(p.toks[1], "ephemeral: want on, off or serial, not %q", p.toks[1].text)
		}
		p.sc.Ports = PortModes[i]
	case "loss":
		if err := p.once(kw); err != nil {
			return err
		}
		if err := p.exact(2, "a share of UDP datagrams, e.g. 10%"); err != nil {
			return err
		}
		num, ok := strings.CutSuffix(p.toks[1].text, "%")
		n, err := strconv.ParseFloat(num, 64)
		if !ok || err != nil || math.IsNaN(n) || n < 0 || n > 100 {
			return p.errAt(p.toks[1], "loss: %q is not a share from 0%% to 100%%, e.g. 10%%", p.toks[1].text)
		}
		p.sc.Loss = n
	case "host":
		return p.host()
	case "listen":
		return p.listen()
	case "connect", "send":
		return p.connect()
	case "lose", "duplicate":
		return p.fault()
	default:
		return p.errAt(kw, "unknown statement %q; want %s", kw.text, statements)
	}
	return nil
}

// duration reads a Go-style duration (1m30s, 500ms); positive says whether
// zero is refused.
func (p *parser) duration(t token, positive bool) (time.Duration, error) {
	d, err := time.ParseDuration(t.text)
	switch {
	case err != nil:
		return 0, p.errAt(t, "%s: %q is not a duration; write e.g. 30s, 500ms or 2m", p.toks[0].text, t.text)
	case d < 0:
		return 0, p.errAt(t, "%s: %s is negative", p.toks[0].text, t.text)
	case positive && d == 0:
		return 0, p.errAt(t, "%s: must be more than 0", p.toks[0].text)
	case d > MaxDuration:
		return 0, p.errAt(t, "%s: %s is longer than the limit of %s", p.toks[0].text, t.text, MaxDuration)
	}
	return d, nil
}

// port reads a port number 1-65535.
func (p *parser) port(t token) (uint16, error) {
	n, err := strconv.Atoi(t.text)
	if err != nil || n < 1 || n > 65535 {
		return 0, p.errAt(t, "%s: port %q is not a number from 1 to 65535", p.toks[0].text, t.text)
	}
	return uint16(n), nil
}

func (p *parser) hostByName(t token) (*Host, error) {
	for i := range p.sc.Hosts {
		if p.sc.Hosts[i].Name == t.text {
			return &p.sc.Hosts[i], nil
		}
	}
	return nil, p.errAt(t, "%s: no host named %q (declare it with a host line first)", p.toks[0].text, t.text)
}

// options reads `key value` pairs, and flags (keys without a value), from
// word i on; each at most once. set gets an empty value for a flag.
func (p *parser) options(i int, keys, flags string, set func(key, val token) error) error {
	done := map[string]bool{}
	for i < len(p.toks) {
		k := p.toks[i]
		isFlag := flags != "" && strings.Contains(" "+flags+" ", " "+k.text+" ")
		if !isFlag && !strings.Contains(" "+keys+" ", " "+k.text+" ") {
			return p.errAt(k, "%s: unknown option %q; want %s", p.toks[0].text, k.text, strings.ReplaceAll(strings.TrimSpace(keys+" "+flags), " ", ", "))
		}
		if done[k.text] {
			return p.errAt(k, "%s: %s is given twice", p.toks[0].text, k.text)
		}
		done[k.text] = true
		var v token
		if !isFlag {
			var err error
			if v, err = p.arg(i+1, "a value after "+k.text); err != nil {
				return err
			}
			i++
		}
		if err := set(k, v); err != nil {
			return err
		}
		i++
	}
	return nil
}

func (p *parser) host() error {
	name, err := p.arg(1, "a host name")
	if err != nil {
		return err
	}
	if !validName(name.text) {
		return p.errAt(name, "host: %q is not a name (letters, digits, - and _; starting with a letter)", name.text)
	}
	for _, h := range p.sc.Hosts {
		if h.Name == name.text {
			return p.errAt(name, "host: %q is already declared at %s", name.text, h.Pos)
		}
	}
	at, err := p.arg(2, "an IPv4 or IPv6 address")
	if err != nil {
		return err
	}
	h := Host{Pos: Pos{p.line, name.col}, Name: name.text, Profile: linux}
	// One address, or several separated by commas (no spaces), the
	// first the one connect() leaves from.
	col := at.col
	for i, text := range strings.Split(at.text, ",") {
		a := token{text, col}
		col += len(text) + 1
		addr, err := netip.ParseAddr(text)
		if err != nil || addr.Zone() != "" {
			return p.errAt(a, "host: %q is not an IP address, e.g. 10.0.0.10 (several are separated by commas: 10.0.0.10,10.0.0.11)", text)
		}
		if addr.IsUnspecified() {
			return p.errAt(a, "host: %s is the wildcard address; give the host its own address", addr.String())
		}
		if engine.HasAddr(h.Addrs()[:i], addr) {
			return p.errAt(a, "host: %s is given twice", addr.String())
		}
		for _, o := range p.sc.Hosts {
			if engine.HasAddr(o.Addrs(), addr) {
				return p.errAt(a, "host: %s is already %s's address (%s)", addr.String(), o.Name, o.Pos)
			}
		}
		if i == 0 {
			h.Addr = addr
		} else {
			h.More = append(h.More, addr)
		}
	}
	err = p.options(3, "profile range timewait strategy timestamps", "", func(k, v token) error {
		var err error
		switch k.text {
		case "profile":
			h.Profile, err = engine.ProfileByName(v.text)
		case "range":
			h.Range, err = engine.ParseRange(v.text)
		case "timewait":
			if h.TimeWait, err = p.duration(v, false); err == nil && h.TimeWait == 0 {
				// 0 is how a Host says "the profile's own".
				return p.errAt(v, "host: timewait must be more than 0 (leave it out for the profile's own)")
			}
			return err
		case "strategy":
			h.Strategy, err = engine.StrategyByName(v.text)
		case "timestamps":
			if v.text != "on" && v.text != "off" {
				return p.errAt(v, "host: timestamps %q: want on or off (TCP timestamps, RFC 7323)", v.text)
			}
			h.NoTimestamps = v.text == "off"
		}
		if err != nil {
			return p.errAt(v, "host: %v", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	p.sc.Hosts = append(p.sc.Hosts, h)
	return nil
}

func (p *parser) listen() error {
	ht, err := p.arg(1, "a host name")
	if err != nil {
		return err
	}
	h, err := p.hostByName(ht)
	if err != nil {
		return err
	}
	pt, err := p.arg(2, "a port, or ADDRESS:PORT")
	if err != nil {
		return err
	}
	l := Listen{Pos: Pos{p.line, p.toks[0].col}, Host: ht.text}
	if i := strings.LastIndexByte(pt.text, ':'); i >= 0 {
		// ADDRESS:PORT: one of the host's addresses, or the wildcard.
		ap, err := netip.ParseAddrPort(pt.text)
		if err != nil || ap.Addr().Zone() != "" {
			return p.errAt(pt, "listen: %q is not ADDRESS:PORT, e.g. 10.0.0.11:80 or 0.0.0.0:80 (IPv6: [fd00::1]:80)", pt.text)
		}
		if !ap.Addr().IsUnspecified() && !engine.HasAddr(h.Addrs(), ap.Addr()) {
			return p.errAt(pt, "listen: %s is not one of %s's addresses (%s)", ap.Addr().String(), h.Name, addrList(h.Addrs()))
		}
		l.Addr = ap.Addr()
		pt = token{pt.text[i+1:], pt.col + i + 1}
	}
	if l.Port, err = p.port(pt); err != nil {
		return err
	}
	err = p.options(3, "proto service", sockFlags, func(k, v token) error {
		switch k.text {
		case "proto":
			l.Proto, err = p.proto(v)
		case "service":
			l.Service, err = p.duration(v, false)
		default:
			return p.sockOpt(h, k, &l.Opts)
		}
		return err
	})
	if err != nil {
		return err
	}
	p.sc.Listens = append(p.sc.Listens, l)
	return nil
}

func (p *parser) connect() error {
	from, err := p.arg(1, "the client host's name")
	if err != nil {
		return err
	}
	if _, err := p.hostByName(from); err != nil {
		return err
	}
	arrow, err := p.arg(2, "->")
	if err != nil {
		return err
	}
	if arrow.text != "->" {
		return p.errAt(arrow, `%s: want "->" between the client and the server, e.g. %s client -> web-a:80`, p.toks[0].text, p.toks[0].text)
	}
	dst, err := p.arg(3, "SERVER:PORT, e.g. web-a:80")
	if err != nil {
		return err
	}
	var to *Host
	var addr netip.Addr
	i := strings.LastIndexByte(dst.text, ':')
	name, portText := dst.text, ""
	if i >= 0 {
		name, portText = dst.text[:i], dst.text[i+1:]
	}
	if ap, err := netip.ParseAddrPort(dst.text); err == nil {
		// ADDRESS:PORT: the host that has that address.
		addr = ap.Addr()
		for j := range p.sc.Hosts {
			if engine.HasAddr(p.sc.Hosts[j].Addrs(), addr) {
				to = &p.sc.Hosts[j]
			}
		}
		if to == nil {
			return p.errAt(dst, "%s: no host has the address %s (declare it with a host line first)", p.toks[0].text, addr.String())
		}
	} else {
		if i < 0 {
			return p.errAt(dst, "%s: want SERVER:PORT, e.g. web-a:80, or ADDRESS:PORT, not %q", p.toks[0].text, dst.text)
		}
		if to, err = p.hostByName(token{name, dst.col}); err != nil {
			return err
		}
	}
	if to.Name == from.text {
		return p.errAt(dst, "%s: %s connects to itself; pick another host", p.toks[0].text, from.text)
	}
	port, err := p.port(token{portText, dst.col + len(name) + 1})
	if err != nil {
		return err
	}
	c := Connect{Pos: Pos{p.line, p.toks[0].col}, From: from.text, To: to.Name, Addr: addr, Port: port, Count: 1}
	var pace token // the `every` or `rate` option, if any
	var opt token  // the first socket option, if any
	var tcpOnly, timeout token
	client, _ := p.hostByName(from)
	keys, flags := "at every rate count hold close upload proto timeout", "bind "+sockFlags+" bind-no-port"
	if send := p.toks[0].text == "send"; send {
		// sendto() from an unconnected UDP socket.
		c.Proto, c.Send = engine.UDP, true
		keys, flags = "at every rate count timeout socket", ""
	}
	err = p.options(4, keys, flags, func(k, v token) error {
		var err error
		switch k.text {
		case "close", "upload", "bind":
			if tcpOnly.text == "" {
				tcpOnly = k
			}
		}
		switch k.text {
		case "proto":
			c.Proto, err = p.proto(v)
		case "timeout":
			timeout = k
			c.Timeout, err = p.duration(v, true)
		case "socket":
			if !validName(v.text) {
				return p.errAt(v, "send: socket %q is not a name (letters, digits, - and _; starting with a letter)", v.text)
			}
			for _, o := range p.sc.Connects {
				if o.Socket == v.text && o.From != c.From {
					return p.errAt(v, "send: socket %q is %s's (%s); a socket belongs to one host", v.text, o.From, o.Pos)
				}
			}
			c.Socket = v.text
		case "bind":
			c.Bind = true
		case "reuseaddr", "reuseport", "exclusive", "bind-no-port":
			if opt.text == "" {
				opt = k
			}
			return p.sockOpt(client, k, &c.Opts)
		case "at":
			c.At, err = p.duration(v, false)
		case "hold":
			c.Hold, err = p.duration(v, false)
		case "every", "rate":
			if pace.text != "" {
				return p.errAt(k, "%s: give either every or rate, not both", p.toks[0].text)
			}
			pace = k
			if k.text == "every" {
				c.Every, err = p.duration(v, true)
			} else {
				c.Every, err = p.rate(v)
			}
		case "count":
			n, convErr := strconv.Atoi(v.text)
			if convErr != nil || n < 1 || n > MaxCount {
				return p.errAt(v, "%s: count %q is not a whole number from 1 to %d", p.toks[0].text, v.text, MaxCount)
			}
			c.Count = n
		case "upload":
			n, convErr := strconv.Atoi(v.text)
			if convErr != nil || n < 0 || n > MaxUpload {
				return p.errAt(v, "%s: upload %q is not a whole number of segments from 0 to %d", p.toks[0].text, v.text, MaxUpload)
			}
			c.Upload = n
		case "close":
			switch v.text {
			case "client":
				c.Closer = Client
			case "server":
				c.Closer = Server
			default:
				return p.errAt(v, "%s: close %q: want client or server (the side that closes first)", p.toks[0].text, v.text)
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	if c.Count > 1 && c.Every == 0 {
		return p.errAt(p.toks[0], "%s: count %d needs every D or rate N/s to say how they are spaced", p.toks[0].text, c.Count)
	}
	if opt.text != "" && !c.Bind {
		return p.errAt(opt, "%s: %s is an option of the socket bind() makes; add bind", p.toks[0].text, opt.text)
	}
	if c.Transport() == engine.UDP && tcpOnly.text != "" {
		return p.errAt(tcpOnly, "%s: %s is TCP's; a UDP socket has no handshake, no close to order and no TIME_WAIT", p.toks[0].text, tcpOnly.text)
	}
	if c.Transport() == engine.TCP && timeout.text != "" {
		return p.errAt(timeout, "%s: timeout is a UDP query's wait for its reply; add proto udp", p.toks[0].text)
	}
	p.sc.Connects = append(p.sc.Connects, c)
	return nil
}

// proto reads a protocol's name: tcp or udp.
func (p *parser) proto(t token) (engine.Proto, error) {
	switch t.text {
	case "tcp":
		return engine.TCP, nil
	case "udp":
		return engine.UDP, nil
	}
	return 0, p.errAt(t, "%s: proto %q: want tcp or udp", p.toks[0].text, t.text)
}

// sockFlags are the socket options a listen or connect line may set.
const sockFlags = "reuseaddr reuseport exclusive"

// sockOpt sets socket option k on o, if host h's OS has it.
func (p *parser) sockOpt(h *Host, k token, o *engine.SockOpts) error {
	var one engine.SockOpts
	switch k.text {
	case "reuseaddr":
		one.ReuseAddr = true
	case "reuseport":
		one.ReusePort = true
	case "exclusive":
		one.Exclusive = true
	case "bind-no-port":
		one.BindNoPort = true
	}
	if err := h.Profile.CheckOpts(one); err != nil {
		return p.errAt(k, "%s: %s (%s) is not an option on %s, %s's OS", p.toks[0].text, k.text, optName[k.text], h.Profile.Name, h.Name)
	}
	o.ReuseAddr = o.ReuseAddr || one.ReuseAddr
	o.ReusePort = o.ReusePort || one.ReusePort
	o.Exclusive = o.Exclusive || one.Exclusive
	o.BindNoPort = o.BindNoPort || one.BindNoPort
	return nil
}

// optName is each option's name in the sockets API.
var optName = map[string]string{"reuseaddr": "SO_REUSEADDR", "reuseport": "SO_REUSEPORT", "exclusive": "SO_EXCLUSIVEADDRUSE, Windows'",
	"bind-no-port": "IP_BIND_ADDRESS_NO_PORT, Linux 4.2 and later"}

// rate reads N/s (N may be a decimal) and returns the interval 1/N.
func (p *parser) rate(t token) (time.Duration, error) {
	num, ok := strings.CutSuffix(t.text, "/s")
	n, err := strconv.ParseFloat(num, 64)
	if !ok || err != nil || math.IsNaN(n) || n <= 0 || math.IsInf(n, 0) {
		return 0, p.errAt(t, "%s: rate %q: want connections per second, e.g. 10/s or 0.5/s", p.toks[0].text, t.text)
	}
	every := time.Duration(float64(time.Second) / n)
	if every < time.Microsecond {
		return 0, p.errAt(t, "%s: rate %q is more than 1000000/s", p.toks[0].text, t.text)
	}
	return every, nil
}

// addrList writes addresses as a host line does: separated by commas.
func addrList(addrs []netip.Addr) string {
	s := make([]string, len(addrs))
	for i, a := range addrs {
		s[i] = a.String()
	}
	return strings.Join(s, ",")
}

func validName(s string) bool {
	if s == "" || !('a' <= s[0] && s[0] <= 'z' || 'A' <= s[0] && s[0] <= 'Z') {
		return false
	}
	for _, c := range s {
		if !(c == '-' || c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
