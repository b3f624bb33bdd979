package main

import (
	"bytes"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine/scenario"
	"github.com/portplay/portplay/engine/sim"
	"github.com/portplay/portplay/engine/sim/pcap"
	"github.com/portplay/portplay/lesson"
)

// tshark finds tshark. Without it the test is skipped, unless CI or
// PORTPLAY_E2E is set: there scripts/deps.sh has installed it, and its
// absence is a failure.
func tshark(t *testing.T) string {
	path, err := exec.LookPath("tshark")
	if err == nil {
		return path
	}
	if os.Getenv("CI") != "" || os.Getenv("PORTPLAY_E2E") != "" {
		t.Fatal("tshark is not installed: run scripts/deps.sh (apt-get install tshark)")
	}
	t.Skip("tshark is not installed (apt-get install tshark, or scripts/deps.sh); set CI or PORTPLAY_E2E to make this a failure")
	return ""
}

// TCP header flag bits as tshark prints tcp.flags.
var tcpBits = map[sim.Flags]uint64{sim.FIN: 0x01, sim.SYN: 0x02, sim.RST: 0x04, sim.PSH: 0x08, sim.ACK: 0x10}

// The pcap, read back by Wireshark's own dissectors, holds every Packet
// event in order, with its 4-tuple, flags, length and time, valid IP and
// TCP checksums, and nothing Wireshark's TCP analysis finds wrong.
func TestPcapOpensInTshark(t *testing.T) {
	ts := tshark(t)
	dir := t.TempDir()
	for _, name := range []string{"2", "3"} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(dir, name+".pcap")
			r := portsim(t, "", "pcap", name, "-o", out)
			require.Equal(t, 0, r.code, r.stderr)
			assert.Empty(t, r.stderr)

			var packets []sim.Event
			for _, e := range simulate(t, name, 0, "") {
				if e.Kind == sim.Packet {
					packets = append(packets, e)
				}
			}
			assert.Regexp(t, `^wrote `+strconv.Itoa(len(packets))+` packets of \d+ connections? to `, r.stdout)

			fields := tsharkRun(t, ts, "-r", out, "-n",
				"-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE",
				"-T", "fields", "-E", "separator=,",
				"-e", "frame.time_epoch", "-e", "ip.src", "-e", "tcp.srcport", "-e", "ip.dst", "-e", "tcp.dstport",
				"-e", "tcp.flags", "-e", "tcp.len", "-e", "tcp.checksum.status", "-e", "ip.checksum.status")
			got := lines(fields)
			require.Len(t, got, len(packets))
			var last time.Time
			for i, e := range packets {
				f := strings.Split(got[i], ",")
				require.Len(t, f, 9, got[i])
				when := epochTime(t, f[0])
				assert.Equal(t, pcap.Epoch.Add(e.At).Truncate(time.Microsecond), when, "packet %d: %s", i+1, e)
				assert.False(t, when.Before(last), "time goes forward")
				last = when
				src := netip.AddrPortFrom(netip.MustParseAddr(f[1]), port(t, f[2]))
				dst := netip.AddrPortFrom(netip.MustParseAddr(f[3]), port(t, f[4]))
				assert.Equal(t, e.Tuple.Local, src, "packet %d", i+1)
				assert.Equal(t, e.Tuple.Remote, dst, "packet %d", i+1)
				flags, err := strconv.ParseUint(strings.TrimPrefix(f[5], "0x"), 16, 16)
				require.NoError(t, err)
				var want uint64
				for bit, v := range tcpBits {
					if e.Flags&bit != 0 {
						want |= v
					}
				}
				assert.Equal(t, want, flags, "packet %d flags: %s", i+1, e)
				assert.Equal(t, strconv.Itoa(e.Len), f[6], "packet %d length", i+1)
				// 1 is PROTO_CHECKSUM_E_GOOD (0 bad, 2 not checked).
				assert.Equal(t, "1", f[7], "packet %d TCP checksum status", i+1)
				assert.Equal(t, "1", f[8], "packet %d IP checksum status", i+1)
			}

			// Wireshark's TCP analysis (lost segments, ACKs of unseen data,
			// out-of-order...) and its warnings and errors see nothing but
			// what the scenario's faults send: each segment sent again (a
			// FIN whose ACK was lost, a late copy) is a retransmission, and
			// the ACKs that answer them duplicates.
			problems := tsharkRun(t, ts, "-r", out, "-n",
				"-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE",
				"-Y", "(tcp.analysis.flags && !tcp.analysis.retransmission && !tcp.analysis.duplicate_ack) || _ws.expert.severity >= 6291456 || _ws.malformed")
			assert.Empty(t, problems)
			repeats := 0
			for _, e := range packets {
				if e.Retransmit || e.Delay > 0 {
					repeats++
				}
			}
			count := func(filter string) int {
				out := strings.TrimSpace(tsharkRun(t, ts, "-r", out, "-n", "-Y", filter))
				if out == "" {
					return 0
				}
				return len(lines(out))
			}
			assert.Equal(t, repeats, count("tcp.analysis.retransmission"), "the segments sent again are Wireshark's retransmissions")
			dupAcks := count("tcp.analysis.duplicate_ack")
			assert.LessOrEqual(t, dupAcks, repeats, "a duplicate ACK answers a segment sent again")
			if repeats == 0 {
				assert.Zero(t, dupAcks)
			}
		})
	}
}

