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
//     profile's Strategy; Close is the active close that leaves TIME_WAIT;
//     Advance moves the host's simulated clock and expires TIME_WAIT.
//   - Errno values (ErrAddrNotAvail, ErrAddrInUse, ErrAccess, ErrAgain, ...)
//     that match what the real system calls return. A call that fails
//     changes nothing.
//
// Each strategy is a pure function over a "which ports are free" finder
// (pick.go), with its randomness passed in, so it is tested alone; Host
// does the bookkeeping with per-port bit sets so that even a nearly full
// range is scanned a 64-bit word at a time. Everything is deterministic:
// the same seed and the same calls give the same ports. The package never
// reads the wall clock and never imports anything that draws.
package engine
