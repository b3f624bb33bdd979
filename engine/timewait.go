package engine

import (
	"math"
	"time"
)

// TWReuseDelay is the age a TIME_WAIT entry must exceed (strictly) before
// tcp_tw_reuse may take it over (tcp_tw_reuse_delay, default 1000 ms;
// facts §2 [TW][TWD]).
const TWReuseDelay = time.Second

type twEntry struct {
	t       FourTuple
	expires time.Duration
}

// Capacity is the most new connections per second one host can open to one
// destination and keep up: every connection holds its port toward that
// destination for TIME_WAIT after it closes, so at most r.Size() ports
// turn over every timeWait (facts/ports.md §7 and fact 10: Linux's
// defaults give 28232 / 60 s ≈ 470 per second). With no TIME_WAIT there is
// no such ceiling: +Inf.
func Capacity(r Range, timeWait time.Duration) float64 {
	if timeWait <= 0 {
		return math.Inf(1)
	}
	return float64(r.Size()) / timeWait.Seconds()
}

// Advance moves simulated time on by d and expires TIME_WAIT entries.
func (h *Host) Advance(d time.Duration) { h.AdvanceTo(h.now+d, nil) }

// AdvanceTo moves simulated time to now (never back) and ends every
// TIME_WAIT that has run its length, calling expired, if not nil, for each.
func (h *Host) AdvanceTo(now time.Duration, expired func(FourTuple)) {
	if now > h.now {
		h.now = now
	}
	for h.twHead < len(h.twQueue) && h.twQueue[h.twHead].expires <= h.now {
		e := h.twQueue[h.twHead]
		h.twHead++
		tb := h.tables[e.t.Proto]
		if c, ok := h.get(tb, &e.t); ok && c.state == TimeWait && c.since+h.prof.TimeWait == e.expires {
			h.remove(tb, &e.t, c)
			if expired != nil {
				expired(e.t)
			}
		}
	}
	// Reuse the queue's storage once it has drained.
	if h.twHead == len(h.twQueue) {
		h.twQueue, h.twHead = h.twQueue[:0], 0
	} else if h.twHead > 4096 && h.twHead*2 > len(h.twQueue) {
		n := copy(h.twQueue, h.twQueue[h.twHead:])
		h.twQueue, h.twHead = h.twQueue[:n], 0
	}
}

// NextExpiry is when the earliest pending TIME_WAIT may end (a later
// AdvanceTo past it ends it, unless it was taken over), so that a caller
// can wake up for it rather than keep a timer per connection.
func (h *Host) NextExpiry() (time.Duration, bool) {
	for h.twHead < len(h.twQueue) {
		e := &h.twQueue[h.twHead]
		if c, ok := h.get(h.tables[e.t.Proto], &e.t); ok && c.state == TimeWait && c.since+h.prof.TimeWait == e.expires {
			return e.expires, true
		}
		// Taken over or started again (RestartTimeWait): nothing ends
		// then; its queue entry is dead.
		h.twHead++
	}
	return 0, false
}

// Close is the active close of connection t: this side closed first, so
// it holds the 4-tuple in TIME_WAIT for the profile's length (facts §2
// [DFLY][VB]); UDP has no TIME_WAIT and frees the port at once.
func (h *Host) Close(t FourTuple) error {
	tb, c, err := h.closing(&t)
	if err != nil {
		return h.osErr(err)
	}
	if t.Proto == UDP || h.prof.TimeWait == 0 {
		return nil
	}
	h.add(tb, &t, conn{state: TimeWait, since: h.now, accepted: c.accepted, fromBind: c.fromBind, reuseAddr: c.reuseAddr, reusePort: c.reusePort, exclusive: c.exclusive})
	h.twQueue = append(h.twQueue, twEntry{t, h.now + h.prof.TimeWait})
	return nil
}

// PassiveClose ends connection t after the peer closed first: this side
// holds no TIME_WAIT and frees the 4-tuple at once.
func (h *Host) PassiveClose(t FourTuple) error {
	_, _, err := h.closing(&t)
	return h.osErr(err)
}

// closing removes established connection t, for either way of closing.
func (h *Host) closing(t *FourTuple) (*table, conn, error) {
	tb, c, err := h.lookup(t)
	if err != nil {
		return nil, conn{}, err
	}
	if c.state != Established {
		return nil, conn{}, errorf("close %s: already closed: %w", (*t).String(), ErrNotConn)
	}
	h.remove(tb, t, c)
	return tb, c, nil
}

func (h *Host) lookup(t *FourTuple) (*table, conn, error) {
	tb, err := h.table(t.Proto)
	if err != nil {
		return nil, conn{}, err
	}
	c, ok := h.get(tb, t)
	if !ok {
		return nil, conn{}, errorf("%s: no such connection: %w", (*t).String(), ErrNotConn)
	}
	return tb, c, nil
}

// RestartTimeWait starts connection t's TIME_WAIT again from now: the peer
// retransmitted its FIN (the last ACK was lost), and the side in TIME_WAIT
// acknowledges it and restarts the 2×MSL timeout (RFC 9293 §3.10.7.4,
// TIME-WAIT STATE; Linux's tcp_timewait_state_process reschedules it for
// TCP_TIMEWAIT_LEN). t must be in TIME_WAIT: ENOTCONN otherwise.
func (h *Host) RestartTimeWait(t FourTuple) error {
	tb, c, err := h.lookup(&t)
	if err != nil {
		return h.osErr(err)
	}
	if c.state != TimeWait {
		return h.osErr(errorf("%s: not in TIME_WAIT: %w", t.String(), ErrNotConn))
	}
	h.remove(tb, &t, c)
	c.since = h.now
	h.add(tb, &t, c)
	// The entry queued for the old end no longer matches (AdvanceTo checks
	// since): this one ends it, and TIME_WAITs of one length stay in order.
	h.twQueue = append(h.twQueue, twEntry{t, h.now + h.prof.TimeWait})
	return nil
}
