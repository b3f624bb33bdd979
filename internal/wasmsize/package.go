package wasmsize

import (
	"cmp"
	"slices"
	"strings"
)

// Groups for functions that belong to no package.
const (
	NoPackage = "(no package)"         // the runtime's assembly: memeqbody, wasm_pc_f_loop, …
	Unnamed   = "(unnamed)"            // a function the name section does not name
	Generated = "type:.eq, type:.hash" // generated equality and hashing of an unnamed type: [2]string, struct{…}, a shape
)

// Package is the Go package a function's name in a Go-built module
// belongs to, as the name spells it. Go's linker writes a function's full
// name with every character other than letters, digits, '_' and '.' made
// '_' (cmd/link/internal/wasm, nameRegexp): the import path's '/' and
// '-', a method's "(*T)" ("__T_") and a generic instantiation's brackets
// ("F_go.shape.int_") all become '_', so the package is returned with its
// '_'s: "github.com_portplay_portplay_lesson" for
// "github.com_portplay_portplay_lesson.__parser_.statement".
//
// The package ends at the first '.', except in a host name: an import
// path whose first element ends in a top-level domain that module paths
// use (github.com, golang.org, gopkg.in, …; see tlds) keeps that element's
// dots, and a gopkg.in-style version suffix (".v3") stays with the
// package. A generated equality or hash function counts for its named
// type's package, and the standard library's vendored copies
// ("vendor_golang.org_x_net_…") keep their prefix.
// Names as Go spells them, with '/' and '[' (a name section from another
// linker), work too: they are cut at the '['.
func Package(name string) string {
	if name == "" {
		return Unnamed
	}
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	if rest, ok := generatedFor(name); ok {
		if p := Package(rest); rest != "" && !unnamedType(rest) && p != NoPackage {
			return p
		}
		return Generated
	}
	for _, vendor := range []string{"vendor_", "vendor/"} { // the standard library's copies of golang.org/x/…
		if rest, ok := strings.CutPrefix(name, vendor); ok {
			if p := Package(rest); p != NoPackage {
				return vendor + p
			}
			return NoPackage
		}
	}
	start := 0
	if i := strings.IndexAny(name, "_/"); i >= 0 && isHost(name[:i]) {
		start = i + 1
	}
	end := start
	for {
		dot := strings.IndexByte(name[end:], '.')
		if dot < 0 || end+dot == 0 {
			return NoPackage
		}
		end += dot
		v := 0
		if start > 0 {
			v = versionSuffix(name[end:])
		}
		if v == 0 || name[end+v] == '.' {
			return name[:end+v]
		}
		end += v // "gopkg.in_yaml.v3_sub.F": the path goes on
	}
}

// generatedFor says whether name is a function the compiler generates
// for a type (type:.eq.T, type:.hash.T), and of which type.
func generatedFor(name string) (typ string, ok bool) {
	for _, prefix := range []string{"type_.", "type:."} {
		if rest, ok := strings.CutPrefix(name, prefix); ok {
			if kind, typ, ok := strings.Cut(rest, "."); ok && kind != "" && strings.Trim(kind, "abcdefghijklmnopqrstuvwxyz") == "" {
				return typ, true
			}
		}
	}
	return "", false
}

// unnamedType says whether a type's name, as the linker writes it, starts
// as no package's named type does: an array, pointer or slice ("_2_string",
// raw "*T"), a type literal ("struct___X_int__", "interface_…") or a
// generic shape ("go.shape.int").
func unnamedType(t string) bool {
	if strings.HasPrefix(t, "_") || strings.HasPrefix(t, "*") || strings.HasPrefix(t, "go.shape.") {
		return true
	}
	for _, kw := range []string{"struct", "interface", "func", "map", "chan"} {
		if rest, ok := strings.CutPrefix(t, kw); ok && rest != "" && strings.IndexByte("_ {(", rest[0]) >= 0 {
			return true
		}
	}
	return false
}

// versionSuffix is the length of a ".vN" that ends a path element
// (gopkg.in/yaml.v3) at the start of s, or 0.
func versionSuffix(s string) int {
	if len(s) < 3 || s[0] != '.' || s[1] != 'v' {
		return 0
	}
	i := 2
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 2 || i == len(s) || (s[i] != '.' && s[i] != '_') {
		return 0
	}
	return i
}

// tlds are the top-level domains of module paths' hosts. A Go symbol name
// can look like a host too ("time.atoi_go.shape.string_" is time.atoi's
// instantiation, "runtime.mProf_Malloc" a function): only a known domain
// makes its first element a host. An unknown one makes the whole host
// and path one "package" named by the host's first label, visibly wrong
// rather than silently merged into a standard package.
var tlds = map[string]bool{
	"com": true, "org": true, "net": true, "io": true, "in": true, "dev": true,
	"co": true, "cc": true, "me": true, "sh": true, "ht": true, "app": true,
	"xyz": true, "info": true, "tech": true, "cloud": true, "eu": true,
	"de": true, "fr": true, "uk": true, "nl": true, "ch": true, "jp": true,
	"cn": true, "ru": true, "pl": true, "it": true, "se": true, "fi": true,
	"no": true, "be": true, "at": true, "cz": true, "to": true, "ai": true,
	"edu": true, "gov": true, "us": true, "ca": true, "au": true,
}

// isHost says whether s is a host name with a known top-level domain:
// two or more labels of lower-case letters, digits and '-'.
func isHost(s string) bool {
	labels := strings.Split(s, ".")
	if len(labels) < 2 || !tlds[labels[len(labels)-1]] {
		return false
	}
	for _, l := range labels {
		if l == "" || strings.Trim(l, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return false
		}
	}
	return true
}

// PackageSize is one package's functions in one module.
type PackageSize struct {
	Package string
	Size    int // bytes of function bodies
	Funcs   int
}

// ByPackage adds a module's functions up by Package, largest first (ties
// by name, so the order is the same every run).
func ByPackage(m *Module) []PackageSize {
	idx := map[string]int{}
	var out []PackageSize
	for _, f := range m.Funcs {
		p := Package(f.Name)
		i, ok := idx[p]
		if !ok {
			i = len(out)
			idx[p] = i
			out = append(out, PackageSize{Package: p})
		}
		out[i].Size += f.Size
		out[i].Funcs++
	}
	slices.SortFunc(out, func(a, b PackageSize) int {
		return cmp.Or(cmp.Compare(b.Size, a.Size), strings.Compare(a.Package, b.Package))
	})
	return out
}

// Change is one package's code in two modules.
type Change struct {
	Package string
	Base    int // bytes in the base module (0 if it has no such package)
	Size    int // bytes in the other
}

// Growth is Size - Base.
func (c Change) Growth() int { return c.Size - c.Base }

// Diff compares m's code by package with base's: every package in either,
// those that grew most first, then those that shrank least, ties by name.
func Diff(base, m *Module) []Change {
	idx := map[string]int{}
	var out []Change
	add := func(mod *Module, size func(*Change) *int) {
		for _, p := range ByPackage(mod) {
			i, ok := idx[p.Package]
			if !ok {
				i = len(out)
				idx[p.Package] = i
				out = append(out, Change{Package: p.Package})
			}
			*size(&out[i]) = p.Size
		}
	}
	add(base, func(c *Change) *int { return &c.Base })
	add(m, func(c *Change) *int { return &c.Size })
	slices.SortFunc(out, func(a, b Change) int {
		return cmp.Or(cmp.Compare(b.Growth(), a.Growth()), strings.Compare(a.Package, b.Package))
	})
	return out
}
