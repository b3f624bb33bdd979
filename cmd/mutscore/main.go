// Command mutscore gives a gremlins run's figures twice: as gremlins
// counts them, and with the LIVED mutants that docs/equivalent-mutants.txt
// lists as equivalent left out (an equivalent mutant cannot be told from
// the program, so no test can kill it, and gremlins counts it as LIVED).
// It fails under -min for the second test efficacy or for mutator
// coverage, and when a mutant listed as equivalent was KILLED (the list
// is then wrong).
//
//	mutscore -root DIR -dir PKG [-name NAME] [-equivalents FILE] [-scope SPEC] [-min 95] REPORT.json
//
// PKG is the package's directory relative to root (gremlins names files
// relative to it); SPEC limits the count to some functions
// (internal/mutscope), for a run whose coverage profile was limited to
// them too (cmd/casecover -scope). scripts/mutation.sh runs it after
// each package.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/portplay/portplay/internal/mutscope"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mutscore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	root := fs.String("root", ".", "the module's directory")
	dir := fs.String("dir", "", "the package's directory, relative to root")
	name := fs.String("name", "", "the run's name in the output (default: -dir)")
	eqFile := fs.String("equivalents", "", "the list of equivalent mutants (FILE:LINE:COLUMN TYPE a line)")
	spec := fs.String("scope", "", "only these functions: FILE:NAME,NAME ...")
	least := fs.Float64("min", 95, "the least test efficacy (without the equivalents) and mutator coverage, in %")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 || *dir == "" {
		fmt.Fprintln(stderr, "usage: mutscore -root DIR -dir PKG [-name NAME] [-equivalents FILE] [-scope SPEC] [-min 95] REPORT.json")
		return 2
	}
	if *name == "" {
		*name = *dir
	}
	rep, err := readReport(fs.Arg(0), *dir)
	var eq map[mutant]bool
	if err == nil && *eqFile != "" {
		eq, err = readEquivalents(*eqFile)
	}
	var scope mutscope.Scope
	if err == nil {
		scope, err = mutscope.Resolve(*root, *spec)
	}
	if err != nil {
		fmt.Fprintln(stderr, "mutscore:", err)
		return 1
	}
	s := score(rep, eq, scope)
	s.write(stdout, *name)
	if !s.pass(*least) {
		return 1
	}
	return 0
}

// mutant is one mutation: where (file relative to the module's root) and
// gremlins' name for what it does.
type mutant struct {
	file         string
	line, column int
	kind         string
}

func (m mutant) String() string { return fmt.Sprintf("%s:%d:%d %s", m.file, m.line, m.column, m.kind) }

type result struct {
	mutant
	status string
}

// readReport reads gremlins' JSON report of a run over package dir.
func readReport(name, dir string) ([]result, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var rep struct {
		Files []struct {
			FileName  string `json:"file_name"`
			Mutations []struct {
				Type   string `json:"type"`
				Status string `json:"status"`
				Line   int    `json:"line"`
				Column int    `json:"column"`
			} `json:"mutations"`
		} `json:"files"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var out []result
	for _, f := range rep.Files {
		file := path.Join(filepath.ToSlash(dir), filepath.ToSlash(f.FileName))
		for _, m := range f.Mutations {
			out = append(out, result{mutant{file, m.Line, m.Column, m.Type}, m.Status})
		}
	}
	return out, nil
}

// readEquivalents reads the list: FILE:LINE:COLUMN TYPE a line, # for a
// comment.
func readEquivalents(name string) (map[mutant]bool, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	eq := map[mutant]bool{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m, err := parseMutant(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, n, err)
		}
		eq[m] = true
	}
	return eq, sc.Err()
}

func parseMutant(s string) (mutant, error) {
	bad := fmt.Errorf("%q: want FILE:LINE:COLUMN TYPE", s)
	where, kind, ok := strings.Cut(s, " ")
	parts := strings.Split(where, ":")
	if !ok || len(parts) != 3 || strings.TrimSpace(kind) == "" {
		return mutant{}, bad
	}
	line, err1 := strconv.Atoi(parts[1])
	col, err2 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil || line < 1 || col < 1 {
		return mutant{}, bad
	}
	return mutant{parts[0], line, col, strings.TrimSpace(kind)}, nil
}

// tally is a run's counts within its scope.
type tally struct {
	killed, lived, equivalent, notCovered, timedOut int
	undocumented                                    []mutant // LIVED, not listed as equivalent
	killedEq                                        []mutant // listed as equivalent, yet KILLED
}

func score(rep []result, eq map[mutant]bool, scope mutscope.Scope) tally {
	var t tally
	for _, r := range rep {
		if !scope.Holds(r.file, r.line) {
			continue
		}
		switch r.status {
		case "KILLED":
			t.killed++
			if eq[r.mutant] {
				t.killedEq = append(t.killedEq, r.mutant)
			}
		case "LIVED":
			t.lived++
			if eq[r.mutant] {
				t.equivalent++
			} else {
				t.undocumented = append(t.undocumented, r.mutant)
			}
		case "NOT COVERED":
			t.notCovered++
		case "TIMED OUT":
			t.timedOut++
		}
	}
	return t
}

// efficacy is gremlins' test efficacy, killed / (killed + lived), with
// the equivalents among the lived left out if without.
func (t tally) efficacy(without bool) float64 {
	lived := t.lived
	if without {
		lived -= t.equivalent
	}
	if t.killed+lived == 0 {
		return 100
	}
	return 100 * float64(t.killed) / float64(t.killed+lived)
}

// coverage is gremlins' mutator coverage: the share of mutants that some
// test ran (TIMED OUT ones count in neither figure).
func (t tally) coverage() float64 {
	if t.killed+t.lived+t.notCovered == 0 {
		return 100
	}
	return 100 * float64(t.killed+t.lived) / float64(t.killed+t.lived+t.notCovered)
}

func (t tally) pass(least float64) bool {
	return t.efficacy(true) >= least && t.coverage() >= least && len(t.killedEq) == 0
}

func (t tally) write(w io.Writer, name string) {
	fmt.Fprintf(w, "%s: %d killed, %d lived (%d documented as equivalent), %d not covered, %d timed out\n",
		name, t.killed, t.lived, t.equivalent, t.notCovered, t.timedOut)
	fmt.Fprintf(w, "%s: test efficacy %.1f%% as gremlins counts, %.1f%% without the equivalents; mutator coverage %.1f%%\n",
		name, t.efficacy(false), t.efficacy(true), t.coverage())
	for _, m := range t.undocumented {
		fmt.Fprintf(w, "%s: LIVED, not listed as equivalent: %s\n", name, m)
	}
	for _, m := range t.killedEq {
		fmt.Fprintf(w, "%s: KILLED, yet listed as equivalent: %s\n", name, m)
	}
}
