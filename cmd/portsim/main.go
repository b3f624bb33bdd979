// Command portsim is Portplay's headless CLI: it runs the same engine and
// scenarios as the app and prints what happens as text or JSON, shows the
// ports one host gets, works out the connection-rate ceiling, and writes a
// scenario's traffic as a pcap file for Wireshark. See docs/portsim.md.
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }
