//go:build e2e

package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/class"
	"github.com/portplay/portplay/internal/classload"
)

// TestClassLoad is a class of 300 on the real portplay-serve: everyone
// joins one room and votes within one second, a fifth drop their stream
// mid-round and resume it, some change their vote. Every device's last
// vote is counted exactly once, its own stream shows it, the teacher's
// stream counts each vote within 250 ms (95th percentile), and the
// server's memory stays bounded: a second round in a second room adds
// little to the peak.
func TestClassLoad(t *testing.T) {
	url, proc := startClassroomServer(t, "-addr", "127.0.0.1:0")
	run := func(seed uint64) classload.Result {
		res, err := classload.Run(context.Background(), classload.Options{URL: url, Devices: 300, Spread: time.Second,
			DropShare: 0.2, ChangeShare: 0.3, Seed: seed, Question: class.Ref{Scene: 5, Step: 3, Seed: 1}})
		require.NoError(t, err)
		assert.Equal(t, res.Want, res.Tally, "each device's last vote, once")
		assert.Equal(t, 300, res.Voted)
		assert.Empty(t, res.Wrong, "devices whose own stream lost their vote")
		assert.Greater(t, res.Resumed, 30, "about a fifth of the streams resumed")
		assert.Less(t, res.P95(), 250*time.Millisecond, "from a vote to the teacher's stream counting it, 95th percentile")
		t.Logf("seed %d: %d votes, %d streams resumed; vote to teacher's stream p95 %v, last vote to the final tally %v",
			seed, len(res.Latencies), res.Resumed, res.P95(), res.Final)
		return res
	}
	run(1)
	first := memKB(t, proc.Pid, "VmHWM")
	run(2)
	second := memKB(t, proc.Pid, "VmHWM")
	t.Logf("portplay-serve's peak resident size: %d kB after one round, %d kB after two", first, second)
	assert.Less(t, second, 200*1024, "the server's peak stays under 200 MB")
	assert.Less(t, float64(second), 1.5*float64(first), "a second room of 300 adds less than half the first peak")
}
