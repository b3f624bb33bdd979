// Command casecover adds to a Go coverage profile the case conditions of
// every switch the tests reached, and the package-level declarations of
// every file they ran, so that gremlins (v0.6.0) tests their mutants
// instead of calling them NOT COVERED.
//
//	casecover -module github.com/portplay/portplay -root DIR [-scope SPEC] PROFILE
//
// Go's coverage gives a switch's case conditions no block of their own
// (only the bodies), and gremlins reads a mutant outside every block as
// one no test runs (go-gremlins/gremlins#298). A case condition is
// evaluated when its switch is reached, so each gets a block with the
// count of the block holding its switch keyword. A condition that is
// reached only in name (an earlier case always returns) then shows as
// LIVED, not as covered: the profile never claims more than was run.
// scripts/mutation.sh runs it through a go command in front of the real
// one. With -scope (internal/mutscope) it also drops every block outside
// the functions named, so that gremlins tests only their mutants.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/portplay/portplay/internal/mutscope"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("casecover", flag.ContinueOnError)
	fs.SetOutput(stderr)
	module := fs.String("module", "", "the module path the profile's file names begin with")
	root := fs.String("root", ".", "the module's directory")
	spec := fs.String("scope", "", "keep only the blocks of these functions: FILE:NAME,NAME ... (internal/mutscope)")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 || *module == "" {
		fmt.Fprintln(stderr, "usage: casecover -module PATH -root DIR [-scope SPEC] PROFILE")
		return 2
	}
	name := fs.Arg(0)
	scope, err := mutscope.Resolve(*root, *spec)
	var prof []byte
	if err == nil {
		prof, err = os.ReadFile(name)
	}
	if err == nil {
		prof, err = extend(prof, func(file string) ([]byte, error) {
			rel, ok := strings.CutPrefix(file, *module+"/")
			if !ok {
				return nil, fmt.Errorf("%s is not in module %s", file, *module)
			}
			return os.ReadFile(filepath.Join(*root, filepath.FromSlash(rel)))
		})
	}
	if err == nil && scope != nil {
		prof, err = keep(prof, *module+"/", scope)
	}
	if err == nil {
		err = os.WriteFile(name, prof, 0o644)
	}
	if err != nil {
		fmt.Fprintln(stderr, "casecover:", err)
		return 1
	}
	return 0
}

// block is one line of a profile: file:l0.c0,l1.c1 statements count.
type block struct {
	file           string
	l0, c0, l1, c1 int
	count          int
}

func (b block) holds(p token.Position) bool {
	after := p.Line > b.l0 || p.Line == b.l0 && p.Column >= b.c0
	before := p.Line < b.l1 || p.Line == b.l1 && p.Column <= b.c1
	return after && before
}

// extend returns prof with a block for each case condition of a switch
// whose keyword lies in a block the tests ran; source reads a file by its
// name in the profile.
func extend(prof []byte, source func(string) ([]byte, error)) ([]byte, error) {
	byFile := map[string][]block{}
	var files []string
	sc := bufio.NewScanner(bytes.NewReader(prof))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "mode:") || line == "" {
			continue
		}
		b, err := parseBlock(line)
		if err != nil {
			return nil, err
		}
		if byFile[b.file] == nil {
			files = append(files, b.file)
		}
		byFile[b.file] = append(byFile[b.file], b)
	}
	out := bytes.TrimRight(prof, "\n")
	for _, file := range files {
		src, err := source(file)
		if err != nil {
			return nil, err
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, file, src, 0)
		if err != nil {
			return nil, err
		}
		// A package's constants, types and variables are in effect once
		// any of its code has run: their expressions (10 * time.Second, an
		// array's length) have no block, and gremlins#298 applies to them
		// too.
		ran := slices.ContainsFunc(byFile[file], func(b block) bool { return b.count > 0 })
		for _, d := range f.Decls {
			if gd, ok := d.(*ast.GenDecl); ok && ran {
				p0, p1 := fset.Position(gd.Pos()), fset.Position(gd.End())
				out = fmt.Appendf(out, "\n%s:%d.%d,%d.%d 1 1", file, p0.Line, p0.Column, p1.Line, p1.Column)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			var body *ast.BlockStmt
			switch s := n.(type) {
			case *ast.SwitchStmt:
				body = s.Body
			case *ast.TypeSwitchStmt:
				return true // its cases are types: no mutants
			default:
				return true
			}
			count := 0
			at := fset.Position(n.Pos())
			for _, b := range byFile[file] {
				if b.holds(at) {
					count = max(count, b.count)
				}
			}
			if count == 0 {
				return true
			}
			for _, st := range body.List {
				cc := st.(*ast.CaseClause)
				if len(cc.List) == 0 {
					continue // default
				}
				p0, p1 := fset.Position(cc.Case), fset.Position(cc.Colon)
				out = fmt.Appendf(out, "\n%s:%d.%d,%d.%d 1 %d", file, p0.Line, p0.Column, p1.Line, p1.Column, count)
			}
			return true
		})
	}
	return append(out, '\n'), nil
}

// keep returns prof with only the blocks that overlap scope (files named
// in it relative to the module, whose path and slash are prefix): gremlins
// then tests only the mutants there and calls the rest NOT COVERED, which
// cmd/mutscore leaves out of its count with the same scope.
func keep(prof []byte, prefix string, scope mutscope.Scope) ([]byte, error) {
	var out []byte
	sc := bufio.NewScanner(bytes.NewReader(prof))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "mode:") && line != "" {
			b, err := parseBlock(line)
			if err != nil {
				return nil, err
			}
			file := strings.TrimPrefix(b.file, prefix)
			if !slices.ContainsFunc(scope, func(sp mutscope.Span) bool { return sp.File == file && sp.From <= b.l1 && b.l0 <= sp.To }) {
				continue
			}
		}
		out = append(append(out, line...), '\n')
	}
	return out, sc.Err()
}

func parseBlock(line string) (block, error) {
	bad := fmt.Errorf("not a coverage profile line: %q", line)
	colon := strings.LastIndex(line, ":")
	if colon < 0 {
		return block{}, bad
	}
	fields := strings.Fields(line[colon+1:])
	if len(fields) != 3 {
		return block{}, bad
	}
	var b block
	b.file = line[:colon]
	if _, err := fmt.Sscanf(fields[0], "%d.%d,%d.%d", &b.l0, &b.c0, &b.l1, &b.c1); err != nil {
		return block{}, bad
	}
	n, err := strconv.Atoi(fields[2])
	if err != nil {
		return block{}, bad
	}
	b.count = n
	return b, nil
}
