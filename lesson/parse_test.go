package lesson

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/sim"
)

const minimal = "short Test\nscenario 5-running-out\noverview Hello.\nlearnt Something.\n"

func TestParseReadsEveryStatement(t *testing.T) {
	src := `# a comment
title Running out, again
short Again
scenario 5-running-out
flight 0.15
idle 2
profile-switch
compare

overview {client} has {client.range.size} ports,
  from {client.range}.
learnt Ports run out.

step s1
say Watch the first ports go out.
until 3 port-allocated on client
expect 2 time-wait on client

step s2
ask q-one Which port next?
choices next-port
until port-allocated
answer port
why {answer} {answer.pick}.

step s3
ask q-two Will it succeed?
choices yes | no:{client.exhausted} | no:EADDRINUSE
until connect
answer outcome
why Because.
expect failures

step s4
say Time waits on the server.
until state not-on client state TIME_WAIT
expect range-full on client

step s5
ask q-three What does a listen get?
choices port | EACCES
answer listen 80
why Privilege.
`
	l, err := Parse(5, "5-again", src)
	require.NoError(t, err)
	assert.Equal(t, 5, l.Number)
	assert.Equal(t, "Running out, again", l.Title)
	assert.Equal(t, "Again", l.Short)
	assert.Equal(t, "5-running-out", l.Scenario)
	assert.Equal(t, 0.15, l.Flight)
	assert.Equal(t, 2.0, l.Idle)
	assert.True(t, l.ProfileSwitch)
	assert.True(t, l.Compare)
	assert.False(t, l.Sandbox)
	assert.Equal(t, "{client} has {client.range.size} ports, from {client.range}.", l.Overview.Src, "continuation lines join with one space")
	assert.Equal(t, "Ports run out.", l.Learnt.Src)
	require.Len(t, l.Steps, 5)

	assert.Equal(t, "Watch the first ports go out.", l.Steps[0].Say.Src)
	assert.Equal(t, &Cond{Pos: Pos{16, 7}, Kind: sim.PortAllocated, Nth: 3, Host: "client"}, l.Steps[0].Until)
	assert.Equal(t, []Expect{{Pos: Pos{17, 8}, What: ExpectTimeWait, N: 2, Host: "client"}}, l.Steps[0].Expect)

	q := l.Steps[1].Ask
	require.NotNil(t, q)
	assert.Equal(t, "q-one", q.ID)
	assert.Equal(t, "Which port next?", q.Text.Src)
	assert.Equal(t, ChoicesNextPort, q.Choices.From)
	assert.Equal(t, Answer{Kind: AnswerPort}, q.Answer)
	assert.Equal(t, "{answer} {answer.pick}.", q.Why.Src)

	q = l.Steps[2].Ask
	var fixed []string
	for _, c := range q.Choices.Fixed {
		fixed = append(fixed, c.Src)
	}
	assert.Equal(t, []string{"yes", "no:{client.exhausted}", "no:EADDRINUSE"}, fixed)
	assert.Equal(t, Connect, l.Steps[2].Until.Special)
	assert.Equal(t, Answer{Kind: AnswerOutcome}, q.Answer)
	assert.Equal(t, []Expect{{Pos: Pos{32, 8}, What: ExpectFailures, N: 1}}, l.Steps[2].Expect)

	assert.Equal(t, &Cond{Pos: Pos{36, 7}, Kind: sim.State, NotHost: "client", State: engine.TimeWait}, l.Steps[3].Until)
	assert.Equal(t, ExpectRangeFull, l.Steps[3].Expect[0].What)

	q = l.Steps[4].Ask
	assert.Nil(t, l.Steps[4].Until)
	assert.Equal(t, Answer{Kind: AnswerListen, Port: 80}, q.Answer)
}

func TestParseDefaults(t *testing.T) {
	l, err := Parse(1, "1-x", minimal)
	require.NoError(t, err)
	assert.Equal(t, 1.0, l.Idle)
	assert.Zero(t, l.Flight)
	assert.Empty(t, l.Steps)
	assert.Empty(t, l.Title, "the catalogue fills it from the scenario")
}

