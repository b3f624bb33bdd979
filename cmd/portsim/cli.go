package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/portplay/portplay/engine"
)

// command is one subcommand. run gets the arguments after the command's
// name; its error is printed as one line. stderr is for progress only.
type command struct {
	name, summary string
	run           func(args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"list", "list the built-in scenarios", listCmd},
	{"run", "run a scenario and print its events (text or JSON)", runCmd},
	{"alloc", "connect N times from one host and show the local port of each", allocCmd},
	{"capacity", "the new-connections-per-second ceiling, and a run at a given rate", capacityCmd},
	{"pcap", "write a scenario's traffic as a pcap file for Wireshark", pcapCmd},
	{"observe", "compare an engine profile with this computer's kernel, on loopback only", observeCmd},
	{"lesson", "work through a lesson in the terminal: narration, events, questions, verdicts", lessonCmd},
	{"i18n", "check the translations: missing, unused and broken messages per language", i18nCmd},
}

// Exit statuses (docs/portsim.md).
const (
	exitOK      = 0
	exitFailed  = 1 // the request was fine but the work failed (writing output)
	exitBadArgs = 2 // a bad flag, name, file or scenario
	// exitUnsupported (3, observe.go): the command cannot run on this system.
)

// inputError is a problem with what was asked for; it exits with status 2.
type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }

func bad(format string, args ...any) error { return &inputError{fmt.Sprintf(format, args...)} }

// run is the whole program apart from the process: tests call it too.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitBadArgs
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(stdout)
		return exitOK
	case "help":
		if len(args) == 1 {
			usage(stdout)
			return exitOK
		}
		args = []string{args[1], "--help"}
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(args[1:], stdout, stderr)
		var in *inputError
		var un *unsupportedError
		switch {
		case err == nil, errors.Is(err, flag.ErrHelp):
			return exitOK
		case errors.As(err, &in):
			fmt.Fprintf(stderr, "portsim %s: %v\n", c.name, err)
			return exitBadArgs
		case errors.As(err, &un):
			fmt.Fprintf(stderr, "portsim %s: %v\n", c.name, err)
			return exitUnsupported
		default:
			fmt.Fprintf(stderr, "portsim %s: %v\n", c.name, err)
			return exitFailed
		}
	}
	fmt.Fprintf(stderr, "portsim: unknown command %q\n", args[0])
	usage(stderr)
	return exitBadArgs
}

func usage(w io.Writer) {
	fmt.Fprint(w, "usage: portsim COMMAND [ARGUMENTS] [FLAGS]\n\ncommands:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\n`portsim COMMAND --help` shows a command's arguments and flags.\n")
}

// newFlags makes a subcommand's flag set. It prints nothing itself: parse
// turns its errors into one line and prints --help on stdout.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("portsim "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parse parses flags placed anywhere among the positional arguments (the
// flag package alone stops at the first positional one) and returns the
// positional ones. On --help it prints help and the flags on stdout and
// returns flag.ErrHelp.
func parse(fs *flag.FlagSet, args []string, stdout io.Writer, help string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(stdout, help)
				hasFlags := false
				fs.VisitAll(func(*flag.Flag) { hasFlags = true })
				if hasFlags {
					fmt.Fprint(stdout, "\nflags (- or --):\n")
					fs.SetOutput(stdout)
					fs.PrintDefaults()
				}
				return nil, err
			}
			return nil, &inputError{err.Error()}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil // everything after -- is positional
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// noArgs refuses positional arguments for commands that take none.
func noArgs(pos []string) error {
	if len(pos) > 0 {
		return bad("unexpected argument %q", pos[0])
	}
	return nil
}

// The flag values are parsed here rather than by the flag package so that
// every message names the flag and the value as typed: "--seed x: ...".

func parseProfile(s string) (engine.Profile, error) {
	p, err := engine.ProfileByName(s)
	if err != nil {
		return p, bad("--profile: %v", err)
	}
	return p, nil
}

// parseProto reads --proto: tcp or udp.
func parseProto(s string) (engine.Proto, error) {
	switch s {
	case "tcp":
		return engine.TCP, nil
	case "udp":
		return engine.UDP, nil
	}
	return 0, bad("--proto %s: want tcp or udp", s)
}

// parseRange reads --range; an empty value means the profile's own range.
func parseRange(s string) (engine.Range, error) {
	if s == "" {
		return engine.Range{}, nil
	}
	r, err := engine.ParseRange(s)
	if err != nil {
		// The engine's messages start with "range VALUE", which reads
		// as the flag once prefixed with "--".
		if msg := err.Error(); strings.HasPrefix(msg, "range ") {
			return r, bad("--%s", msg)
		}
		return r, bad("--range %s: %v", s, err)
	}
	return r, nil
}

func parseSeed(s string) (uint64, error) {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, bad("--seed %s: want a whole number from 0 to %d", s, uint64(1<<64-1))
	}
	return n, nil
}

// parseDuration reads a duration flag that must be more than 0 (or at
// least 0 with zeroOK) and at most max.
func parseDuration(name, s string, zeroOK bool, max time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		return 0, bad("--%s %s: want a duration, e.g. 30s, 500ms or 2m", name, s)
	case d < 0:
		return 0, bad("--%s %s: is negative", name, s)
	case d == 0 && !zeroOK:
		return 0, bad("--%s %s: must be more than 0", name, s)
	case d > max:
		return 0, bad("--%s %s: longer than the limit of %s", name, s, max)
	}
	return d, nil
}

// writeUnverified writes the line that names profile p's claims no
// primary source supports (engine.Profile.Unverified;
// docs/facts-extra.md), if it has any, so that no output passes them off
// as facts.
func writeUnverified(w io.Writer, p engine.Profile) (int, error) {
	if p.Unverified == "" {
		return 0, nil
	}
	return fmt.Fprintf(w, "unverified in profile %s (no primary source): %s\n", p.Name, p.Unverified)
}
