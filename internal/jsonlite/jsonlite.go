// Package jsonlite reads the few JSON shapes the app reads (a phrasebook,
// saved progress, the class server's replies, the notes page's messages)
// without encoding/json's decoder, which is reflection over any Go type:
// some 80 KB of wasm code that the browser's fonts-only floor does not
// carry. (The floor links encoding/json's encoder and syntax checker
// through log/slog, so writing JSON and checking it cost the app
// nothing.)
//
// Unmarshal reads into the types the app uses (below, at Unmarshal) as
// json.Unmarshal reads into them, which its fuzz tests hold it to: the
// same syntax errors (Go's own scanner checks the input first), strings
// unescaped the same way (a bad surrogate or byte becomes U+FFFD), keys
// matched to fields ignoring case, a null leaving a number, string or
// bool as it was and making a map or slice nil, a repeated key read into
// what the one before it left. Its own errors name what was wanted, what
// was found and where; unlike json.Unmarshal it stops at the first.
package jsonlite

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Fields stand for a struct: each field's JSON name, then a pointer to
// it. Keys that name no field are skipped.
type Fields []any

// Raw is a value's JSON text.
type Raw []byte

// Unmarshal reads data into p, one of *int, *string, *bool, *Raw,
// *[]string, *[]int, *[][]int, *map[string]string, *map[string]Raw,
// *map[int]int, *map[int]bool, or Fields of these.
func Unmarshal(data []byte, p any) error {
	if !json.Valid(data) {
		// Compact runs the scanner Valid does, and says what it found.
		var b bytes.Buffer
		return json.Compact(&b, data)
	}
	d := decoder{s: data}
	return d.value(p)
}

// decoder reads input json.Valid has accepted, so it checks no syntax.
type decoder struct {
	s []byte
	i int
}

func (d *decoder) space() byte {
	for strings.IndexByte(" \t\n\r", d.s[d.i]) >= 0 {
		d.i++
	}
	return d.s[d.i]
}

// value reads one value into p; nil skips it.
func (d *decoder) value(p any) error {
	c := d.space()
	if r, ok := p.(*Raw); ok {
		start := d.i
		d.value(nil)
		*r = d.s[start:d.i]
		return nil
	}
	switch c {
	case 'n':
		d.i += len("null")
		switch p := p.(type) {
		case *[]string:
			*p = nil
		case *[][]int:
			*p = nil
		case *[]int:
			*p = nil
		case *map[string]string:
			*p = nil
		case *map[string]Raw:
			*p = nil
		case *map[int]int:
			*p = nil
		case *map[int]bool:
			*p = nil
		}
		return nil
	case '{':
		return d.object(p)
	case '[':
		return d.array(p)
	case '"':
		s := d.str()
		if q, ok := p.(*string); ok {
			*q = s
			return nil
		}
		return want(p, "a string")
	case 't', 'f':
		lit := "true"
		if c == 'f' {
			lit = "false"
		}
		d.i += len(lit)
		if q, ok := p.(*bool); ok {
			*q = c == 't'
			return nil
		}
		return want(p, lit)
	}
	start := d.i
	for d.i < len(d.s) && strings.IndexByte("+-.0123456789eE", d.s[d.i]) >= 0 {
		d.i++
	}
	lit := string(d.s[start:d.i])
	if q, ok := p.(*int); ok {
		// As encoding/json: 1.0 and 1e3 are not ints.
		if n, err := strconv.Atoi(lit); err == nil {
			*q = n
			return nil
		}
		return fmt.Errorf("want a whole number, not %s", lit)
	}
	return want(p, lit)
}

// want is the error for a value, found, that p cannot hold; none if p is
// nil (a value skipped).
func want(p any, found string) error {
	var what string
	switch p.(type) {
	case nil:
		return nil
	case *int:
		what = "a whole number"
	case *string:
		what = "a string"
	case *bool:
		what = "true or false"
	case *[]string, *[][]int, *[]int:
		what = "an array"
	default:
		what = "an object"
	}
	return fmt.Errorf("want %s, not %s", what, found)
}

func (d *decoder) object(p any) error {
	switch p := p.(type) {
	case nil, Fields:
	case *map[string]string:
		if *p == nil {
			*p = map[string]string{}
		}
	case *map[string]Raw:
		if *p == nil {
			*p = map[string]Raw{}
		}
	case *map[int]int:
		if *p == nil {
			*p = map[int]int{}
		}
	case *map[int]bool:
		if *p == nil {
			*p = map[int]bool{}
		}
	default:
		return want(p, "an object")
	}
	d.i++ // '{'
	for d.space() != '}' {
		k := d.str()
		d.space()
		d.i++ // ':'
		if err := d.member(p, k); err != nil {
			return fmt.Errorf("%q: %w", k, err)
		}
		if d.space() == ',' {
			d.i++
		}
	}
	d.i++
	return nil
}

