package engine

import "errors"

// Errno is a named socket error, matching the errno a real system returns,
// so what the learner reads is what `connect()` or `bind()` would say.
type Errno struct {
	Name string // e.g. "EADDRNOTAVAIL"
	Text string // strerror's text
}

func (e *Errno) Error() string { return e.Name + " (" + e.Text + ")" }

// The errors the engine returns, compared with ==  or errors.Is.
var (
	// ErrAddrNotAvail: connect() found no free local port toward the
	// destination (Linux, FreeBSD; facts/ports.md §2, §4; Windows says
	// ErrNoBufs instead), or a bind to an address the host does not have.
	ErrAddrNotAvail = &Errno{"EADDRNOTAVAIL", "Cannot assign requested address"}
	// ErrAddrInUse: the address and port are taken, or bind(0) found no
	// free port (Linux; facts/ports.md §2).
	ErrAddrInUse = &Errno{"EADDRINUSE", "Address already in use"}
	// ErrAccess: an unprivileged bind below the privileged limit (facts §2).
	ErrAccess = &Errno{"EACCES", "Permission denied"}
	// ErrAgain: a UDP autobind found no free port (Linux udp_lib_get_port).
	ErrAgain = &Errno{"EAGAIN", "Resource temporarily unavailable"}
	// ErrConnRefused: nothing listens on the destination.
	ErrConnRefused = &Errno{"ECONNREFUSED", "Connection refused"}
	// ErrNotConn: the connection or socket named does not exist.
	ErrNotConn = &Errno{"ENOTCONN", "Transport endpoint is not connected"}
	// ErrInvalid: a request that no system would accept (port 0 as a
	// destination, an unknown protocol, a socket already connected).
	ErrInvalid = &Errno{"EINVAL", "Invalid argument"}
	// ErrNoBufs: Winsock's error when connect() finds no free ephemeral
	// port on Windows (Profile.ExhaustedErr). Microsoft KB 196271: "When
	// you try to connect from TCP ports greater than 5000 you receive the
	// error 'WSAENOBUFS (10055)'" (docs/facts-extra.md).
	ErrNoBufs = &Errno{"WSAENOBUFS", "No buffer space available (10055)"}
)

// IsErrno reports whether err is, or wraps, one of the engine's Errno values.
func IsErrno(err error) (*Errno, bool) {
	var e *Errno
	ok := errors.As(err, &e)
	return e, ok
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
