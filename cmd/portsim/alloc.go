package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
)

const allocHelp = `usage: portsim alloc [--profile NAME] [--range LO-HI] [--seed N] [--from ADDR] --to ADDR:PORT[,ADDR:PORT...] [--count N] [--proto tcp|udp] [--json]

Connects --count times from one client host, to the destinations in turn,
and keeps every connection open: one line per attempt with the destination
and the local port the engine picked, or the error once the ports toward
a destination run out (EADDRNOTAVAIL; WSAENOBUFS on Windows). With
--proto udp each attempt is a UDP socket's connect(): on Linux its port is
its own toward every destination, and running out is EAGAIN. Failures do
not stop the run.
`

// allocResult is one connect attempt, as --json prints it.
type allocResult struct {
	N    int    `json:"n"`
	Dst  string `json:"dst"`
	Port uint16 `json:"port,omitempty"`
	Err  string `json:"err,omitempty"`
}

// allocOptions are alloc's checked flags.
type allocOptions struct {
	cfg   engine.HostConfig
	to    []netip.AddrPort
	count int
	proto engine.Proto
}

func allocCmd(args []string, stdout, _ io.Writer) error {
	fs := newFlags("alloc")
	profile := fs.String("profile", "linux", "the client's OS profile `NAME`: linux, linux-old, winxp, windows, freebsd, macos or iana")
	rng := fs.String("range", "", "ephemeral port range `LO-HI` (default: the profile's)")
	seed := fs.String("seed", "1", "seed `N` of the client's random choices")
	from := fs.String("from", "192.168.1.5", "the client's address `ADDR`")
	to := fs.String("to", "", "the destinations `ADDR:PORT[,ADDR:PORT...]`, used in turn (required)")
	count := fs.String("count", "1", "connect `N` times")
	proto := fs.String("proto", "tcp", "the protocol `P`: tcp or udp")
	asJSON := fs.Bool("json", false, "print one JSON object per attempt")
	pos, err := parse(fs, args, stdout, allocHelp)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	o, err := allocFlags(*profile, *rng, *seed, *from, *to, *count)
	if err != nil {
		return err
	}
	if o.proto, err = parseProto(*proto); err != nil {
		return err
	}
	h, err := engine.NewHost(o.cfg)
	if err != nil {
		return bad("%v", err)
	}
	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	if !*asJSON {
		p := h.Profile()
		udp := ""
		if o.proto == engine.UDP {
			udp = ", UDP"
		}
		fmt.Fprintf(w, "client %s, profile %s%s (%s), range %s (%d ports)\n", o.cfg.Addr, p.Name, udp, p.StrategyFor(o.proto), p.Ephemeral, p.Ephemeral.Size())
	}
	nWidth, dstWidth := len(strconv.Itoa(o.count)), 0
	for _, d := range o.to {
		dstWidth = max(dstWidth, len(d.String()))
	}
	failed, firstFail := 0, 0
	allocate(h, o.proto, o.to, o.count, func(r allocResult) {
		if r.Err != "" {
			if failed++; firstFail == 0 {
				firstFail = r.N
			}
		}
		switch {
		case *asJSON:
			_ = enc.Encode(r) // write errors stick in w
		case r.Err != "":
			fmt.Fprintf(w, "%*d  %-*s  %s\n", nWidth, r.N, dstWidth, r.Dst, r.Err)
		default:
			fmt.Fprintf(w, "%*d  %-*s  port %d\n", nWidth, r.N, dstWidth, r.Dst, r.Port)
		}
	})
	if !*asJSON {
		fmt.Fprintf(w, "%d of %d connects got a port", o.count-failed, o.count)
		if failed > 0 {
			fmt.Fprintf(w, "; %d failed, the first at attempt %d", failed, firstFail)
		}
		fmt.Fprintln(w)
		writeUnverified(w, h.Profile())
	}
	return w.Flush()
}

// allocate connects count times from h to the destinations in turn,
// keeping every connection (or connected UDP socket) open, and reports
// each attempt.
func allocate(h *engine.Host, proto engine.Proto, to []netip.AddrPort, count int, report func(allocResult)) {
	for n := 1; n <= count; n++ {
		dst := to[(n-1)%len(to)]
		r := allocResult{N: n, Dst: dst.String()}
		t, err := h.Connect(proto, dst)
		if r.Err = engine.ErrnoName(err); err == nil {
			r.Port = t.Local.Port()
		}
		report(r)
	}
}

func allocFlags(profile, rng, seed, from, to, count string) (allocOptions, error) {
	var o allocOptions
	var err error
	if o.cfg.Profile, err = parseProfile(profile); err != nil {
		return o, err
	}
	if o.cfg.Range, err = parseRange(rng); err != nil {
		return o, err
	}
	if o.cfg.Seed, err = parseSeed(seed); err != nil {
		return o, err
	}
	o.cfg.Name = "client"
	if o.cfg.Addr, err = netip.ParseAddr(from); err != nil || o.cfg.Addr.IsUnspecified() || o.cfg.Addr.Zone() != "" {
		return o, bad("--from %s: want the client's IP address, e.g. 192.168.1.5", from)
	}
	if to == "" {
		return o, bad("--to is missing: give the destinations as ADDR:PORT[,ADDR:PORT...], e.g. --to 10.0.0.10:80")
	}
	for _, s := range strings.Split(to, ",") {
		d, err := netip.ParseAddrPort(strings.TrimSpace(s))
		switch {
		case err != nil || d.Addr().IsUnspecified() || d.Addr().Zone() != "":
			return o, bad("--to %s: %q is not ADDR:PORT, e.g. 10.0.0.10:80 or [2001:db8::1]:443", to, s)
		case d.Port() == 0:
			return o, bad("--to %s: %s: port 0 is not a destination port", to, s)
		case d.Addr().Is4() != o.cfg.Addr.Is4():
			return o, bad("--to %s: %s is not the same IP version as --from %s", to, s, o.cfg.Addr)
		}
		o.to = append(o.to, d)
	}
	if o.count, err = strconv.Atoi(count); err != nil || o.count < 1 || o.count > scenario.MaxCount {
		return o, bad("--count %s: want a whole number from 1 to %d", count, scenario.MaxCount)
	}
	return o, nil
}