func tsharkRun(t *testing.T, ts string, args ...string) string {
	var out, errb bytes.Buffer
	cmd := exec.Command(ts, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	require.NoError(t, cmd.Run(), errb.String())
	return out.String()
}

// epochTime reads tshark's frame.time_epoch, "1735689600.100000000".
func epochTime(t *testing.T, s string) time.Time {
	sec, frac, _ := strings.Cut(s, ".")
	n, err := strconv.ParseInt(sec, 10, 64)
	require.NoError(t, err)
	frac = (frac + "000000000")[:9]
	ns, err := strconv.ParseInt(frac, 10, 64)
	require.NoError(t, err)
	return time.Unix(n, ns).UTC()
}

func port(t *testing.T, s string) uint16 {
	n, err := strconv.ParseUint(s, 10, 16)
	require.NoError(t, err)
	return uint16(n)
}

// The same scenario and seed give the same file, byte for byte; another
// seed gives other ports, so another file.
func TestPcapIsDeterministic(t *testing.T) {
	dir := t.TempDir()
	var files [][]byte
	for i, args := range [][]string{{"3"}, {"3"}, {"3", "--seed", "2"}} {
		out := filepath.Join(dir, strconv.Itoa(i)+".pcap")
		r := portsim(t, "", append([]string{"pcap", "-o", out}, args...)...)
		require.Equal(t, 0, r.code, r.stderr)
		b, err := os.ReadFile(out)
		require.NoError(t, err)
		files = append(files, b)
	}
	assert.Equal(t, files[0], files[1])
	assert.NotEqual(t, files[0], files[2])
}

// The app's "save pcap" and `portsim pcap` give the same bytes for the
// same scenario file and seed.
func TestPcapIsTheAppsExport(t *testing.T) {
	dir := t.TempDir()
	src := "seed 3\nduration 10s\nhost laptop 192.168.1.5 profile macos\nhost web 10.0.0.10\nlisten web 80\n" +
		"connect laptop -> web:80 at 1s every 2s count 3 hold 1s\n"
	file := filepath.Join(dir, "mine.txt")
	require.NoError(t, os.WriteFile(file, []byte(src), 0o644))
	cat, err := lesson.Builtin()
	require.NoError(t, err)
	for _, seed := range []string{"", "9"} {
		t.Run("seed "+seed, func(t *testing.T) {
			out := filepath.Join(dir, "cli"+seed+".pcap")
			args := []string{"pcap", file, "-o", out}
			set := lesson.DefaultSettings()
			if seed != "" {
				args = append(args, "--seed", seed)
				set.Seed, set.SeedGiven = 9, true
			}
			r := portsim(t, "", args...)
			require.Equal(t, 0, r.code, r.stderr)
			cli, err := os.ReadFile(out)
			require.NoError(t, err)

			set.Scenario = src
			x, err := lesson.NewSession(cat, set, nil, &lesson.MemStore{}).ExportPcap()
			require.NoError(t, err)
			assert.Equal(t, cli, x.Data)
			assert.Greater(t, len(x.Data), 24, "more than the header")
		})
	}
}

// A UDP scenario's pcap opens in tshark as DNS on port 53: every datagram
// its event's, each reply matched to its query, valid IP, UDP and ICMP
// checksums, an ICMP port unreachable for each datagram that found no
// socket, and no expert information at all (not even a note).
func TestUDPPcapOpensInTsharkAsDNS(t *testing.T) {
	ts := tshark(t)
	dir := t.TempDir()
	for _, name := range []string{"dns", "udp-loss"} {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join("..", "..", "engine", "sim", "testdata", name+".txt")
			out := filepath.Join(dir, name+".pcap")
			r := portsim(t, "", "pcap", file, "-o", out)
			require.Equal(t, 0, r.code, r.stderr)
			src, err := os.ReadFile(file)
			require.NoError(t, err)
			sc, err := scenario.Parse(string(src))
			require.NoError(t, err)
			s, err := sim.New(sc)
			require.NoError(t, err)
			var want []sim.Event
			queries := 0
			s.Run(sc.Duration, func(e sim.Event) {
				switch {
				case e.Kind == sim.Packet:
					want = append(want, e)
					if !e.Reply {
						queries++
					}
				case e.Kind == sim.Unreachable && !e.Limited:
					want = append(want, e)
				}
			})
			assert.Regexp(t, `^wrote `+strconv.Itoa(len(want))+` packets of `+strconv.Itoa(queries)+` queries to `, r.stdout)

			fields := tsharkRun(t, ts, "-r", out, "-n",
				"-o", "udp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE",
				"-T", "fields", "-E", "separator=,", "-E", "occurrence=f",
				"-e", "frame.time_epoch", "-e", "ip.src", "-e", "udp.srcport", "-e", "ip.dst", "-e", "udp.dstport",
				"-e", "dns.flags.response", "-e", "dns.qry.name", "-e", "dns.response_to", "-e", "icmp.type", "-e", "icmp.code",
				"-e", "udp.checksum.status", "-e", "ip.checksum.status", "-e", "icmp.checksum.status")
			got := lines(fields)
			require.Len(t, got, len(want))
			unreachable := 0
			for i, e := range want {
				f := strings.Split(got[i], ",")
				require.Len(t, f, 13, got[i])
				assert.Equal(t, pcap.Epoch.Add(e.At).Truncate(time.Microsecond), epochTime(t, f[0]), "packet %d: %s", i+1, e)
				assert.Equal(t, "1", f[11], "packet %d IP checksum status", i+1)
				if e.Kind == sim.Unreachable {
					unreachable++
					assert.Equal(t, e.Tuple.Local.Addr().String(), f[1], "from the host without the socket")
					assert.Equal(t, e.Tuple.Remote.Addr().String(), f[3])
					assert.Equal(t, "3,3", f[8]+","+f[9], "destination unreachable, port")
					assert.Equal(t, "1", f[12], "packet %d ICMP checksum status", i+1)
					continue
				}
				assert.Equal(t, e.Tuple.Local, netip.AddrPortFrom(netip.MustParseAddr(f[1]), port(t, f[2])), "packet %d", i+1)
				assert.Equal(t, e.Tuple.Remote, netip.AddrPortFrom(netip.MustParseAddr(f[3]), port(t, f[4])), "packet %d", i+1)
				assert.Equal(t, map[bool]string{false: "0", true: "1"}[e.Reply], f[5], "packet %d is DNS: %s", i+1, e)
				assert.Equal(t, "www.example.com", f[6])
				if e.Reply {
					assert.NotEmpty(t, f[7], "packet %d: tshark matched the reply to its query", i+1)
				}
				assert.Equal(t, "1", f[10], "packet %d UDP checksum status", i+1)
			}
			assert.Positive(t, unreachable)
			problems := tsharkRun(t, ts, "-r", out, "-n",
				"-o", "udp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE",
				"-Y", "_ws.expert || _ws.malformed")
			assert.Empty(t, problems)
		})
	}
}
