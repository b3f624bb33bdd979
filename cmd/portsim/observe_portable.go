package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/internal/observe"
)

// portableObserve is the run with ordinary sockets (internal/observe),
// on any OS; why says why it was chosen. A zero prof means this OS's.
func portableObserve(prof engine.Profile, count, why string, asJSON bool, stdout io.Writer) error {
	n := observe.DefaultFirst
	if count != "" {
		var err error
		if n, err = strconv.Atoi(count); err != nil || n < observe.MinPorts || n > observe.MaxFirst {
			return bad("--count %s: want a whole number from %d to %d with ordinary sockets", count, observe.MinPorts, observe.MaxFirst)
		}
	}
	if prof.Name == "" {
		var err error
		if prof, err = observe.ProfileFor(runtime.GOOS); err != nil {
			return &unsupportedError{err.Error()}
		}
	}
	rep, err := observe.Observe(prof, n, observe.DefaultSecond)
	if errors.Is(err, observe.ErrUnsupported) {
		return &unsupportedError{err.Error()}
	}
	if err != nil {
		return err
	}
	differ := observe.Differ(rep.Props)
	w := bufio.NewWriter(stdout)
	if asJSON {
		_ = json.NewEncoder(w).Encode(struct {
			Method string `json:"method"`
			Why    string `json:"why"`
			observe.Report
		}{"ordinary sockets", why, rep})
	} else {
		host := rep.OS
		if rep.Version != "" {
			host += ", " + rep.Version
		}
		fmt.Fprintf(w, "this computer (%s) against the engine's %s profile: ordinary sockets on loopback (%s), %d connections to %s and %d to %s\n",
			host, rep.Profile, why, len(rep.Kernel.First), rep.Dests[0], len(rep.Kernel.Second), rep.Dests[1])
		fmt.Fprintf(w, "ephemeral range %s: %s\n", rep.System, rep.Source)
		fmt.Fprintf(w, "ports toward the first destination: kernel %v, engine %v (numbers differ by design)\n", rep.Kernel.First, rep.Engine.First)
		fmt.Fprintf(w, "ports toward the second destination: kernel %v, engine %v\n\n", rep.Kernel.Second, rep.Engine.Second)
		fmt.Fprintf(w, "%-62s  %-28s  %-28s  %s\n", "property", "kernel", "engine", "verdict")
		for _, p := range rep.Props {
			v := "same"
			switch {
			case p.NotObserved != "":
				v = "not observed: " + p.NotObserved
			case !p.Match:
				v = "DIFFERS"
			}
			fmt.Fprintf(w, "%-62s  %-28s  %-28s  %s\n", p.Name, p.Kernel, p.Engine, v)
		}
		if _, err := writeUnverified(w, prof); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if len(differ) > 0 {
		hint := ""
		if own, err := observe.ProfileFor(runtime.GOOS); err == nil && own.Name == prof.Name {
			hint = " (the model may be wrong for this OS version)"
		}
		return fmt.Errorf("%d of %d properties differ from the %s profile%s: %s", len(differ), len(rep.Props), prof.Name, hint, strings.Join(differ, "; "))
	}
	return nil
}
