package engine_test

import (
	"fmt"
	"net/netip"

	"github.com/portplay/portplay/engine"
)

// A server needs privilege to listen on port 80; a client's connect() gets
// a port from its profile's ephemeral range.
func ExampleNewHost() {
	linux, _ := engine.ProfileByName("linux")
	web, _ := engine.NewHost(engine.HostConfig{Name: "web", Addr: netip.MustParseAddr("10.0.0.10"), Profile: linux})
	http := netip.MustParseAddrPort("10.0.0.10:80")

	err := web.Listen(engine.TCP, http)
	fmt.Println("unprivileged listen on :80:", engine.ErrnoName(err))
	_, _, err = web.ListenOpts(engine.TCP, http, engine.SockOpts{Privileged: true})
	fmt.Println("as root:", err)

	client, _ := engine.NewHost(engine.HostConfig{Name: "client", Addr: netip.MustParseAddr("192.168.1.5"), Profile: linux, Seed: 1})
	t, _ := client.Connect(engine.TCP, http)
	fmt.Println(t, "from", linux.Ephemeral, linux.Ephemeral.Contains(engine.Port(t.Local.Port())))
	fmt.Println("accepted:", web.Accept(t.Reverse()))
	// Output:
	// unprivileged listen on :80: EACCES
	// as root: <nil>
	// TCP 192.168.1.5:42888 -> 10.0.0.10:80 from 32768-60999 true
	// accepted: <nil>
}

// Once every port toward a destination is taken, connect() fails with
// EADDRNOTAVAIL; Available says so beforehand.
func ExampleHost_Available() {
	client, _ := engine.NewHost(engine.HostConfig{
		Name: "client", Addr: netip.MustParseAddr("192.168.1.5"),
		Range: engine.Range{Lo: 40000, Hi: 40009}, // the zero Profile: linux
	})
	web := netip.MustParseAddrPort("10.0.0.10:80")
	for range 10 {
		client.Connect(engine.TCP, web)
	}
	fmt.Println("available toward web:", client.Available(engine.TCP, web))
	_, err := client.Connect(engine.TCP, web)
	fmt.Println(err)
	fmt.Println("available toward another server:", client.Available(engine.TCP, netip.MustParseAddrPort("10.0.0.20:80")))
	// Output:
	// available toward web: 0
	// connect to 10.0.0.10:80: EADDRNOTAVAIL (Cannot assign requested address)
	// available toward another server: 10
}

func ExampleCapacity() {
	for _, name := range []string{"linux", "macos"} {
		p, _ := engine.ProfileByName(name)
		fmt.Printf("%s: %d ports / %v = %.1f new connections per second to one destination\n",
			name, p.Ephemeral.Size(), p.TimeWait, engine.Capacity(p.Ephemeral, p.TimeWait))
	}
	// Output:
	// linux: 28232 ports / 1m0s = 470.5 new connections per second to one destination
	// macos: 16384 ports / 30s = 546.1 new connections per second to one destination
}

func ExampleParseRange() {
	r, err := engine.ParseRange("40000-40009")
	fmt.Println(r, r.Size(), err)
	_, err = engine.ParseRange("70000-80000")
	fmt.Println(err)
	// Output:
	// 40000-40009 10 <nil>
	// range 70000-80000: 70000 is outside 1-65535
}
