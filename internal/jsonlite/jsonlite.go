// Package jsonlite reads the few JSON shapes the app reads (a phrasebook,
// saved progress, the class server's replies, the notes page's messages)
// without encoding/json's decoder: some 80 KB of wasm code that the
// browser's fonts-only floor does not carry. (The floor links
// encoding/json's encoder and syntax checker through log/slog, so writing
// JSON and checking it cost the app nothing; and reflect whole, through
// text/template, so the few calls this makes to it cost little.)
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
	"reflect"
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

// value reads one value into p, Fields or a pointer; nil skips it.
func (d *decoder) value(p any) error {
	if f, ok := p.(Fields); ok {
		return d.into(reflect.Value{}, f)
	}
	v := reflect.ValueOf(p)
	if v.IsValid() {
		v = v.Elem()
	}
	return d.into(v, nil)
}

var rawType = reflect.TypeFor[Raw]()

// into reads one value into v, or into f if it is not nil; an invalid v
// and a nil f skip it.
func (d *decoder) into(v reflect.Value, f Fields) error {
	c := d.space()
	k := v.Kind() // Invalid for a value skipped or read into f
	if k == reflect.Slice && v.Type() == rawType {
		start := d.i
		d.into(reflect.Value{}, nil)
		v.SetBytes(d.s[start:d.i])
		return nil
	}
	switch c {
	case 'n':
		d.i += len("null")
		if k == reflect.Map || k == reflect.Slice {
			v.SetZero()
		}
		return nil
	case '{':
		if f == nil && k != reflect.Map && k != reflect.Invalid {
			return want(k, f, "an object")
		}
		return d.object(v, f)
	case '[':
		if k != reflect.Slice && (k != reflect.Invalid || f != nil) {
			return want(k, f, "an array")
		}
		return d.array(v)
	case '"':
		s := d.str()
		if k == reflect.String {
			v.SetString(s)
			return nil
		}
		return want(k, f, "a string")
	case 't', 'f':
		lit := "true"
		if c == 'f' {
			lit = "false"
		}
		d.i += len(lit)
		if k == reflect.Bool {
			v.SetBool(c == 't')
			return nil
		}
		return want(k, f, lit)
	}
	start := d.i
	for d.i < len(d.s) && strings.IndexByte("+-.0123456789eE", d.s[d.i]) >= 0 {
		d.i++
	}
	lit := string(d.s[start:d.i])
	if k == reflect.Int {
		// As encoding/json: 1.0 and 1e3 are not ints.
		n, err := strconv.Atoi(lit)
		if err != nil {
			return fmt.Errorf("want a whole number, not %s", lit)
		}
		v.SetInt(int64(n))
		return nil
	}
	return want(k, f, lit)
}

// want is the error for a value, found, that a v of kind k (or f) cannot
// hold; none for a value skipped.
func want(k reflect.Kind, f Fields, found string) error {
	what := "an object"
	switch {
	case f != nil:
	case k == reflect.Invalid:
		return nil
	case k == reflect.Int:
		what = "a whole number"
	case k == reflect.String:
		what = "a string"
	case k == reflect.Bool:
		what = "true or false"
	case k == reflect.Slice:
		what = "an array"
	}
	return fmt.Errorf("want %s, not %s", what, found)
}

// object reads an object's members into f's fields, or a map v, or
// skips them.
func (d *decoder) object(v reflect.Value, f Fields) error {
	isMap := v.Kind() == reflect.Map
	if isMap && v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	d.i++ // '{'
	for d.space() != '}' {
		k := d.str()
		d.space()
		d.i++ // ':'
		var err error
		switch {
		case f != nil:
			err = d.value(f.field(k))
		case isMap:
			// Each value into a zero element; an int-keyed map's key read
			// as encoding/json reads it.
			e := reflect.New(v.Type().Elem()).Elem()
			if err = d.into(e, nil); err == nil {
				key := reflect.ValueOf(k)
				if v.Type().Key().Kind() == reflect.Int {
					var n int
					err = intKey(k, &n)
					key = reflect.ValueOf(n)
				}
				if err == nil {
					v.SetMapIndex(key, e)
				}
			}
		default:
			err = d.into(reflect.Value{}, nil)
		}
		if err != nil {
			return fmt.Errorf("%q: %w", k, err)
		}
		if d.space() == ',' {
			d.i++
		}
	}
	d.i++
	return nil
}

// field is the pointer to the field key names, ignoring case; nil if
// none.
func (f Fields) field(key string) any {
	for i := 0; i < len(f); i += 2 {
		if strings.EqualFold(key, f[i].(string)) {
			return f[i+1]
		}
	}
	return nil
}

// array reads an array into a slice v, or skips it. As encoding/json,
// elements go into the slice's own array where it has room, whatever an
// earlier value left there, and an empty array is an empty slice.
func (d *decoder) array(v reflect.Value) error {
	isSlice := v.Kind() == reflect.Slice
	n := 0
	d.i++ // '['
	for d.space() != ']' {
		var e reflect.Value
		if isSlice {
			if n >= v.Cap() {
				v.Grow(1)
			}
			if n >= v.Len() {
				v.SetLen(n + 1)
			}
			e = v.Index(n)
		}
		if err := d.into(e, nil); err != nil {
			return fmt.Errorf("element %d: %w", n, err)
		}
		n++
		if d.space() == ',' {
			d.i++
		}
	}
	d.i++
	if isSlice {
		if v.IsNil() {
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		}
		v.SetLen(n)
	}
	return nil
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
