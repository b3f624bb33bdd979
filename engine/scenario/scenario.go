// Package scenario reads Portplay's scenario files: a small line-based text
// format that a teacher can write by hand (docs/scenarios.md). A scenario
// names hosts, what listens where, and which clients connect when; package
// sim runs it. Parsing checks everything that can be checked without
// running (names, numbers, ranges, references) and reports the first problem
// with its line and column.
package scenario

import (
	"fmt"
	"net/netip"
	"time"
)

// Scenario is a parsed, validated scenario file. Every host named by a
// Listen or Connect exists in Hosts; addresses and names are unique.
type Scenario struct {
	Title    string        // `title "..."`; empty if not given
	Seed     uint64        // `seed N`; 1 if not given
	Duration time.Duration // `duration D`: how long to simulate; 60s if not given
	Latency  time.Duration // `latency D`: one-way delay of every link; 5ms if not given
	// Ephemeral is false after `ephemeral off`: every connection then uses
	// port 80 at both ends (lesson 4's counterfactual).
	Ephemeral bool
	Hosts     []Host
	Listens   []Listen
	Connects  []Connect
}

// Pos is a place in a scenario file; lines and columns start at 1.
type Pos struct{ Line, Col int }

func (p Pos) String() string { return fmt.Sprintf("line %d, column %d", p.Line, p.Col) }

// Host is a `host NAME ADDRESS [profile P] [range LO-HI] [timewait D]
// [strategy S]` line.
type Host struct {
	Pos      Pos
	Name     string
	Addr     netip.Addr
	Profile  string // an engine profile name; "linux" if not given
	Range    string // "" for the profile's own ephemeral range, else "LO-HI" (already checked)
	TimeWait time.Duration
	// Strategy overrides the profile's connect() strategy by name
	// (engine.StrategyByName); "" keeps the profile's.
	Strategy string
	// HasTimeWait says whether `timewait` overrides the profile's length.
	HasTimeWait bool
}

// Listen is a `listen HOST PORT [service D]` line: a TCP listener on the
// host's address.
type Listen struct {
	Pos     Pos
	Host    string
	Port    uint16
	Service time.Duration // server time per request; 0 if not given
}

// Side says which end of a connection closes first (and so holds TIME_WAIT).
type Side int

const (
	Client Side = iota
	Server
)

func (s Side) String() string {
	if s == Server {
		return "server"
	}
	return "client"
}

// Connect is a `connect CLIENT -> SERVER:PORT [at D] [every D | rate N/s]
// [count N] [hold D] [close client|server]` line: count connections, the
// first at At, then one every Every.
type Connect struct {
	Pos    Pos
	From   string
	To     string
	Port   uint16
	At     time.Duration
	Every  time.Duration // 0 with Count 1
	Count  int
	Hold   time.Duration // how long the connection stays open after the response
	Closer Side
}