func TestParseErrorsNameLineAndColumn(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"unknown statement", minimal + "colour red\n", "line 5, column 1: unknown statement \"colour\""},
		{"indented first", "  short Test\n", "line 1, column 3: an indented line continues a text"},
		{"continuation of a non-text", "short Test\n  more\nscenario x\noverview x\n", "line 2, column 1: an indented line continues a text; short takes none"},
		{"top level after a step", minimal + "step s1\nsay x\nidle 2\n", "line 7, column 1: idle belongs before the first step"},
		{"twice", minimal + "idle 2\nidle 3\n", "line 6, column 1: idle is given twice"},
		{"bad seconds", minimal + "flight fast\n", "line 5, column 8: flight fast: want a number of seconds"},
		{"negative seconds", minimal + "idle -1\n", "line 5, column 6: idle -1"},
		{"extra value", minimal + "idle 1 2\n", "line 5, column 8: idle: unexpected \"2\""},
		{"flag with value", minimal + "compare yes\n", "line 5, column 9: compare: unexpected \"yes\""},
		{"replay without a title", minimal + "step s1\nsay x\nreplay off\n", "line 7, column 11: replay: want on, off or serial, then the act's title"},
		{"replay of an unknown mode", minimal + "step s1\nsay x\nreplay sometimes Title\n", "line 7, column 8: replay sometimes: want on, off or serial"},
		{"replay twice", minimal + "step s1\nsay x\nreplay off A\nreplay on B\n", "line 8, column 1: replay is given twice"},
		{"replay before a step", minimal + "replay off A\n", "line 5, column 1: replay belongs to a step"},
		{"show what", minimal + "compare\nstep s1\nsay x\nshow chart\n", "line 8, column 1: show: want show compare"},
		{"show compare without compare", minimal + "step s1\nsay x\nshow compare\n", "line 5, column 1: step 1: show compare needs compare before the first step"},
		{"long short", "short A very long button name\nscenario x\noverview x\n", "line 1, column 7: short: want a name of 1 to 14"},
		{"say outside a step", minimal + "say hello\n", "line 5, column 1: say belongs to a step"},
		{"unknown quantity", "short T\nscenario x\noverview Ports {client.rnage} here\n", "line 3, column 16: unknown quantity {client.rnage}"},
		{"unknown quantity on a continuation", "short T\nscenario x\noverview Ports\n    and {nope}\n", "line 4, column 9: unknown quantity {nope}"},
		{"unclosed brace", "short T\nscenario x\noverview Ports {client\n", "line 3, column 16: this { is never closed"},
		{"empty text", minimal + "step s1\nsay\n", "line 6, column 4: say: the text is missing"},
		{"say and ask", minimal + "step s1\nsay a\nask q b\n", "line 7, column 1: ask: a step says one text, or asks one question"},
		{"ask without id", minimal + "step s1\nask\n", "line 6, column 4: ask: want an id"},
		{"bad id", minimal + "step s1\nask q.1 Why?\n", "line 6, column 5: ask: id \"q.1\""},
		{"duplicate id", minimal + "step s1\nask q Why?\nchoices yes | port\nanswer port\nuntil done\nstep s2\nask q Again?\n", "line 11, column 5: ask: id \"q\" is used twice"},
		{"choices without ask", minimal + "step s1\nsay x\nchoices yes | port\n", "line 7, column 1: choices: the step asks no question"},
		{"unknown choice", minimal + "step s1\nask q Why?\nchoices yes | the port\n", `line 7, column 15: choices: unknown choice "the port"; want port, yes,`},
		{"step without a name", minimal + "step\nsay x\n", "line 5, column 5: step: want the step's name"},
		{"step named twice", minimal + "step a\nsay x\nstep a\nsay y\n", `line 7, column 6: step: name "a" is used twice`},
		{"one choice", minimal + "step s1\nask q Why?\nchoices yes\n", "line 7, column 9: choices: want 2 or 3 choices separated by |, got 1"},
		{"four choices", minimal + "step s1\nask q Why?\nchoices yes | port | ack | rst\n", "got 4"},
		{"empty choice", minimal + "step s1\nask q Why?\nchoices yes | | rst\n", "line 7, column 14: choices: an empty choice"},
		{"choices twice", minimal + "step s1\nask q Why?\nchoices yes | port\nchoices next-port\n", "line 8, column 1: choices are given twice"},
		{"until twice", minimal + "step s1\nsay x\nuntil done\nuntil done\n", "line 8, column 1: until is given twice"},
		{"until nothing", minimal + "step s1\nsay x\nuntil\n", "line 7, column 6: until: want an event kind"},
		{"until unknown", minimal + "step s1\nsay x\nuntil port-alocated\n", "line 7, column 7: until: unknown event \"port-alocated\""},
		{"until zero", minimal + "step s1\nsay x\nuntil 0 done\n", "line 7, column 7: until: the count 0"},
		{"until count on special", minimal + "step s1\nsay x\nuntil 2 range-full\n", "until: range-full takes no count"},
		{"until bad state", minimal + "step s1\nsay x\nuntil state state DONE\n", "line 7, column 19: until: unknown state \"DONE\""},
		{"state on other kinds", minimal + "step s1\nsay x\nuntil done state CLOSED\n", "line 7, column 12: until: state is for state events"},
		{"until dangling option", minimal + "step s1\nsay x\nuntil done on\n", "until: on needs a value"},
		{"until unknown option", minimal + "step s1\nsay x\nuntil done at 3s\n", "line 7, column 12: until: unexpected \"at\""},
		{"answer unknown", minimal + "step s1\nask q Why?\nanswer guess\n", "line 7, column 8: answer: unknown \"guess\""},
		{"answer listen no port", minimal + "step s1\nask q Why?\nanswer listen\n", "answer listen: want the port to try"},
		{"answer listen bad port", minimal + "step s1\nask q Why?\nanswer listen 70000\n", "line 7, column 15: answer listen 70000"},
		{"answer extra", minimal + "step s1\nask q Why?\nanswer port now\n", "line 7, column 13: answer: unexpected \"now\""},
		{"answer twice", minimal + "step s1\nask q Why?\nanswer port\nanswer port\n", "line 8, column 1: answer is given twice"},
		{"why outside a question", minimal + "step s1\nsay x\nwhy y\n", "line 7, column 1: why: the step asks no question"},
		{"answer quantity outside why", minimal + "step s1\nsay {answer}\n", "line 6, column 5: {answer} names the answer: it is for why lines only"},
		{"expect nothing", minimal + "step s1\nsay x\nexpect\n", "line 7, column 7: expect: want [N] connections"},
		{"expect unknown", minimal + "step s1\nsay x\nexpect ports\n", "line 7, column 8: expect: unknown \"ports\""},
		{"expect zero", minimal + "step s1\nsay x\nexpect 0 connections\n", "line 7, column 8: expect: the count 0"},
		{"expect range-full without host", minimal + "step s1\nsay x\nexpect range-full\n", "expect range-full: name the host"},
		{"expect extra", minimal + "step s1\nsay x\nexpect failures at web\n", "line 7, column 17: expect: unexpected \"at\""},
		{"no learnt", "short T\nscenario x\noverview x\n", "learnt is missing"},
		{"no short", "scenario x\noverview x\n", "short is missing"},
		{"no overview", "short T\nscenario x\n", "overview is missing"},
		{"no scenario", "short T\noverview x\n", "either a built-in scenario"},
		{"both", "short T\nscenario x\nsandbox\noverview x\n", "either a built-in scenario"},
		{"empty step", minimal + "step s1\n", "line 5, column 1: step 1 says nothing"},
		{"question without answer", minimal + "step s1\nask q Why?\nchoices yes | port\n", "step 1 asks a question with no answer line"},
		{"question without choices", minimal + "step s1\nask q Why?\nanswer port\nuntil done\n", "step 1 asks a question with no choices line"},
		{"question without why", minimal + "step s1\nask q Why?\nchoices yes | port\nanswer port\nuntil done\n", "step 1 asks a question with no why line"},
		{"question that never plays", minimal + "step s1\nask q Why?\nchoices yes | port\nanswer port\nwhy x\n", "step 1: a question is answered by the event it plays until"},
		{"listen that plays", minimal + "step s1\nask q Why?\nchoices yes | port\nanswer listen 80\nwhy x\nuntil done\n", "except answer listen"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(1, "1-x", tc.src)
			require.Error(t, err)
			var pe *Error
			require.ErrorAs(t, err, &pe)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestTextFillsQuantities(t *testing.T) {
	var tx Text
	require.NoError(t, tx.add("{client} has {client.range.size} ports", Pos{1, 1}))
	require.NoError(t, tx.add("and {iana.dynamic} is dynamic.", Pos{2, 3}))
	r := runOf(t, 5, DefaultSettings())
	c := r.firstClient()
	want := c.Name + " has " + itoa(c.Profile.Ephemeral.Size()) + " ports and " + engine.DynamicPorts.String() + " is dynamic."
	assert.Equal(t, want, fill(tx, r, nil))
}

// Every quantity a text may name fills in for every lesson's run, and none
// comes out empty.
func TestEveryQuantityFillsForEveryLesson(t *testing.T) {
	cat := builtin(t)
	for _, l := range cat.Lessons {
		r, err := NewRun(l, DefaultSettings())
		require.NoError(t, err)
		for name, q := range quantities {
			if strings.HasPrefix(name, "with") && !l.Compare {
				continue
			}
			assert.NotEmpty(t, q(r), "lesson %d: {%s}", l.Number, name)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		minimal,
		minimal + "step s1\nsay x {client}\nuntil 3 port-allocated on a not-on b\n",
		minimal + "step s1\nask q Why?\nchoices yes | port | no:{client.exhausted}\nuntil state state TIME_WAIT\nanswer side\nwhy {answer.host}\nexpect 2 time-wait on x\n",
		"short T\nsandbox\noverview {rate}\n  more {servers}\nlearnt a\n  b\n",
		"\n\n  \n# c\nstep s1\n",
		"overview {",
		minimal + "compare\nstep s1\nreplay off Real TCP\nsay x\nuntil last-done\nstep s2\nshow compare\nask q Y?\nchoices yes | no:EADDRNOTAVAIL\nanswer tw-reuse\nwhy {answer.again}\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		l, err := Parse(3, "3-fuzz", src)
		if err != nil {
			var pe *Error
			require.ErrorAs(t, err, &pe)
			assert.Positive(t, pe.Pos.Line)
			assert.Positive(t, pe.Pos.Col)
			assert.LessOrEqual(t, pe.Pos.Line, strings.Count(src, "\n")+1, "the line exists")
			return
		}
		// What parses is whole: every step talks or asks, every question
		// can be answered, and every text fills.
		require.NotNil(t, l)
		assert.NotEqual(t, l.Sandbox, l.Scenario != "")
		assert.NotEmpty(t, l.Short)
		assert.NotEmpty(t, l.Overview.Src)
		assert.NotEmpty(t, l.Learnt.Src)
		for _, st := range l.Steps {
			assert.True(t, st.Say.Src != "" || st.Ask != nil)
			for _, e := range st.Expect {
				assert.NotZero(t, e.What)
				assert.Positive(t, e.N)
			}
			if q := st.Ask; q != nil {
				assert.NotEmpty(t, q.Why.Src)
				assert.NotZero(t, q.Answer.Kind)
				assert.True(t, len(q.Choices.Fixed) >= 2 || q.Choices.From != ChoicesFixed)
			}
		}
	})
}
