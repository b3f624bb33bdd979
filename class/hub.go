package class

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// Refusals, each with the HTTP status the web layer gives it.
var (
	ErrNoRoom       = errors.New("there is no room with that code (it may have expired)")
	ErrTooManyRooms = errors.New("the server holds as many rooms as it can, all in use; try again when one has expired")
	ErrRoomFull     = errors.New("the room holds as many devices as it can")
	ErrForbidden    = errors.New("that is not this room's teacher secret")
	ErrNotJoined    = errors.New("this device has not joined the room")
	ErrBadDevice    = errors.New("a device id is 16 to 64 letters, digits, '-' or '_'")
	ErrRateLimited  = errors.New("too many requests from this device: wait a moment")
	ErrRoundClosed  = errors.New("that round is not open")
	ErrNoQuestion   = errors.New("the room has no question yet")
	ErrBadChoice    = errors.New("there is no such choice")
	ErrRevealed     = errors.New("the answer has been revealed: ask the next question")
)

// Config is what a Hub needs from outside. The zero value of each field
// is replaced by the default named beside it.
type Config struct {
	Now         func() time.Time // time.Now
	Rand        io.Reader        // crypto/rand.Reader: room codes and teacher secrets
	Ask         Asker            // required: where questions come from
	MaxRooms    int              // 20
	MaxDevices  int              // 1,000 a room
	IdleTimeout time.Duration    // 4 hours without a request
	Rate        Rate             // DefaultRate, per device
}

// Defaults.
const (
	DefaultMaxRooms    = 20
	DefaultMaxDevices  = 1000
	DefaultIdleTimeout = 4 * time.Hour
)

// Hub holds the rooms. Its methods may be called from many goroutines.
type Hub struct {
	cfg   Config
	mu    sync.Mutex
	rooms map[string]*Room // by code; a room past its idle timeout is removed before it is looked up
}

// NewHub returns a Hub with cfg, its zero fields set to the defaults.
func NewHub(cfg Config) *Hub {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.MaxRooms <= 0 {
		cfg.MaxRooms = DefaultMaxRooms
	}
	if cfg.MaxDevices <= 0 {
		cfg.MaxDevices = DefaultMaxDevices
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.Rate == (Rate{}) {
		cfg.Rate = DefaultRate
	}
	return &Hub{cfg: cfg, rooms: map[string]*Room{}}
}

// codeAlphabet has no letters that read as others (0/O, 1/I/L), so a
// code copied from the board is typed right.
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// CodeLen is a room code's length: 31⁶ codes, so that one guessed at
// random names none of twenty rooms (it would only let a device join;
// teaching takes the secret).
const CodeLen = 6

// Create opens a room and returns its code and its teacher secret: 128
// random bits read apart from the code, so knowing the code tells
// nothing of the secret.
func (h *Hub) Create() (code, secret string, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.cfg.Now()
	h.expireLocked(now)
	if len(h.rooms) >= h.cfg.MaxRooms && !h.dropUnusedLocked(now) {
		return "", "", ErrTooManyRooms
	}
	for {
		code, err = h.newCode()
		if err != nil {
			return "", "", err
		}
		if h.rooms[code] == nil {
			break
		}
	}
	var key [16]byte
	if _, err := io.ReadFull(h.cfg.Rand, key[:]); err != nil {
		return "", "", fmt.Errorf("reading a teacher secret: %w", err)
	}
	secret = hex.EncodeToString(key[:])
	h.rooms[code] = newRoom(code, secret, &h.cfg, now)
	return code, secret, nil
}

// newCode draws CodeLen letters of codeAlphabet, each byte kept only
// below the largest multiple of the alphabet's size so that every letter
// is as likely.
func (h *Hub) newCode() (string, error) {
	const limit = 256 - 256%len(codeAlphabet)
	out := make([]byte, 0, CodeLen)
	var b [1]byte
	for len(out) < CodeLen {
		if _, err := io.ReadFull(h.cfg.Rand, b[:]); err != nil {
			return "", fmt.Errorf("reading a room code: %w", err)
		}
		if int(b[0]) < limit {
			out = append(out, codeAlphabet[int(b[0])%len(codeAlphabet)])
		}
	}
	return string(out), nil
}

// Room returns the room with code, or ErrNoRoom (also for one that has
// been idle too long).
func (h *Hub) Room(code string) (*Room, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.expireLocked(h.cfg.Now())
	r := h.rooms[code]
	if r == nil {
		return nil, ErrNoRoom
	}
	return r, nil
}

// Expire drops every room idle for longer than the idle timeout, and
// returns how many rooms remain. The server calls it now and then, so
// that a room nobody asks for again is dropped too.
func (h *Hub) Expire() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.expireLocked(h.cfg.Now())
	return len(h.rooms)
}

// unusedGrace is how long a room nobody has used may hold its place
// when the server is full: a room no device joined, that asked nothing
// and has no stream open, named by no request for this long, makes way
// for a new one. Rooms created and left (or created by the hundred) do
// not keep teachers out for the four hours of the idle timeout; a
// teacher whose page is open holds a stream.
const unusedGrace = 10 * time.Minute

// dropUnusedLocked drops the unused room idle longest, if one has been
// for unusedGrace, and reports whether it did.
func (h *Hub) dropUnusedLocked(now time.Time) bool {
	var oldest *Room
	var idle time.Duration
	for _, r := range h.rooms {
		if d, unused := r.unused(now); unused && d > unusedGrace && d > idle {
			oldest, idle = r, d
		}
	}
	if oldest == nil {
		return false
	}
	oldest.close()
	delete(h.rooms, oldest.code)
	return true
}

func (h *Hub) expireLocked(now time.Time) {
	for code, r := range h.rooms {
		if r.idleSince(now) > h.cfg.IdleTimeout {
			r.close()
			delete(h.rooms, code)
		}
	}
}
