package main

import (
	"fmt"
	"io"

	"github.com/portplay/portplay/assets"
)

const listHelp = `usage: portsim list

Lists the built-in scenarios, one per lesson: name and title. Give the name
or the lesson number to portsim run or portsim pcap.
`

func listCmd(args []string, stdout, _ io.Writer) error {
	fs := newFlags("list")
	pos, err := parse(fs, args, stdout, listHelp)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	all := assets.Scenarios()
	width := 0
	for _, b := range all {
		width = max(width, len(b.Name))
	}
	for _, b := range all {
		if _, err := fmt.Fprintf(stdout, "%-*s  %s\n", width, b.Name, b.Title); err != nil {
			return err
		}
	}
	return nil
}
