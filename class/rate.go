package class

import "time"

// Rate is a token bucket's: Burst requests at once, then PerSecond.
type Rate struct {
	PerSecond float64
	Burst     int
}

// DefaultRate lets a student change their mind a few times a second and
// a reconnecting page join again, and no more.
var DefaultRate = Rate{PerSecond: 4, Burst: 8}

// bucket is one device's token bucket; its zero value is full at first
// use.
type bucket struct {
	tokens float64
	last   time.Time
	used   bool
}

// take spends one token at now, if there is one.
func (b *bucket) take(r Rate, now time.Time) bool {
	if !b.used {
		b.tokens, b.last, b.used = float64(r.Burst), now, true
	}
	if dt := now.Sub(b.last); dt > 0 {
		b.tokens = min(float64(r.Burst), b.tokens+dt.Seconds()*r.PerSecond)
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
