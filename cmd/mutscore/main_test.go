package main

import (
	"bytes"
	"go/scanner"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/internal/mutscope"
)

const root = "../.."

// An equivalent mutant is left out of the second efficacy only while it
// lives; one KILLED means the list is wrong; the scope limits every count.
func TestScore(t *testing.T) {
	eq := map[mutant]bool{{"p/a.go", 3, 5, "CONDITIONALS_BOUNDARY"}: true}
	rep := []result{
		{mutant{"p/a.go", 3, 5, "CONDITIONALS_BOUNDARY"}, "LIVED"},
		{mutant{"p/a.go", 3, 5, "CONDITIONALS_NEGATION"}, "LIVED"}, // same place, another mutant
		{mutant{"p/a.go", 4, 2, "ARITHMETIC_BASE"}, "KILLED"},
		{mutant{"p/a.go", 5, 2, "ARITHMETIC_BASE"}, "KILLED"},
		{mutant{"p/a.go", 6, 2, "ARITHMETIC_BASE"}, "NOT COVERED"},
		{mutant{"p/a.go", 7, 2, "ARITHMETIC_BASE"}, "TIMED OUT"},
		{mutant{"p/b.go", 9, 9, "INCREMENT_DECREMENT"}, "NOT COVERED"},
	}
	s := score(rep, eq, nil)
	assert.Equal(t, 2, s.killed)
	assert.Equal(t, 2, s.lived)
	assert.Equal(t, 1, s.equivalent)
	assert.Equal(t, 2, s.notCovered)
	assert.Equal(t, 1, s.timedOut)
	assert.InDelta(t, 50, s.efficacy(false), 1e-9)
	assert.InDelta(t, 100*2/3.0, s.efficacy(true), 1e-9)
	assert.InDelta(t, 100*4/6.0, s.coverage(), 1e-9)
	assert.Equal(t, []mutant{{"p/a.go", 3, 5, "CONDITIONALS_NEGATION"}}, s.undocumented)
	assert.True(t, s.pass(66))
	assert.False(t, s.pass(67))

	s = score(rep, eq, mutscope.Scope{{File: "p/a.go", From: 4, To: 6}})
	assert.Equal(t, tally{killed: 2, notCovered: 1}, s)

	rep[0].status = "KILLED"
	s = score(rep, eq, nil)
	assert.Equal(t, []mutant{{"p/a.go", 3, 5, "CONDITIONALS_BOUNDARY"}}, s.killedEq)
	assert.False(t, s.pass(0), "a mutant listed as equivalent was killed")
	var out bytes.Buffer
	s.write(&out, "p")
	assert.Contains(t, out.String(), "p: KILLED, yet listed as equivalent: p/a.go:3:5 CONDITIONALS_BOUNDARY\n")
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	report := filepath.Join(dir, "r.json")
	require.NoError(t, os.WriteFile(report, []byte(`{"files": [{"file_name": "a.go", "mutations": [
		{"type": "CONDITIONALS_BOUNDARY", "status": "LIVED", "line": 3, "column": 5},
		{"type": "ARITHMETIC_BASE", "status": "KILLED", "line": 4, "column": 2}]}]}`), 0o644))
	eqs := filepath.Join(dir, "eq.txt")
	require.NoError(t, os.WriteFile(eqs, []byte("# a comment\n\np/a.go:3:5 CONDITIONALS_BOUNDARY\n"), 0o644))
	var out, errs bytes.Buffer
	assert.Equal(t, 1, run([]string{"-dir", "p", report}, &out, &errs), "50%% without the list")
	assert.Contains(t, out.String(), "p: LIVED, not listed as equivalent: p/a.go:3:5 CONDITIONALS_BOUNDARY\n")
	out.Reset()
	assert.Equal(t, 0, run([]string{"-dir", "p", "-name", "pkg", "-equivalents", eqs, report}, &out, &errs))
	assert.Equal(t, "pkg: 1 killed, 1 lived (1 documented as equivalent), 0 not covered, 0 timed out\n"+
		"pkg: test efficacy 50.0% as gremlins counts, 100.0% without the equivalents; mutator coverage 100.0%\n", out.String())

	require.NoError(t, os.WriteFile(eqs, []byte("p/a.go:3 CONDITIONALS_BOUNDARY\n"), 0o644))
	errs.Reset()
	assert.Equal(t, 1, run([]string{"-dir", "p", "-equivalents", eqs, report}, &out, &errs))
	assert.Contains(t, errs.String(), `eq.txt:1: "p/a.go:3 CONDITIONALS_BOUNDARY": want FILE:LINE:COLUMN TYPE`)
	errs.Reset()
	assert.Equal(t, 1, run([]string{"-root", root, "-dir", "p", "-scope", "cmd/mutscore/main.go:nosuch", report}, &out, &errs))
	assert.Contains(t, errs.String(), "declares no function or variable nosuch")
	assert.Equal(t, 2, run([]string{report}, &out, &errs), "no -dir")
}

