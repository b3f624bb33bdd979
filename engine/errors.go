package engine

import (
	"strings"
)

// Errno is a named socket error, matching the errno a real system returns,
// so what the learner reads is what `connect()` or `bind()` would say.
type Errno struct {
	Name string // e.g. "EADDRNOTAVAIL"
	Text string // strerror's text
	// posix is, for a Winsock error, the POSIX errno it stands for, so
	// that errors.Is(err, ErrAddrInUse) holds on Windows too.
	posix *Errno
}

func (e *Errno) Error() string { return e.Name + " (" + e.Text + ")" }

// Is makes a Winsock error match the POSIX errno it stands for.
func (e *Errno) Is(target error) bool { return e.posix != nil && e.posix == target }

// The errors the engine returns, compared with ==  or errors.Is.
var (
	// ErrAddrNotAvail: connect() found no free local port toward the
	// destination (Linux, FreeBSD; facts/ports.md §2, §4; Windows says
	// ErrNoBufs instead), or a bind to an address the host does not have.
	ErrAddrNotAvail = &Errno{Name: "EADDRNOTAVAIL", Text: "Cannot assign requested address"}
	// ErrAddrInUse: the address and port are taken, or bind(0) found no
	// free port (Linux, TCP and UDP: inet_csk_get_port and
	// udp_lib_get_port fail, and __inet_bind says EADDRINUSE; facts §2
	// [AF][UDP]).
	ErrAddrInUse = &Errno{Name: "EADDRINUSE", Text: "Address already in use"}
	// ErrAccess: an unprivileged bind below the privileged limit (facts §2).
	ErrAccess = &Errno{Name: "EACCES", Text: "Permission denied"}
	// ErrAgain: a UDP connect() or send() found no free port to autobind
	// (Linux inet_autobind turns udp_lib_get_port's failure into
	// -EAGAIN; facts §2 [UDP]).
	ErrAgain = &Errno{Name: "EAGAIN", Text: "Resource temporarily unavailable"}
	// ErrConnRefused: nothing listens on the destination.
	ErrConnRefused = &Errno{Name: "ECONNREFUSED", Text: "Connection refused"}
	// ErrNotConn: the connection named does not exist.
	ErrNotConn = &Errno{Name: "ENOTCONN", Text: "Transport endpoint is not connected"}
	// ErrNoProtoOpt: a socket option the OS does not have (setsockopt:
	// "[ENOPROTOOPT] The option is not supported by the protocol").
	ErrNoProtoOpt = &Errno{Name: "ENOPROTOOPT", Text: "Protocol not available"}
	// ErrBadF: the socket named does not exist: close() or connect() on
	// a descriptor that is no socket's (POSIX close(): "[EBADF] The
	// fildes argument is not a open file descriptor"; Winsock says
	// WSAENOTSOCK).
	ErrBadF = &Errno{Name: "EBADF", Text: "Bad file descriptor"}
	// ErrInvalid: a request that no system would accept (port 0 as a
	// destination, an unknown protocol, a socket already connected).
	ErrInvalid = &Errno{Name: "EINVAL", Text: "Invalid argument"}
	// ErrNoBufs: Winsock's error when connect() finds no free ephemeral
	// port on Windows (Profile.ExhaustedErr). Microsoft KB 196271: "When
	// you try to connect from TCP ports greater than 5000 you receive the
	// error 'WSAENOBUFS (10055)'" (docs/facts-extra.md).
	ErrNoBufs = &Errno{Name: "WSAENOBUFS", Text: "No buffer space available (10055)"}
)

// winsock names the POSIX errors as Winsock does on Windows profiles
// (Profile.Winsock), with their numbers (Microsoft, Windows Sockets Error
// Codes; docs/facts-extra.md). Each still matches its POSIX errno with
// errors.Is.
var winsock = map[*Errno]*Errno{
	ErrAccess:       {"WSAEACCES", "Permission denied (10013)", ErrAccess},
	ErrInvalid:      {"WSAEINVAL", "Invalid argument (10022)", ErrInvalid},
	ErrAddrInUse:    {"WSAEADDRINUSE", "Address already in use (10048)", ErrAddrInUse},
	ErrAddrNotAvail: {"WSAEADDRNOTAVAIL", "Cannot assign requested address (10049)", ErrAddrNotAvail},
	ErrNotConn:      {"WSAENOTCONN", "Socket is not connected (10057)", ErrNotConn},
	ErrBadF:         {"WSAENOTSOCK", "Socket operation on nonsocket (10038)", ErrBadF},
	ErrNoProtoOpt:   {"WSAENOPROTOOPT", "Bad protocol option (10042)", ErrNoProtoOpt},
	ErrConnRefused:  {"WSAECONNREFUSED", "Connection refused (10061)", ErrConnRefused},
}

// osError is an error as the host's OS names it: a Winsock errno in front
// of the engine's POSIX one, whose message it rewrites.
type osError struct {
	errno *Errno
	err   error
}

func (e *osError) Error() string {
	posix := e.errno.posix
	return strings.Replace(e.err.Error(), posix.Error(), e.errno.Error(), 1)
}

// Unwrap puts the Winsock errno first, so errors.As finds it, and keeps
// the original chain for errors.Is.
func (e *osError) Unwrap() []error { return []error{e.errno, e.err} }

// osErr is err as the host's OS reports it: with Winsock's names on
// Windows profiles, unchanged elsewhere.
func (h *Host) osErr(err error) error {
	if err == nil || !h.prof.Winsock {
		return err
	}
	e, ok := IsErrno(err)
	if !ok {
		return err
	}
	if w, ok := winsock[e]; ok {
		return &osError{w, err}
	}
	return err
}

// IsErrno reports whether err is, or wraps, one of the engine's Errno
// values: errors.As for the one type, walked by hand (errors.As brings
// 8 KB of reflection into the browser's wasm).
func IsErrno(err error) (*Errno, bool) {
	for err != nil {
		switch x := err.(type) {
		case *Errno:
			return x, true
		case interface{ Unwrap() []error }:
			for _, e := range x.Unwrap() {
				if n, ok := IsErrno(e); ok {
					return n, true
				}
			}
			return nil, false
		case interface{ Unwrap() error }:
			err = x.Unwrap()
		default:
			return nil, false
		}
	}
	return nil, false
}

// ErrnoName is how err is shown to a learner: the errno's name (e.g.
// EADDRNOTAVAIL) for one of the engine's errors, the error's text
// otherwise, "" for nil.
func ErrnoName(err error) string {
	if e, ok := IsErrno(err); ok {
		return e.Name
	}
	if err != nil {
		return err.Error()
	}
	return ""
}
