//go:build linux

package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/portplay/portplay/engine"
)

// ipLocalPortRange is IP_LOCAL_PORT_RANGE, socket option 51 at IPPROTO_IP
// (Linux 6.3 and later), whose value is hi<<16 | lo (docs/facts-extra.md).
const ipLocalPortRange = 51

// systemSettings reads this machine's ip_local_port_range and
// tcp_tw_reuse (facts §2 [DOC]).
func systemSettings() (engine.Range, engine.TWReuse, error) {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return engine.Range{}, 0, &unsupportedError{fmt.Sprintf("cannot read ip_local_port_range: %v", err)}
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return engine.Range{}, 0, fmt.Errorf("ip_local_port_range %q: want two numbers", b)
	}
	lo, err1 := strconv.Atoi(f[0])
	hi, err2 := strconv.Atoi(f[1])
	sys, err := engine.NewRange(lo, hi)
	if err1 != nil || err2 != nil || err != nil {
		return engine.Range{}, 0, fmt.Errorf("ip_local_port_range %q is not a range", b)
	}
	b, err = os.ReadFile("/proc/sys/net/ipv4/tcp_tw_reuse")
	if err != nil {
		return engine.Range{}, 0, &unsupportedError{fmt.Sprintf("cannot read tcp_tw_reuse: %v", err)}
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || n < 0 || n > 2 {
		return engine.Range{}, 0, fmt.Errorf("tcp_tw_reuse %q: want 0, 1 or 2", b)
	}
	return sys, engine.TWReuse(n), nil
}

// kernelStack runs the sequence on this machine's kernel over loopback:
// listeners on 127.0.0.1 at ports the kernel picks, client sockets made
// with the syscall package so that IP_LOCAL_PORT_RANGE can be set before
// connect().
type kernelStack struct {
	r         engine.Range
	listeners []*net.TCPListener
	dests     []netip.AddrPort
	fds       []int
	last      map[int]int // destination -> its last connected fd
}

func newKernelStack(r engine.Range, dests int) (*kernelStack, []netip.AddrPort, error) {
	s := &kernelStack{r: r, last: map[int]int{}}
	for range dests {
		l, err := net.ListenTCP("tcp4", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}) // port 0: the kernel picks
		if err != nil {
			s.close()
			return nil, nil, fmt.Errorf("listen on loopback: %w", err)
		}
		s.listeners = append(s.listeners, l)
		s.dests = append(s.dests, l.Addr().(*net.TCPAddr).AddrPort())
		go s.serve(l)
	}
	return s, s.dests, nil
}

// serve accepts connections and closes each once its client has closed,
// so that the client, which closed first, holds the TIME_WAIT.
func (s *kernelStack) serve(l *net.TCPListener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			_, _ = io.Copy(io.Discard, c)
			_ = c.Close()
		}()
	}
}

func (s *kernelStack) socket(withRange bool) (int, error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	s.fds = append(s.fds, fd)
	if withRange {
		v := int(s.r.Hi)<<16 | int(s.r.Lo)
		if err := syscall.SetsockoptInt(fd, syscall.IPPROTO_IP, ipLocalPortRange, v); err != nil {
			if errors.Is(err, syscall.ENOPROTOOPT) || errors.Is(err, syscall.EINVAL) {
				return -1, &unsupportedError{"this kernel lacks IP_LOCAL_PORT_RANGE (Linux 6.3 and later have it): " + err.Error()}
			}
			return -1, err
		}
	}
	return fd, nil
}

func localPort(fd int) (int, error) {
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		return 0, err
	}
	return sa.(*syscall.SockaddrInet4).Port, nil
}

func (s *kernelStack) connect(dest int) (int, error) {
	fd, err := s.socket(true)
	if err != nil {
		return 0, err
	}
	d := s.dests[dest]
	err = syscall.Connect(fd, &syscall.SockaddrInet4{Port: int(d.Port()), Addr: d.Addr().As4()})
	if errors.Is(err, syscall.EADDRNOTAVAIL) {
		return 0, errNoPort
	}
	if err != nil {
		return 0, fmt.Errorf("connect to %s: %w", d, err)
	}
	s.last[dest] = fd
	return localPort(fd)
}

func (s *kernelStack) closeLast(dest int) error {
	fd := s.last[dest]
	if err := syscall.Shutdown(fd, syscall.SHUT_WR); err != nil {
		return err
	}
	// The server closes on our FIN; its FIN puts us in TIME_WAIT.
	time.Sleep(100 * time.Millisecond)
	return nil
}

func (s *kernelStack) sleep(d time.Duration) { time.Sleep(d) }

func (s *kernelStack) bind0(withRange bool) (int, error) {
	fd, err := s.socket(withRange)
	if err != nil {
		return 0, err
	}
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		return 0, fmt.Errorf("bind(0): %w", err)
	}
	return localPort(fd)
}

// reset closes every socket with SO_LINGER 0, so that the connections
// still open reset rather than leave TIME_WAIT entries behind.
func (s *kernelStack) reset() {
	for _, fd := range s.fds {
		_ = syscall.SetsockoptLinger(fd, syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{Onoff: 1, Linger: 0})
		_ = syscall.Close(fd)
	}
	s.fds = nil
}

// close ends every socket and listener.
func (s *kernelStack) close() {
	s.reset()
	for _, l := range s.listeners {
		_ = l.Close()
	}
}
