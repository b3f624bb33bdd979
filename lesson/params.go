package lesson

import (
	"errors"
	"sort"
	"strconv"
	"strings"
)

// Params are a link's parameters, each name's values in order: what
// net/url's ParseQuery reads and its Values.Encode writes. The browser's
// build reads its address and writes share links with these, and so
// carries none of net/url's query code (4 KB of the brotli wasm;
// text/template links the rest of net/url). A fuzz test holds both to
// net/url.
type Params map[string][]string

// Get is name's first value, "" if it has none.
func (p Params) Get(name string) string {
	if v := p[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Has reports whether name is given, with a value or without.
func (p Params) Has(name string) bool {
	_, ok := p[name]
	return ok
}

// Set makes v name's only value.
func (p Params) Set(name, v string) { p[name] = []string{v} }

// Encode writes p as name=value pairs joined by &, by name, each escaped
// as a query's (space as +).
func (p Params) Encode() string {
	names := make([]string, 0, len(p))
	for n := range p {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		for _, v := range p[n] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(queryEscape(n))
			b.WriteByte('=')
			b.WriteString(queryEscape(v))
		}
	}
	return b.String()
}

// maxParams is net/url's limit on a query's parameters (its GODEBUG
// urlmaxqueryparams default).
const maxParams = 10000

// ParseParams reads a query (after ?) or fragment (after #) as
// url.ParseQuery does: every pair it can read, and the first problem, in
// the words net/url gives it.
func ParseParams(s string) (Params, error) {
	p := Params{}
	if strings.Count(s, "&")+1 > maxParams {
		return p, errors.New("number of URL query parameters exceeded limit")
	}
	var err error
	for s != "" {
		var pair string
		pair, s, _ = strings.Cut(s, "&")
		if strings.Contains(pair, ";") {
			err = errors.New("invalid semicolon separator in query")
			continue
		}
		if pair == "" {
			continue
		}
		name, v, _ := strings.Cut(pair, "=")
		name, err1 := queryUnescape(name)
		if err1 == nil {
			v, err1 = queryUnescape(v)
		}
		if err1 != nil {
			if err == nil {
				err = err1
			}
			continue
		}
		p[name] = append(p[name], v)
	}
	return p, err
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// queryUnescape undoes queryEscape: %XX and + (a space).
func queryUnescape(s string) (string, error) {
	if !strings.ContainsAny(s, "%+") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				bad := s[i:min(i+3, len(s))]
				return "", errors.New("invalid URL escape " + strconv.Quote(bad))
			}
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
		case '+':
			b.WriteByte(' ')
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// queryEscape escapes s for a query: letters, digits and -_.~ as they
// are, a space as +, every other byte as %XX.
func queryEscape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}