// The tokens each of gremlins' (v0.6.0) mutators changes
// (internal/engine/mappings.go there).
var mutates = map[string][]token.Token{
	"ARITHMETIC_BASE":         {token.ADD, token.SUB, token.MUL, token.QUO, token.REM},
	"CONDITIONALS_BOUNDARY":   {token.GTR, token.GEQ, token.LSS, token.LEQ},
	"CONDITIONALS_NEGATION":   {token.EQL, token.NEQ, token.GTR, token.GEQ, token.LSS, token.LEQ},
	"INCREMENT_DECREMENT":     {token.INC, token.DEC},
	"INVERT_ASSIGNMENTS":      {token.ADD_ASSIGN, token.SUB_ASSIGN, token.MUL_ASSIGN, token.QUO_ASSIGN, token.REM_ASSIGN},
	"INVERT_BITWISE":          {token.AND, token.OR, token.XOR, token.AND_NOT, token.SHL, token.SHR},
	"INVERT_BWASSIGN":         {token.AND_ASSIGN, token.OR_ASSIGN, token.XOR_ASSIGN, token.AND_NOT_ASSIGN, token.SHL_ASSIGN, token.SHR_ASSIGN},
	"INVERT_LOGICAL":          {token.LAND, token.LOR},
	"INVERT_LOOPCTRL":         {token.BREAK, token.CONTINUE},
	"INVERT_NEGATIVES":        {token.SUB},
	"REMOVE_SELF_ASSIGNMENTS": {token.ADD_ASSIGN, token.SUB_ASSIGN, token.MUL_ASSIGN, token.QUO_ASSIGN, token.REM_ASSIGN, token.AND_ASSIGN, token.OR_ASSIGN, token.XOR_ASSIGN, token.AND_NOT_ASSIGN, token.SHL_ASSIGN, token.SHR_ASSIGN},
}

// Every listed equivalent names an operator its mutator changes, at its
// line and column in the source as it is now: an edit that moves the code
// fails here, not in a two-hour run.
func TestEquivalentsPointAtTheirOperator(t *testing.T) {
	eq, err := readEquivalents(filepath.Join(root, "docs", "equivalent-mutants.txt"))
	require.NoError(t, err)
	require.NotEmpty(t, eq)
	for m := range eq {
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(m.file)))
		if !assert.NoError(t, err, "%s", m) {
			continue
		}
		fset := token.NewFileSet()
		var s scanner.Scanner
		s.Init(fset.AddFile(m.file, -1, len(src)), src, nil, 0)
		var at token.Token
		for {
			pos, tok, _ := s.Scan()
			p := fset.Position(pos)
			if tok == token.EOF || p.Line > m.line || p.Line == m.line && p.Column >= m.column {
				if p.Line == m.line && p.Column == m.column {
					at = tok
				}
				break
			}
		}
		require.Contains(t, mutates, m.kind, "%s: no such mutator", m)
		assert.Contains(t, mutates[m.kind], at, "%s: the source has %s there: if the code moved, move this line of docs/equivalent-mutants.txt and docs/testing.md's table with it", m, at)
	}
}

// docs/testing.md's table of equivalents gives each listed mutant's
// reason: its "where" column names exactly the places the list does.
func TestEquivalentsAreDocumented(t *testing.T) {
	eq, err := readEquivalents(filepath.Join(root, "docs", "equivalent-mutants.txt"))
	require.NoError(t, err)
	listed := map[string]bool{}
	for m := range eq {
		listed[m.file+":"+strconv.Itoa(m.line)+":"+strconv.Itoa(m.column)] = true
	}
	doc, err := os.ReadFile(filepath.Join(root, "docs", "testing.md"))
	require.NoError(t, err)
	_, table, ok := strings.Cut(string(doc), "### Equivalent mutants")
	require.True(t, ok)
	documented := map[string]bool{}
	code := regexp.MustCompile("`([^`]*)`")
	for _, row := range strings.Split(table, "\n") {
		cells := strings.Split(row, "|")
		if len(cells) < 4 || strings.HasPrefix(strings.TrimSpace(cells[1]), "---") || strings.TrimSpace(cells[1]) == "where" {
			continue
		}
		// `path:line:col`, then `:line:col` (same file) or `:col` (same line).
		var file, line string
		for _, c := range code.FindAllStringSubmatch(cells[1], -1) {
			parts := strings.Split(c[1], ":")
			switch len(parts) {
			case 3:
				if parts[0] != "" {
					file = parts[0]
				}
				line = parts[1]
			case 2:
			default:
				t.Errorf("%q in %q: want path:line:col, :line:col or :col", c[1], row)
				continue
			}
			documented[file+":"+line+":"+parts[len(parts)-1]] = true
		}
	}
	assert.Equal(t, listed, documented, "docs/equivalent-mutants.txt and docs/testing.md's table")
}
