package scenario_test

import (
	"fmt"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
)

func ExampleParse() {
	sc, err := scenario.Parse(`title "Two web servers"
host client 192.168.1.5 profile macos
host web 10.0.0.10 range 40000-40009 timewait 30s
listen web 80 service 20ms
connect client -> web:80 rate 4/s count 10 bind
`)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, h := range sc.Hosts {
		// Zero values keep the profile's own.
		rng, tw := h.Range, h.TimeWait
		if rng == (engine.Range{}) {
			rng = h.Profile.Ephemeral
		}
		if tw == 0 {
			tw = h.Profile.TimeWait
		}
		fmt.Printf("%s %s: %s, ephemeral ports %v, TIME_WAIT %v\n", h.Name, h.Addr, h.Profile.Name, rng, tw)
	}
	c := sc.Connects[0]
	fmt.Printf("%d connections from %s, one every %v, bind first: %v\n", c.Count, c.From, c.Every, c.Bind)

	_, err = scenario.Parse("host client 192.168.1.5\nhost web 10.0.0.10 range 70000-80000\n")
	fmt.Println(err)
	// Output:
	// client 192.168.1.5: macos, ephemeral ports 49152-65535, TIME_WAIT 30s
	// web 10.0.0.10: linux, ephemeral ports 40000-40009, TIME_WAIT 30s
	// 10 connections from client, one every 250ms, bind first: true
	// line 2, column 26: host: range 70000-80000: 70000 is outside 1-65535
}