// member reads the value of p's member k.
func (d *decoder) member(p any, k string) error {
	var err error
	switch p := p.(type) {
	case Fields:
		for i := 0; i < len(p); i += 2 {
			if strings.EqualFold(k, p[i].(string)) {
				return d.value(p[i+1])
			}
		}
		return d.value(nil)
	case *map[string]string:
		var e string
		err = d.value(&e)
		(*p)[k] = e
	case *map[string]Raw:
		var e Raw
		d.value(&e)
		(*p)[k] = e
	case *map[int]int:
		var e, n int
		if err = d.value(&e); err == nil {
			if err = intKey(k, &n); err == nil {
				(*p)[n] = e
			}
		}
	case *map[int]bool:
		var e bool
		if err = d.value(&e); err == nil {
			var n int
			if err = intKey(k, &n); err == nil {
				(*p)[n] = e
			}
		}
	default:
		err = d.value(nil)
	}
	return err
}

func (d *decoder) array(p any) error {
	switch p.(type) {
	case nil, *[]string, *[]int, *[][]int:
	default:
		return want(p, "an array")
	}
	n := 0 // elements read
	d.i++  // '['
	for d.space() != ']' {
		var err error
		switch p := p.(type) {
		case nil:
			err = d.value(nil)
		case *[]string:
			*p = grow(*p, n)
			err = d.value(&(*p)[n])
		case *[]int:
			*p = grow(*p, n)
			err = d.value(&(*p)[n])
		case *[][]int:
			*p = grow(*p, n)
			err = d.value(&(*p)[n])
		}
		if err != nil {
			return fmt.Errorf("element %d: %w", n, err)
		}
		n++
		if d.space() == ',' {
			d.i++
		}
	}
	d.i++
	switch p := p.(type) {
	case *[]string:
		*p = trim(*p, n)
	case *[]int:
		*p = trim(*p, n)
	case *[][]int:
		*p = trim(*p, n)
	}
	return nil
}

// grow makes room for element n as encoding/json does: the slice's own
// array where it has room, whatever an earlier value left there.
func grow[T any](s []T, n int) []T {
	if n < cap(s) {
		return s[:n+1]
	}
	var zero T
	return append(s, zero)
}

// trim ends s at n elements; an empty array is an empty slice, not nil.
func trim[T any](s []T, n int) []T {
	if s == nil {
		return []T{}
	}
	return s[:n]
}

// intKey reads a map key that is a whole number, as encoding/json reads
// an int-keyed map's keys.
func intKey(k string, p *int) error {
	n, err := strconv.Atoi(k)
	if err != nil {
		return fmt.Errorf("want a whole number as key")
	}
	*p = n
	return nil
}

// str reads a string literal, unescaped as encoding/json's unquote does.
func (d *decoder) str() string {
	d.i++ // '"'
	start := d.i
	for d.s[d.i] != '"' {
		if d.s[d.i] == '\\' {
			d.i++
		}
		d.i++
	}
	lit := d.s[start:d.i]
	d.i++
	if bytes.IndexByte(lit, '\\') < 0 && utf8.Valid(lit) {
		return string(lit)
	}
	b := make([]byte, 0, len(lit))
	for i := 0; i < len(lit); i++ {
		c := lit[i]
		if c != '\\' {
			b = append(b, c)
			continue
		}
		i++
		switch c = lit[i]; c {
		case 'b':
			c = '\b'
		case 'f':
			c = '\f'
		case 'n':
			c = '\n'
		case 'r':
			c = '\r'
		case 't':
			c = '\t'
		case 'u':
			r := hex4(lit[i+1:])
			i += 4
			// A surrogate pair makes one rune; a surrogate alone is U+FFFD,
			// and what follows it is read on its own.
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if i+6 < len(lit) && lit[i+1] == '\\' && lit[i+2] == 'u' {
					r2 = hex4(lit[i+3:])
				}
				if r = utf16.DecodeRune(r, r2); r != utf8.RuneError {
					i += 6
				}
			}
			b = utf8.AppendRune(b, r)
			continue
		}
		b = append(b, c) // and " \ /
	}
	if !utf8.Valid(b) {
		// Each bad byte is U+FFFD; an escape never makes a bad byte, nor
		// completes one.
		return string([]rune(string(b)))
	}
	return string(b)
}

// hex4 is the value of four hex digits json.Valid has seen.
func hex4(h []byte) rune {
	n, _ := strconv.ParseUint(string(h[:4]), 16, 32)
	return rune(n)
}
