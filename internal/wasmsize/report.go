package wasmsize

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Report writes what app adds to floor: its code by package, the top
// packages by growth (all of them if top <= 0) and the rest in one line,
// then every section and the whole file. A module without function names
// (linked with -ldflags=-s) gets its sections only, and says so.
// appName and floorName say which file is which.
func Report(w io.Writer, appName string, app *Module, floorName string, floor *Module, top int) error {
	var b strings.Builder
	unnamed := false
	for _, f := range []struct {
		name string
		m    *Module
	}{{appName, app}, {floorName, floor}} {
		if !f.m.Named {
			unnamed = true
			fmt.Fprintf(&b, "%s has no function names (no \"name\" section: linked with -s): build without -ldflags=-s to see packages\n", f.name)
		}
	}
	if unnamed {
		b.WriteString("\n")
	} else {
		writePackages(&b, Diff(floor, app), top)
	}
	writeSections(&b, app, floor)
	_, err := io.WriteString(w, b.String())
	return err
}

// kb is n bytes in kilobytes (1000 bytes, as the README's MB are 10⁶).
func kb(n int) string { return fmt.Sprintf("%.1f", float64(n)/1e3) }

func signedKB(n int) string {
	if n > 0 {
		return "+" + kb(n)
	}
	return kb(n)
}

func writePackages(b *strings.Builder, changes []Change, top int) {
	b.WriteString("code by package, KB of function bodies (package paths as Go's linker spells them, '/' and '-' as '_')\n")
	var rows [][4]string
	row := func(label string, size, base int) {
		rows = append(rows, [4]string{label, kb(size), kb(base), signedKB(size - base)})
	}
	shown := changes
	if top > 0 && len(changes) > top {
		shown = changes[:top]
	}
	for _, c := range shown {
		row(c.Package, c.Size, c.Base)
	}
	sum := func(cs []Change) (size, base int) {
		for _, c := range cs {
			size += c.Size
			base += c.Base
		}
		return size, base
	}
	if rest := changes[len(shown):]; len(rest) > 0 {
		size, base := sum(rest)
		row(fmt.Sprintf("(%d more packages)", len(rest)), size, base)
	}
	size, base := sum(changes)
	row("all functions", size, base)
	writeTable(b, [4]string{"package", "app", "floor", "growth"}, rows)
	b.WriteString("\n")
}

// writeTable writes rows under a header: the first column left-aligned,
// the numbers right-aligned.
func writeTable(b *strings.Builder, header [4]string, rows [][4]string) {
	var width [4]int
	for _, r := range append([][4]string{header}, rows...) {
		for i, s := range r {
			width[i] = max(width[i], len(s))
		}
	}
	for _, r := range append([][4]string{header}, rows...) {
		fmt.Fprintf(b, "%-*s  %*s  %*s  %*s\n", width[0], r[0], width[1], r[1], width[2], r[2], width[3], r[3])
	}
}

// sectionKey names a section for the table: custom sections by their
// own name, since one module may have several.
type sectionKey struct {
	id   byte
	name string
}

func (k sectionKey) String() string {
	if k.id == SecCustom {
		return fmt.Sprintf("custom %q", k.name)
	}
	return SectionName(k.id)
}

func writeSections(b *strings.Builder, app, floor *Module) {
	sizes := map[sectionKey]*[2]int{}
	var keys []sectionKey
	for i, m := range []*Module{app, floor} {
		for _, s := range m.Sections {
			k := sectionKey{s.ID, s.Name}
			if sizes[k] == nil {
				sizes[k] = &[2]int{}
				keys = append(keys, k)
			}
			sizes[k][i] += s.Size
		}
	}
	// The specification's order of sections, then custom ones by name.
	custom := func(k sectionKey) int {
		if k.id == SecCustom {
			return 1
		}
		return 0
	}
	slices.SortFunc(keys, func(x, y sectionKey) int {
		return cmp.Or(cmp.Compare(custom(x), custom(y)), cmp.Compare(x.id, y.id), strings.Compare(x.name, y.name))
	})
	b.WriteString("sections, KB\n")
	var rows [][4]string
	for _, k := range keys {
		s := sizes[k]
		rows = append(rows, [4]string{k.String(), kb(s[0]), kb(s[1]), signedKB(s[0] - s[1])})
	}
	rows = append(rows, [4]string{"whole file", kb(app.Size), kb(floor.Size), signedKB(app.Size - floor.Size)})
	writeTable(b, [4]string{"section", "app", "floor", "growth"}, rows)
	if floor.Size > 0 {
		fmt.Fprintf(b, "ratio of the whole files: %.3f\n", float64(app.Size)/float64(floor.Size))
	}
}
