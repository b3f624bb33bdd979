// Package mutscope names the part of a package a mutation run is about:
// functions and package-level variables by name, resolved to the lines
// they span in the source as it is now. cmd/casecover keeps only their
// blocks in the coverage profile gremlins reads (so gremlins tests only
// their mutants and calls the rest NOT COVERED), and cmd/mutscore counts
// only their mutants. Names, not line numbers: a scope stays right as
// the file around it changes.
package mutscope

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
)

// Span is lines From to To (inclusive) of File, a path relative to the
// module's root with slashes.
type Span struct {
	File     string
	From, To int
}

// Scope is a set of spans; the nil Scope holds everything.
type Scope []Span

// Holds says whether line of file (module-relative) lies in the scope.
func (s Scope) Holds(file string, line int) bool {
	if s == nil {
		return true
	}
	return slices.ContainsFunc(s, func(sp Span) bool { return sp.File == file && sp.From <= line && line <= sp.To })
}

// Resolve reads a scope written as space-separated FILE:NAME,NAME...
// items ("lesson/session.go:judge,truth lesson/probe.go:twReuseOutcome"),
// FILE relative to root. A NAME is a function, a method (by its name
// alone) or a package-level variable; one that FILE does not declare is
// an error, so a renamed function cannot silently leave the scope. An
// empty spec is the nil Scope.
func Resolve(root, spec string) (Scope, error) {
	var s Scope
	for _, item := range strings.Fields(spec) {
		file, names, ok := strings.Cut(item, ":")
		if !ok || names == "" {
			return nil, fmt.Errorf("scope %q: want FILE:NAME,NAME", item)
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, filepath.Join(root, filepath.FromSlash(file)), nil, 0)
		if err != nil {
			return nil, fmt.Errorf("scope %q: %w", item, err)
		}
		for _, name := range strings.Split(names, ",") {
			node := declared(f, name)
			if node == nil {
				return nil, fmt.Errorf("scope %q: %s declares no function or variable %s", item, file, name)
			}
			s = append(s, Span{file, fset.Position(node.Pos()).Line, fset.Position(node.End()).Line})
		}
	}
	return s, nil
}

// declared is f's top-level function, method or variable called name.
func declared(f *ast.File, name string) ast.Node {
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Name.Name == name {
				return d
			}
		case *ast.GenDecl:
			if d.Tok != token.VAR {
				continue
			}
			for _, sp := range d.Specs {
				if slices.ContainsFunc(sp.(*ast.ValueSpec).Names, func(id *ast.Ident) bool { return id.Name == name }) {
					return sp
				}
			}
		}
	}
	return nil
}
