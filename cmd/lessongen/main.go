// Command lessongen writes lesson/lessons_gen.go: the lesson files under
// assets/lessons parsed and checked, as Go data for the browser's build,
// which then carries no lesson parser (lesson.GenerateBuiltin). It runs
// from package lesson's folder: go generate ./lesson, or make lessons.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/portplay/portplay/lesson"
)

func main() {
	out := flag.String("o", "lessons_gen.go", "the Go file to write")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "lessongen: unexpected %q; usage: lessongen [-o FILE]\n", flag.Arg(0))
		os.Exit(2)
	}
	src, err := lesson.GenerateBuiltin()
	if err == nil {
		err = os.WriteFile(*out, src, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "lessongen:", err)
		os.Exit(1)
	}
}
