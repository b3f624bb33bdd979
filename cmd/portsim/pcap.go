package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/portplay/portplay/engine/sim/pcap"
)

const pcapHelp = `usage: portsim pcap SCENARIO|FILE -o OUT.pcap [--seed N] [--until DURATION]

Runs a scenario and writes its traffic as Ethernet/IP/TCP packets in a pcap
file that Wireshark and tshark open: every packet with its 4-tuple and
flags, coherent sequence and acknowledgement numbers, valid checksums, and
a small HTTP request and response on port 80 (zero bytes on other ports);
UDP datagrams, as DNS queries and answers on port 53, and the ICMP port
unreachable a datagram that found no socket got.
Timestamps are 2025-01-01 00:00:00 UTC plus the simulated send time.
`

func pcapCmd(args []string, stdout, _ io.Writer) error {
	fs := newFlags("pcap")
	sf := addSimFlags(fs)
	out := fs.String("o", "", "write the capture to `FILE` (required)")
	pos, err := parse(fs, args, stdout, pcapHelp)
	if err != nil {
		return err
	}
	sc, until, err := sf.load(pos)
	if err != nil {
		return err
	}
	if *out == "" {
		return bad("-o is missing: give the pcap file to write, e.g. -o lesson.pcap")
	}
	s, err := newSim(sc)
	if err != nil {
		return err
	}
	var c *pcap.Capture
	err = writeAtomic(*out, func(w io.Writer) error {
		if c, err = pcap.New(w, sc.Seed); err != nil {
			return err
		}
		s.Run(until, c.Add)
		return c.Err()
	})
	if err != nil {
		return err
	}
	of := plural(c.Conns(), "connection")
	switch q := c.Queries(); {
	case q > 0 && c.Conns() > 0:
		of += " and " + queries(q)
	case q > 0:
		of = queries(q)
	}
	_, err = fmt.Fprintf(stdout, "wrote %d packets of %s to %s\n", c.Packets(), of, *out)
	return err
}

// writeAtomic writes path through a temporary file in the same folder that
// is renamed into place only once complete, so that a failure leaves no
// partial file. A path that cannot be created is bad input (status 2);
// a failure while writing is not.
func writeAtomic(path string, write func(io.Writer) error) (err error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return bad("-o %s is a folder", path)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return bad("-o %s: cannot create it: %v", path, cause(err))
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriter(f)
	if err = write(bw); err != nil {
		return fmt.Errorf("writing %s: %v", path, cause(err))
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("writing %s: %v", path, cause(err))
	}
	// CreateTemp makes the file private; a capture is an ordinary file.
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("writing %s: %v", path, cause(err))
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("writing %s: %v", path, cause(err))
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %v", path, cause(err))
	}
	return nil
}

// cause drops the operation and temporary file name from an os error: the
// message names the file the user gave instead.
func cause(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	}
	return err
}
