// Command portplay-serve is the one-file classroom server: Portplay's
// browser bundle (`make dist`) embedded in one program that a teacher runs
// on a laptop, with no Go, no web server and no internet needed.
//
//	portplay-serve               # http://127.0.0.1:8080/ on this computer only
//	portplay-serve -lan          # on the LAN address, with a QR code of the URL for students
//	portplay-serve -addr :0      # any free port, chosen by the kernel
//
// It also runs class sessions (web.ClassHandler): students' devices open
// /class/ and vote on the projector's questions.
package main

import (
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"github.com/portplay/portplay/internal/qr"
	"github.com/portplay/portplay/web"
)

// bundle holds dist/ when built by `make dist`, which lays its files over
// this folder with go build -overlay; in the repository the folder holds
// only a README, so that a fresh clone builds and vets.
//
//go:embed bundle
var bundle embed.FS

const defaultAddr = "127.0.0.1:8080"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, bundle))
}

// run is main with its surroundings passed in: it returns the exit
// status, 2 for bad flags (as the flag package does), 1 for other errors.
func run(args []string, stdout, stderr io.Writer, embedded fs.FS) int {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		var bad badFlag
		if errors.As(err, &bad) {
			fmt.Fprintln(stderr, "portplay-serve:", err)
		}
		return 2
	}
	site, err := bundleFS(embedded)
	if err != nil {
		fmt.Fprintln(stderr, "portplay-serve:", err)
		return 1
	}
	ln, url, err := listen(cfg, net.InterfaceAddrs)
	if err != nil {
		fmt.Fprintln(stderr, "portplay-serve:", err)
		return 1
	}
	if err := announce(stdout, url, cfg.lan, ln.Addr().(*net.TCPAddr).IP.IsLoopback()); err != nil {
		fmt.Fprintln(stderr, "portplay-serve:", err)
		return 1
	}
	h, err := handler(site)
	if err != nil {
		fmt.Fprintln(stderr, "portplay-serve:", err)
		return 1
	}
	err = http.Serve(ln, h)
	fmt.Fprintln(stderr, "portplay-serve:", err)
	return 1
}

// handler serves site, and class sessions at /class/.
func handler(site fs.FS) (http.Handler, error) {
	hub, err := web.NewClassHub()
	if err != nil {
		return nil, err
	}
	return web.WithClass(web.HandlerFS(site), hub), nil
}

type config struct {
	host string // "" with lan: the LAN address, found at start
	port int
	lan  bool
}

// parseFlags reads the command line; every error names the flag and what
// it wants.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	fl := flag.NewFlagSet("portplay-serve", flag.ContinueOnError)
	fl.SetOutput(stderr)
	addr := fl.String("addr", defaultAddr, "`HOST:PORT` to listen on; port 0 lets the kernel pick a free one")
	lan := fl.Bool("lan", false, "listen on this computer's LAN address (port from -addr) and print the URL and a QR code for students")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "Usage: portplay-serve [-addr HOST:PORT] [-lan]\n\nServes Portplay to browsers: open the printed URL.")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return config{}, err // the flag package has said what was wrong
	}
	if fl.NArg() > 0 {
		return config{}, badFlagf("unexpected argument %q: portplay-serve takes only -addr and -lan", fl.Arg(0))
	}
	host, portStr, err := net.SplitHostPort(*addr)
	if err != nil {
		return config{}, badFlagf("-addr %q: want HOST:PORT, such as 127.0.0.1:8080 or :0", *addr)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port < 0 || port > 65535 {
		return config{}, badFlagf("-addr %q: the port must be a number from 0 to 65535 (0 lets the kernel pick)", *addr)
	}
	cfg := config{host: host, port: port, lan: *lan}
	if *lan {
		if host != "" && host != "127.0.0.1" && host != "localhost" {
			return config{}, badFlagf("-lan chooses the address itself: give -addr only a port (-addr :%d) or leave -lan out", port)
		}
		cfg.host = ""
	}
	return cfg, nil
}

// badFlag is a flag's value that parsed but does not make sense.
type badFlag struct{ msg string }

func (e badFlag) Error() string { return e.msg }

