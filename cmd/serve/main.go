// Command serve is the development web server behind `make serve`: it serves
// the browser build in web/ on the loopback interface, and class sessions
// at /class/ (web.ClassHandler).
package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"

	"github.com/portplay/portplay/web"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(2)
	}
}

func run() error {
	defPort := 8080
	if s := os.Getenv("PORT"); s != "" {
		p, err := strconv.Atoi(s)
		if err != nil || p < 0 || p > 65535 {
			return fmt.Errorf("PORT=%q: want a number from 0 to 65535 (0 lets the kernel pick a free ephemeral port)", s)
		}
		defPort = p
	}
	dir := flag.String("dir", "web", "folder to serve: web (after `make web`) or dist (after `make dist`)")
	host := flag.String("host", "127.0.0.1", "address to listen on")
	port := flag.Int("port", defPort, "port to listen on (0: a kernel-chosen ephemeral port); default from $PORT, else 8080")
	flag.Parse()
	if *port < 0 || *port > 65535 {
		return fmt.Errorf("-port %d: want a number from 0 to 65535", *port)
	}
	// web/ holds portplay.wasm, dist/ a content-hashed portplay.*.wasm.
	if wasm, _ := filepath.Glob(filepath.Join(*dir, "portplay*.wasm")); len(wasm) == 0 {
		return fmt.Errorf("%s has no portplay.wasm: build it first with `make web` (or `make dist`)", *dir)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(*host, strconv.Itoa(*port)))
	if err != nil {
		if errors.Is(err, os.ErrPermission) {
			return fmt.Errorf("%w (ports below 1024 need root: that is lesson 1)", err)
		}
		return err
	}
	fmt.Printf("Portplay is at http://%s/  (Ctrl-C to stop)\nClass sessions are at http://%s/class/\n", ln.Addr(), ln.Addr())
	hub, err := web.NewClassHub()
	if err != nil {
		return err
	}
	return http.Serve(ln, web.WithClass(web.Handler(*dir), hub))
}
