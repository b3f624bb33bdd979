package main

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/internal/qr"
)

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    config
		wantErr string // "" for none; flag-package errors are checked by TestRunExitStatus
	}{
		{"defaults", nil, config{host: "127.0.0.1", port: 8080}, ""},
		{"port 0", []string{"-addr", "127.0.0.1:0"}, config{host: "127.0.0.1", port: 0}, ""},
		{"every address", []string{"-addr", ":9000"}, config{port: 9000}, ""},
		{"IPv6", []string{"-addr", "[::1]:8081"}, config{host: "::1", port: 8081}, ""},
		{"lan", []string{"-lan"}, config{port: 8080, lan: true}, ""},
		{"lan with a port", []string{"-lan", "-addr", ":0"}, config{lan: true}, ""},
		{"lan with a host", []string{"-lan", "-addr", "10.0.0.5:80"}, config{}, "-lan chooses the address itself"},
		{"no port", []string{"-addr", "127.0.0.1"}, config{}, `-addr "127.0.0.1": want HOST:PORT`},
		{"port not a number", []string{"-addr", "127.0.0.1:http"}, config{}, "the port must be a number from 0 to 65535"},
		{"port too big", []string{"-addr", ":65536"}, config{}, "the port must be a number from 0 to 65535"},
		{"negative port", []string{"-addr", ":-1"}, config{}, "the port must be a number"},
		{"stray argument", []string{"dist"}, config{}, `unexpected argument "dist"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseFlags(tc.args, io.Discard)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

var site = fstest.MapFS{
	"bundle/README.md":  {Data: []byte("placeholder")},
	"bundle/index.html": {Data: []byte("<!DOCTYPE html>portplay")},
}

// TestRunExitStatus runs the command as a user would get it wrong: bad
// flags are status 2 with a message naming the flag, a build without the
// bundle status 1 with what to do.
func TestRunExitStatus(t *testing.T) {
	empty := fstest.MapFS{"bundle/README.md": {Data: []byte("placeholder")}}
	tests := []struct {
		name       string
		args       []string
		bundle     fstest.MapFS
		wantStatus int
		wantErr    string
	}{
		{"unknown flag", []string{"-port", "80"}, site, 2, "flag provided but not defined: -port"},
		{"bad address", []string{"-addr", "nowhere"}, site, 2, `portplay-serve: -addr "nowhere"`},
		{"bad flag beats a missing bundle", []string{"-addr", ":99999"}, empty, 2, "from 0 to 65535"},
		{"no bundle", []string{"-addr", "127.0.0.1:0"}, empty, 1, "built without Portplay in it: build it with `make dist`"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			assert.Equal(t, tc.wantStatus, run(tc.args, &stdout, &stderr, tc.bundle))
			assert.Contains(t, stderr.String(), tc.wantErr)
			assert.Empty(t, stdout.String())
		})
	}
}

func TestLanAddr(t *testing.T) {
	ipNet := func(s string) net.Addr {
		ip, n, err := net.ParseCIDR(s)
		require.NoError(t, err)
		n.IP = ip
		return n
	}
	tests := []struct {
		name  string
		addrs []net.Addr
		want  string // "" for none
	}{
		{"private after loopback and IPv6", []net.Addr{ipNet("127.0.0.1/8"), ipNet("fe80::1/64"), ipNet("2001:db8::5/64"), ipNet("192.168.1.20/24")}, "192.168.1.20"},
		{"first private wins", []net.Addr{ipNet("10.1.2.3/8"), ipNet("172.16.0.9/12")}, "10.1.2.3"},
		{"private beats an earlier public", []net.Addr{ipNet("203.0.113.7/24"), ipNet("172.20.1.1/16")}, "172.20.1.1"},
		{"public when nothing private", []net.Addr{ipNet("127.0.0.1/8"), ipNet("203.0.113.7/24")}, "203.0.113.7"},
		{"link-local reaches no one", []net.Addr{ipNet("169.254.3.4/16")}, ""},
		{"loopback only", []net.Addr{ipNet("127.0.0.1/8"), ipNet("::1/128")}, ""},
		{"not an IPNet", []net.Addr{&net.TCPAddr{IP: net.IPv4(10, 0, 0, 1)}}, ""},
		{"none", nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := lanAddr(tc.addrs)
			if tc.want == "" {
				assert.False(t, ok, "got %v", got)
				return
			}
			require.True(t, ok)
			assert.Equal(t, tc.want, got.String())
		})
	}
}

// TestListenServesBundle listens on a kernel-chosen port, as -addr
// 127.0.0.1:0 does, and fetches the page from the printed URL.
func TestListenServesBundle(t *testing.T) {
	cfg, err := parseFlags([]string{"-addr", "127.0.0.1:0"}, io.Discard)
	require.NoError(t, err)
	ln, url, err := listen(cfg, nil)
	require.NoError(t, err)
	defer ln.Close()
	assert.Regexp(t, `^http://127\.0\.0\.1:[1-9][0-9]*/$`, url)
	assert.NotEqual(t, "http://127.0.0.1:0/", url)
	fsys, err := bundleFS(site)
	require.NoError(t, err)
	h, err := handler(fsys)
	require.NoError(t, err)
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	defer srv.Close()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "<!DOCTYPE html>portplay", string(body))

	// Class sessions beside it: the students' page, and a room.
	page, err := http.Get(url + "class/")
	require.NoError(t, err)
	page.Body.Close()
	assert.Equal(t, 200, page.StatusCode)
	assert.Equal(t, "text/html; charset=utf-8", page.Header.Get("Content-Type"))
	room, err := http.Post(url+"class/api/rooms", "application/json", nil)
	require.NoError(t, err)
	b, err := io.ReadAll(room.Body)
	room.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, room.StatusCode)
	assert.Regexp(t, `^\{"code":"[A-Z2-9]{6}","secret":"[0-9a-f]{32}"\}`, string(b))
}

