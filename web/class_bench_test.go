package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/class"
	"github.com/portplay/portplay/internal/classload"
)

// loadQuestion is lesson 5's next-port question: three choices.
var loadQuestion = class.Ref{Scene: 5, Step: 3, Seed: 1}

func loadServer(tb testing.TB) string {
	hub, err := NewClassHub()
	require.NoError(tb, err)
	srv := httptest.NewServer(ClassHandler(hub))
	tb.Cleanup(srv.Close)
	return srv.URL + "/"
}

// TestClassLoadSmall is the load test's round, small enough for go test:
// every device's last vote counted once, resumed streams included.
func TestClassLoadSmall(t *testing.T) {
	res, err := classload.Run(context.Background(), classload.Options{URL: loadServer(t), Devices: 40, Spread: 300 * time.Millisecond,
		DropShare: 0.2, ChangeShare: 0.3, Seed: 2, Question: loadQuestion})
	require.NoError(t, err)
	assert.Equal(t, res.Want, res.Tally)
	assert.Equal(t, 40, res.Voted)
	assert.Empty(t, res.Wrong)
	assert.Positive(t, res.Resumed)
}

// BenchmarkClassRoom is one room's round at each size: every device
// votes within a second (some twice), a fifth of the streams drop and
// resume. It reports the 95th percentile of the time from a vote to the
// teacher's stream counting it, as milliseconds and as a ratio to the
// 100-device room's in the same run (the first size with enough votes
// for a steady 95th percentile), and whether the room held the 250 ms the
// class needs (1) or not (0).
func BenchmarkClassRoom(b *testing.B) {
	var baseline time.Duration
	for _, n := range []int{100, 300, 1000} {
		b.Run(fmt.Sprintf("devices=%d", n), func(b *testing.B) {
			url := loadServer(b)
			var worst time.Duration
			for i := 0; b.Loop(); i++ {
				res, err := classload.Run(context.Background(), classload.Options{URL: url, Devices: n, Spread: time.Second,
					DropShare: 0.2, ChangeShare: 0.3, Seed: uint64(i), Question: loadQuestion})
				require.NoError(b, err)
				require.Equal(b, res.Want, res.Tally)
				worst = max(worst, res.P95())
			}
			if baseline == 0 {
				baseline = worst
			}
			held := 0.0
			if worst <= 250*time.Millisecond {
				held = 1
			}
			b.ReportMetric(float64(worst)/1e6, "p95-ms")
			b.ReportMetric(float64(worst)/float64(baseline), "p95/100-devices")
			b.ReportMetric(held, "held-250ms")
		})
	}
}
