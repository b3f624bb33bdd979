package observe

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sync"
	"syscall"
	"time"
)

// kernelStack runs the sequence on this computer's kernel with ordinary
// sockets (Go's net package): two listeners on loopback at ports the
// kernel picks, connections to them, nothing sent but the handshakes and
// FINs, and every socket closed by close().
type kernelStack struct {
	listeners []net.Listener
	dests     []netip.AddrPort
	conns     map[[2]int]net.Conn // (destination, local port) -> our side
	// closed gets the peer port of each accepted connection the server
	// closed after reading our FIN.
	closed chan int

	mu       sync.Mutex
	accepted []net.Conn
	wg       sync.WaitGroup
}

// newKernelStack listens on 127.0.0.1 and, for the second destination,
// on 127.0.0.2 where this system answers on it (Linux routes all of
// 127.0.0.0/8 to loopback; macOS and Windows usually have only
// 127.0.0.1), else on 127.0.0.1 at a second port: a destination is an
// address and port, so either is another 4-tuple's far end.
func newKernelStack() (*kernelStack, error) {
	s := &kernelStack{conns: map[[2]int]net.Conn{}, closed: make(chan int, MaxFirst+MaxSecond)}
	for _, addr := range []string{"127.0.0.1:0", "127.0.0.2:0"} {
		l, err := net.Listen("tcp4", addr)
		if err != nil && addr != "127.0.0.1:0" {
			l, err = net.Listen("tcp4", "127.0.0.1:0")
		}
		if err != nil {
			s.close()
			return nil, fmt.Errorf("%w: cannot listen on loopback: %v", ErrUnsupported, err)
		}
		s.listeners = append(s.listeners, l)
		s.dests = append(s.dests, l.Addr().(*net.TCPAddr).AddrPort())
		s.wg.Add(1)
		go s.serve(l)
	}
	return s, nil
}

// serve accepts connections; each is closed once its client has closed,
// so that the client, which closed first, holds the TIME_WAIT.
func (s *kernelStack) serve(l net.Listener) {
	defer s.wg.Done()
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.accepted = append(s.accepted, c)
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			_, err := io.Copy(io.Discard, c)
			_ = c.Close()
			if err == nil { // our FIN, not a reset
				s.closed <- c.RemoteAddr().(*net.TCPAddr).Port
			}
		}()
	}
}

// Connect lets the kernel pick the local port. Go on Windows binds to
// port 0 before ConnectEx, which is what Winsock's connect() does for
// an unbound socket.
func (s *kernelStack) Connect(dest int) (int, error) {
	d := net.Dialer{Timeout: 5 * time.Second}
	c, err := d.Dial("tcp4", s.dests[dest].String())
	if err != nil {
		return 0, err
	}
	p := c.LocalAddr().(*net.TCPAddr).Port
	s.conns[[2]int{dest, p}] = c
	return p, nil
}

func (s *kernelStack) CloseFirst(dest, port int) error {
	k := [2]int{dest, port}
	c := s.conns[k]
	delete(s.conns, k)
	if err := c.Close(); err != nil {
		return err
	}
	timeout := time.After(5 * time.Second)
	for {
		select {
		case p := <-s.closed:
			if p == port {
				// The server's FIN is on its way over loopback; a moment
				// for our side to answer it and enter TIME_WAIT.
				time.Sleep(50 * time.Millisecond)
				return nil
			}
		case <-timeout:
			return fmt.Errorf("the server did not close the connection from port %d", port)
		}
	}
}

// Bind binds and listens on 127.0.0.1:port (Go binds a TCP socket
// without connecting only to listen), with SO_REUSEADDR set as asked:
// Go sets it on Unix listeners by default, so it is set either way here.
func (s *kernelStack) Bind(port int, reuseAddr bool) (bool, error) {
	lc := net.ListenConfig{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		if err := c.Control(func(fd uintptr) { serr = setReuseAddr(fd, reuseAddr) }); err != nil {
			return err
		}
		return serr
	}}
	l, err := lc.Listen(context.Background(), "tcp4", netip.AddrPortFrom(loopback, uint16(port)).String())
	if isAddrInUse(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, l.Close()
}

// close ends every connection with a reset (SO_LINGER 0), so no
// TIME_WAIT is left behind but the one the sequence made, then the
// listeners, and waits for the server's goroutines.
func (s *kernelStack) close() {
	for _, c := range s.conns {
		_ = c.(*net.TCPConn).SetLinger(0)
		_ = c.Close()
	}
	s.conns = nil
	for _, l := range s.listeners {
		_ = l.Close()
	}
	s.mu.Lock()
	for _, c := range s.accepted {
		_ = c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}
