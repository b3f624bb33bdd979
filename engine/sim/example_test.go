package sim_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/portplay/portplay/engine/scenario"
	"github.com/portplay/portplay/engine/sim"
)

func ExampleNew() {
	sc, err := scenario.Parse(`
latency 20ms
host client 192.168.1.5
host web 10.0.0.10
listen web 80 service 30ms
connect client -> web:80 at 100ms
`)
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := sim.New(sc)
	if err != nil {
		fmt.Println(err)
		return
	}
	// The first 160 ms: the listener, the port, the handshake, the request.
	s.Run(160*time.Millisecond, func(e sim.Event) { fmt.Println(strings.TrimSpace(sim.Trace(e))) })
	// Output:
	// 0.000s  web     listen 10.0.0.10:80
	// 0.100s  client  #1 port 42888 allocated for TCP 192.168.1.5:42888 -> 10.0.0.10:80
	// 0.100s  client  #1 TCP 192.168.1.5:42888 -> 10.0.0.10:80 SYN_SENT
	// 0.100s  client  #1 192.168.1.5:42888 > 10.0.0.10:80 [SYN]
	// 0.120s  web     #1 TCP 10.0.0.10:80 -> 192.168.1.5:42888 SYN_RCVD
	// 0.120s  web     #1 10.0.0.10:80 > 192.168.1.5:42888 [SYN|ACK]
	// 0.140s  client  #1 TCP 192.168.1.5:42888 -> 10.0.0.10:80 ESTABLISHED
	// 0.140s  client  #1 192.168.1.5:42888 > 10.0.0.10:80 [ACK]
	// 0.140s  client  #1 192.168.1.5:42888 > 10.0.0.10:80 [PSH|ACK] len 120
	// 0.160s  web     #1 TCP 10.0.0.10:80 -> 192.168.1.5:42888 ESTABLISHED
}

// Lesson 4's comparison: the same requests in the thought experiment, in
// real TCP without ephemeral ports, and with them, each run to its end.
func ExampleComplete() {
	sc, err := scenario.Parse(`
latency 20ms
host alice 192.168.1.5
host bob 192.168.1.6
host web 10.0.0.10
listen web 80 service 200ms
connect alice -> web:80 every 100ms count 2
connect bob -> web:80
`)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range scenario.PortModes {
		st, err := sim.Complete(sc, m)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("ephemeral %-6s %d done at %.3f s, waited %.3f s: %s\n", m, st.Completed, st.LastDone.Seconds(), (st.TotalWait + st.ServerWait).Seconds(), m.Title())
	}
	// Output:
	// ephemeral serial 3 done at 0.800 s, waited 0.680 s: one conversation at a time (thought experiment)
	// ephemeral off    3 done at 0.600 s, waited 0.220 s: real TCP without ephemeral ports
	// ephemeral on     3 done at 0.380 s, waited 0.000 s: with ephemeral ports
}