func badFlagf(format string, args ...any) error { return badFlag{fmt.Sprintf(format, args...)} }

// bundleFS is the embedded bundle, or an error that says how to build one.
func bundleFS(embedded fs.FS) (fs.FS, error) {
	site, err := fs.Sub(embedded, "bundle")
	if err != nil {
		return nil, err
	}
	if _, err := fs.Stat(site, "index.html"); err != nil {
		return nil, errors.New("this portplay-serve was built without Portplay in it: build it with `make dist` (it lands in build/portplay-serve)")
	}
	return site, nil
}

// listen opens the listening socket and says the URL to open. With lan it
// listens on the address students can reach (lanAddr over the computer's
// addresses).
func listen(cfg config, addrs func() ([]net.Addr, error)) (net.Listener, string, error) {
	host := cfg.host
	if cfg.lan {
		as, err := addrs()
		if err != nil {
			return nil, "", fmt.Errorf("-lan: listing this computer's addresses: %w", err)
		}
		ip, ok := lanAddr(as)
		if !ok {
			return nil, "", errors.New("-lan: this computer has no LAN address (is it on the network?); -addr 0.0.0.0:8080 listens on every address")
		}
		host = ip.String()
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(cfg.port)))
	if err != nil {
		if errors.Is(err, os.ErrPermission) {
			err = fmt.Errorf("%w (ports below 1024 need administrator rights: that is lesson 1)", err)
		}
		return nil, "", err
	}
	ap := ln.Addr().(*net.TCPAddr).AddrPort()
	shown := ap
	if ap.Addr().IsUnspecified() {
		// 0.0.0.0 is where to listen, not where to go.
		shown = netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), ap.Port())
	}
	return ln, "http://" + shown.String() + "/", nil
}

// lanAddr picks the address students' devices can reach: the first
// private IPv4 address (RFC 1918: home and school networks), else the
// first other global unicast IPv4 one. Loopback and link-local addresses
// reach no other device.
func lanAddr(addrs []net.Addr) (netip.Addr, bool) {
	var fallback netip.Addr
	for _, a := range addrs {
		n, ok := a.(*net.IPNet)
		if !ok {
			continue
		}
		ip, ok := netip.AddrFromSlice(n.IP)
		if !ok {
			continue
		}
		ip = ip.Unmap()
		if !ip.Is4() || !ip.IsGlobalUnicast() {
			continue
		}
		if ip.IsPrivate() {
			return ip, true
		}
		if !fallback.IsValid() {
			fallback = ip
		}
	}
	return fallback, fallback.IsValid()
}

// announce prints where Portplay is and where class sessions are; for a
// class, also a QR code of it. loopback: the server listens on a
// loopback address, which no student's device can reach.
func announce(w io.Writer, url string, forClass, loopback bool) error {
	if !forClass {
		only := ""
		if loopback {
			only = ", for this computer only: serve with -lan for students' devices"
		}
		_, err := fmt.Fprintf(w, "Portplay is at %s  (Ctrl-C to stop)\nClass sessions are at %sclass/%s\n", url, url, only)
		return err
	}
	m := qr.Encode(url)
	if m == nil {
		return fmt.Errorf("%s is too long for a QR code (%d bytes at most)", url, qr.MaxLen)
	}
	_, err := fmt.Fprintf(w, "Students open %s  (Ctrl-C to stop)\n\n%s\n\nIn a class session they open %sclass/ and type the room code.\n",
		url, halfBlocks(m), url)
	return err
}

// halfBlocks draws a code's modules two rows to a line, dark ones as the
// terminal's background and light ones (the quiet zone too) as blocks:
// the right way round on the usual dark terminal. A last odd row's lower
// halves are background.
func halfBlocks(m [][]bool) string {
	var b strings.Builder
	for y := 0; y < len(m); y += 2 {
		if y > 0 {
			b.WriteByte('\n')
		}
		for x, dark := range m[y] {
			lower := y+1 < len(m) && !m[y+1][x]
			switch {
			case !dark && lower:
				b.WriteString("█")
			case !dark:
				b.WriteString("▀")
			case lower:
				b.WriteString("▄")
			default:
				b.WriteByte(' ')
			}
		}
	}
	return b.String()
}
