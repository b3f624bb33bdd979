// Package class runs class sessions without a screen or a socket: a
// teacher opens a room, the class's devices join it with its short code,
// and for each question the lesson reaches every device votes, may talk
// with a neighbour and vote again, then sees the engine's answer and its
// own verdict.
//
// A Hub holds the rooms (at most MaxRooms, each dropped after IdleTimeout
// without use). A Room holds its devices (at most MaxDevices), the
// current question with its two rounds of votes and their tallies, and
// the summary of the questions asked so far. Questions come from the
// same lesson session as the projector (LessonAsker): the room computes
// the question, its choices and the engine's answer itself from the
// scene, step, seed and profile, and never takes them from a browser.
//
// Nothing here reads a clock or a random source of its own: both come in
// through Config, so that tests are deterministic. The HTTP side (web/)
// turns requests into calls on a Room and streams its views.
package class