func TestListenLanWithoutAddress(t *testing.T) {
	tests := []struct {
		name    string
		addrs   func() ([]net.Addr, error)
		wantErr string
	}{
		{"loopback only", func() ([]net.Addr, error) {
			return []net.Addr{&net.IPNet{IP: net.IPv4(127, 0, 0, 1), Mask: net.CIDRMask(8, 32)}}, nil
		}, "no LAN address"},
		{"listing fails", func() ([]net.Addr, error) { return nil, errors.New("boom") }, "-lan: listing this computer's addresses: boom"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := listen(config{lan: true}, tc.addrs)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)
		})
	}
}

// TestAnnounceQR reads the printed QR code back into modules (each
// character is two rows: top and bottom half) and compares it with the
// URL's code: dark modules must print as the terminal's background.
func TestAnnounceQR(t *testing.T) {
	const url = "http://192.168.1.20:8080/"
	var out bytes.Buffer
	require.NoError(t, announce(&out, url, true, false))
	head, drawing, ok := strings.Cut(out.String(), "\n\n")
	require.True(t, ok)
	drawing, class, ok := strings.Cut(drawing, "\n\n")
	require.True(t, ok)
	assert.Equal(t, "In a class session they open "+url+"class/ and type the room code.\n", class)
	assert.Equal(t, "Students open "+url+"  (Ctrl-C to stop)", head)
	want := qr.Encode(url)
	require.NotNil(t, want)
	lines := strings.Split(strings.TrimRight(drawing, "\n"), "\n")
	require.Len(t, lines, (len(want)+1)/2)
	light := map[rune][2]bool{' ': {false, false}, '█': {true, true}, '▀': {true, false}, '▄': {false, true}}
	for i, line := range lines {
		runes := []rune(line)
		require.Len(t, runes, len(want[0]), "line %d", i)
		for x, r := range runes {
			l, ok := light[r]
			require.True(t, ok, "unexpected %q", r)
			assert.Equal(t, !want[2*i][x], l[0], "module %d,%d", x, 2*i)
			if 2*i+1 < len(want) {
				assert.Equal(t, !want[2*i+1][x], l[1], "module %d,%d", x, 2*i+1)
			}
		}
	}

	out.Reset()
	long := "http://" + strings.Repeat("a", qr.MaxLen) + "/"
	assert.EqualError(t, announce(&out, long, true, false), long+" is too long for a QR code (2331 bytes at most)")

	out.Reset()
	require.NoError(t, announce(&out, "http://127.0.0.1:8080/", false, true))
	assert.Equal(t, "Portplay is at http://127.0.0.1:8080/  (Ctrl-C to stop)\n"+
		"Class sessions are at http://127.0.0.1:8080/class/, for this computer only: serve with -lan for students' devices\n", out.String())
	out.Reset()
	require.NoError(t, announce(&out, "http://127.0.0.1:8080/", false, false)) // -addr 0.0.0.0:8080
	assert.Equal(t, "Portplay is at http://127.0.0.1:8080/  (Ctrl-C to stop)\nClass sessions are at http://127.0.0.1:8080/class/\n", out.String())
}
