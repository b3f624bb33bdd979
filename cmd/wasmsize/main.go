// Command wasmsize says what a Go WebAssembly build adds to another: its
// code by package, largest growth first, and every section's growth.
//
//	wasmsize [-top N] APP.wasm FLOOR.wasm
//
// Both must be linked without -ldflags=-s, which drops the function names
// the packages are read from (`make size` builds the app and the fonts
// floor so); with -s only the sections are compared, and it says so.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/portplay/portplay/internal/wasmsize"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the command; its result is the exit status: 2 for bad arguments
// or files.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("wasmsize", flag.ContinueOnError)
	fs.SetOutput(stderr)
	top := fs.Int("top", 30, "how many packages to list by growth (0: all)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wasmsize [-top N] APP.wasm FLOOR.wasm\n\nWhat APP.wasm's code adds to FLOOR.wasm's, by Go package, and each section's growth.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 2 {
		fmt.Fprintf(stderr, "wasmsize: want two files, APP.wasm and FLOOR.wasm; got %d arguments\n", fs.NArg())
		fs.Usage()
		return 2
	}
	if *top < 0 {
		fmt.Fprintf(stderr, "wasmsize: -top %d: want 0 (all) or more\n", *top)
		return 2
	}
	var mods [2]*wasmsize.Module
	for i, name := range fs.Args() {
		b, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintln(stderr, "wasmsize:", err)
			return 2
		}
		if mods[i], err = wasmsize.Parse(b); err != nil {
			fmt.Fprintf(stderr, "wasmsize: %s: %v\n", name, err)
			return 2
		}
	}
	if err := wasmsize.Report(stdout, fs.Arg(0), mods[0], fs.Arg(1), mods[1], *top); err != nil {
		fmt.Fprintln(stderr, "wasmsize:", err)
		return 1
	}
	return 0
}
