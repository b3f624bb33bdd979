// Package engine is Portplay's port-allocation engine: the truth that the
// game draws and the CLI prints. It models how real systems pick and hold
// port numbers, as described (with sources) in shared/facts/ports.md.
//
// Start with these pieces:
//
//   - Port, Range and Class: port numbers, inclusive ranges, and the IANA
//     classes of RFC 6335 (system 0-1023, registered 1024-49151, dynamic
//     49152-65535).
//   - Profile: one operating system's defaults (ephemeral range, TIME_WAIT
//     length, allocation strategy, privileged ports), by name: linux,
//     linux-old, winxp, windows, freebsd, macos, iana.
//   - Host: one machine's socket table. Listen and Bind take explicit ports
//     (or port 0: bind(0)); Connect autobinds an ephemeral port with the
//     profile's Strategy, and Available says beforehand how many ports it
//     could take; Close is the active close that leaves TIME_WAIT;
//     AdvanceTo moves the host's simulated clock and reports each TIME_WAIT
//     that expires, and HostConfig.OnTakeover each one a new connection
//     ended early. A host may have several addresses (HostConfig.More),
//     each with its own ports for bind() and for 4-tuples; connect()
//     leaves from the first.
//   - Capacity: the ceiling on new connections per second to one
//     destination, range size / TIME_WAIT.
//   - Errno values (ErrAddrNotAvail, ErrAddrInUse, ErrAccess, ErrAgain,
//     Winsock's ErrNoBufs, ...) that match what the real system calls
//     return. A call that fails changes nothing.
//
// Each strategy is a pure function over a "which ports are free" finder
// (pick.go), with its randomness passed in, so it is tested alone, as is
// the TIME_WAIT takeover rule (canTakeOver, connect.go). Host does the
// bookkeeping in a socket table per protocol (table.go) with per-port bit
// sets, so that even a nearly full range is scanned a 64-bit word at a
// time; bind.go holds the bind rules, connect.go connect() and accept,
// timewait.go TIME_WAIT. Everything is deterministic:
// the same seed and the same calls give the same ports. The package never
// reads the wall clock and never imports anything that draws.
package engine
