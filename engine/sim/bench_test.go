package sim

import (
	"runtime"
	"testing"
	"time"

	"github.com/portplay/portplay/engine/scenario"
)

// An hour of traffic at 1,000 new connections per second toward one server:
// 3.6 million connections. The client's range is widened to 1024-65535 so
// that 64,512 ports / 60 s of TIME_WAIT (1,075 per second) carry the rate.
const hour = `
duration 1h
latency 1ms
host client 192.168.1.5 range 1024-65535
host web 10.0.0.10
listen web 80 service 1ms
connect client -> web:80 rate 1000/s count 3600000 hold 0s
`

// BenchmarkHourAt1000PerSecond reports ns per connection and the peak heap
// seen at each simulated minute: memory stays flat because nothing keeps
// events (the sink is nil) and connection slots are reused.
func BenchmarkHourAt1000PerSecond(b *testing.B) {
	sc, err := scenario.Parse(hour)
	if err != nil {
		b.Fatal(err)
	}
	var peak, first uint64
	var ms runtime.MemStats
	for b.Loop() {
		s, err := New(sc)
		if err != nil {
			b.Fatal(err)
		}
		for at := time.Minute; at <= time.Hour; at += time.Minute {
			s.Run(at, nil)
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			if at == 2*time.Minute && first == 0 {
				first = ms.HeapInuse
			}
		}
		s.Run(2*time.Hour, nil)
		if st := s.Stats(); st.Completed != 3_600_000 || st.Failed != 0 {
			b.Fatalf("stats: %+v", st)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/3.6e6, "ns/conn")
	b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
	b.ReportMetric(float64(first)/1e6, "heap-at-2min-MB")
}

// BenchmarkMinuteAt1000PerSecond is the first minute of the hour: 60,000
// connections, short enough to run in WebAssembly under Node as well
// (`make bench`), so that the browser's cost per connection is measured
// beside the native one.
func BenchmarkMinuteAt1000PerSecond(b *testing.B) {
	sc, err := scenario.Parse(hour)
	if err != nil {
		b.Fatal(err)
	}
	const conns = 60_000
	for b.Loop() {
		s, err := New(sc)
		if err != nil {
			b.Fatal(err)
		}
		s.Run(time.Minute, nil)
		if st := s.Stats(); st.Started < conns {
			b.Fatalf("stats: %+v", st)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/conns, "ns/conn")
}
