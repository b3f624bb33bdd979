package lesson

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
)

// A share link carries a scenario in its fragment (the part after #, which
// a browser never sends to the server): `#scenario=` then the scenario's
// text compressed with raw DEFLATE (RFC 1951) and written in unpadded
// base64url (RFC 4648 §5), then the usual settings and t=, the moment
// shown.

// MaxScenarioBytes is the longest scenario text a link or a file may
// carry: the built-in scenarios are under 2 KB, so this is room for a
// long hand-written one, and a limit a decompression bomb runs into.
const MaxScenarioBytes = 64 << 10

// MaxScenarioParam is the longest encoded scenario a link may carry, in
// characters: with DEFLATE a text at MaxScenarioBytes needs far fewer.
const MaxScenarioParam = 32 << 10

// EncodeScenario compresses a scenario's text into a link's scenario=
// value.
func EncodeScenario(src string) (string, error) {
	if len(src) > MaxScenarioBytes {
		return "", fmt.Errorf("the scenario is %d bytes; a link carries at most %d", len(src), MaxScenarioBytes)
	}
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, flate.BestCompression)
	if err != nil {
		return "", err
	}
	if _, err := io.WriteString(w, src); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b.Bytes()), nil
}

// DecodeScenario reads a link's scenario= value back into the scenario's
// text. The error says what was wrong: not base64url (and where), too
// long, not DEFLATE data, or more text than MaxScenarioBytes.
func DecodeScenario(v string) (string, error) {
	if len(v) > MaxScenarioParam {
		return "", fmt.Errorf("it is %d characters long; a link's scenario may be at most %d", len(v), MaxScenarioParam)
	}
	raw, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		if at, ok := err.(base64.CorruptInputError); ok {
			return "", fmt.Errorf("not base64url text (RFC 4648 §5, unpadded): character %d is wrong", int64(at)+1)
		}
		return "", fmt.Errorf("not base64url text: %v", err)
	}
	// One byte more than allowed tells a text at the limit from one over.
	r := io.LimitReader(flate.NewReader(bytes.NewReader(raw)), MaxScenarioBytes+1)
	out, err := io.ReadAll(r)
	if err != nil {
		return "", fmt.Errorf("not a compressed scenario (raw DEFLATE, RFC 1951): %v", err)
	}
	if len(out) > MaxScenarioBytes {
		return "", fmt.Errorf("it decompresses to more than %d bytes, more than any scenario needs", MaxScenarioBytes)
	}
	return string(out), nil
}

// LinkCarries says what a share link of this moment carries, as the
// message after K says it: a lesson's link names the lesson (scene=),
// its step, moment and settings; only the learner's own scenario travels
// whole in it (scenario=).
func (s *Session) LinkCarries() string {
	if s.run != nil && s.run.Lesson.Source != "" {
		return s.T("link.carries.yours")
	}
	return s.T("link.carries.lesson", "n", s.set.Lesson)
}

// ShareFragment is the fragment (without #) of a link that opens the
// session as it is now: its scenario, if it is the learner's own, else
// its lesson; its settings; and the moment shown.
func (s *Session) ShareFragment() (string, error) { return s.fragment(true) }

