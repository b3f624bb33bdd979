package lesson

import (
	"slices"
	"strings"

	"github.com/portplay/portplay/lesson/phrase"
)

// A choice, and the engine's answer it is judged against, is an ID, the
// same in every language; the learner reads its label (choiceLabel).
// Judging compares IDs, never words: a translation cannot mark an answer
// wrong. An ID is a word below, an errno's name (EADDRINUSE: names stay
// untranslated in every language, as the manuals and Winsock print them),
// no:ERRNO (a connect that failed), a number (a port, a count), or
// pkt:LABEL (the packet that answered, as the map labels it).

// choiceWords are the choices a lesson file names by a word; each reads
// as the phrasebook's choice.WORD.
var choiceWords = []string{"port", "yes", "client", "server", "both", "ack", "rst", "nothing", "same-port", "port-up", "other-port"}

// validChoice says whether a lesson file's choice is an ID a question can
// offer; no:{client.exhausted} names the range's own error.
func validChoice(c string) bool {
	if slices.Contains(choiceWords, c) || isErrnoName(c) {
		return true
	}
	no, ok := strings.CutPrefix(c, "no:")
	return ok && (isErrnoName(no) || no == "{client.exhausted}")
}

// isErrnoName: EADDRINUSE, WSAENOBUFS, EAGAIN…
func isErrnoName(s string) bool {
	if !strings.HasPrefix(s, "E") && !strings.HasPrefix(s, "WSAE") {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool { return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') }) < 0
}

// choiceLabel is how choice id reads in b's language.
func choiceLabel(b *phrase.Book, id string) string {
	switch {
	case slices.Contains(choiceWords, id):
		return b.T("choice." + id)
	case strings.HasPrefix(id, "no:"):
		return b.T("choice.no", "err", id[len("no:"):])
	case strings.HasPrefix(id, "pkt:"):
		return id[len("pkt:"):]
	}
	return id
}