// fragment is ShareFragment, with the moment shown or without it (the
// presenter's QR code, which must not change as time plays).
func (s *Session) fragment(moment bool) (string, error) {
	q := Params{}
	var parts []string
	if s.run != nil && s.run.Lesson.Source != "" {
		enc, err := EncodeScenario(s.run.Lesson.Source)
		if err != nil {
			return "", err
		}
		// First, and unescaped: base64url needs no escaping.
		parts = append(parts, "scenario="+enc)
	} else {
		q.Set("scene", strconv.Itoa(s.set.Lesson))
	}
	if s.set.Profile.Name != "" {
		q.Set("profile", s.set.Profile.Name)
	}
	// The knobs in force, by the names ParseSettings reads.
	sb := s.set.Sandbox
	if ks, _ := s.knobs(); len(ks) > 0 {
		if sb.Range != (engine.Range{}) {
			q.Set("range", sb.Range.String())
		}
		if sb.Strategy != 0 {
			q.Set("strategy", sb.Strategy.String())
		}
		if sb.TimeWait > 0 {
			q.Set("timewait", sb.TimeWait.String())
		}
	}
	if s.run != nil && s.run.Lesson.Sandbox {
		q.Set("clients", strconv.Itoa(sb.Clients))
		q.Set("rate", strconv.Itoa(sb.Rate))
		q.Set("dests", strconv.Itoa(sb.Dests))
		if sb.UDP > 0 {
			q.Set("udp", strconv.Itoa(sb.UDP))
		}
	}
	if s.run != nil {
		q.Set("seed", strconv.FormatUint(s.run.Scenario.Seed, 10))
		if moment {
			q.Set("t", s.run.play.now.String())
			if s.set.Lesson != CustomLesson {
				// The narration that goes with the moment.
				q.Set("step", strconv.Itoa(s.ls.step+1))
			}
		}
	}
	q.Set("speed", strconv.FormatFloat(s.set.Speed, 'g', -1, 64))
	// The language the link was made in, but English: a link made in
	// English opens in each reader's own.
	if l := s.Lang(); l != "en" {
		q.Set("lang", l)
	}
	if enc := q.Encode(); enc != "" {
		parts = append(parts, enc)
	}
	return strings.Join(parts, "&"), nil
}

// ShareLink is the link to the session as it is now, on the page at base
// (the app's address, without its fragment).
func (s *Session) ShareLink(base string) (string, error) {
	f, err := s.ShareFragment()
	if err != nil {
		return "", err
	}
	if i := strings.IndexByte(base, '#'); i >= 0 {
		base = base[:i]
	}
	return base + "#" + f, nil
}

// parseAt reads t=, the moment a link opens at: a duration (1.5s, 2m3s)
// or plain seconds, from 0 to 24 hours.
func parseAt(v string) (time.Duration, bool) {
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		return time.Duration(f * float64(time.Second)), f >= 0 && f <= 24*3600
	}
	d, err := time.ParseDuration(v)
	return d, err == nil && d >= 0 && d <= 24*time.Hour
}

// LinkNames are the settings only a share link carries: the scenario, the
// moment and the lesson's step (natively, -scenario names a file or a
// link instead).
var LinkNames = []string{"scenario", "t", "step"}

// maxStep bounds a link's step before the lesson is known; the lesson
// then holds it to its own last step.
const maxStep = 99

// ParseLink reads a share link's own settings into s through get, as
// ParseSettings reads the others: a bad value is named in a problem and
// left out, and the lesson in s opens instead. A scenario is parsed here
// already, so that one that cannot run never replaces the lesson.
func ParseLink(s *Settings, get func(name string) (string, bool)) []string {
	var problems []string
	b := phrasesOr(s.Lang)
	if v, ok := get("t"); ok {
		if d, ok := parseAt(v); !ok {
			problems = append(problems, badSetting(b, "t", v, b.T("setting.want.moment"), b.T("setting.default.start")))
		} else {
			s.At = d
		}
	}
	if v, ok := get("step"); ok {
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > maxStep {
			problems = append(problems, badSetting(b, "step", v, b.T("setting.want.step", "max", maxStep), b.T("setting.default.step-saved")))
		} else {
			s.Step = n
		}
	}
	if v, ok := get("scenario"); ok {
		src, err := DecodeScenario(v)
		if err == nil {
			err = CheckScenario(src)
		}
		if err != nil {
			problems = append(problems, b.T("link.scenario-unopened", "err", err.Error(), "n", s.Lesson))
		} else {
			s.Scenario = src
		}
	}
	return problems
}

// CheckScenario says whether src is a scenario that runs: its first
// problem, with its line and column, or nil.
func CheckScenario(src string) error {
	if len(src) > MaxScenarioBytes {
		return fmt.Errorf("the scenario is %d bytes; at most %d", len(src), MaxScenarioBytes)
	}
	sc, err := scenario.Parse(src)
	if err != nil {
		return err
	}
	if len(sc.Hosts) == 0 {
		// Nothing to draw: the picture would be empty.
		return fmt.Errorf("the scenario has no host; add one, e.g. host client 192.168.1.5")
	}
	_, err = newPlayer(sc)
	return err
}
