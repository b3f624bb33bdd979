//go:build !js

package game

// Natively the app has no page address, so classStart says class
// sessions need portplay-serve before it would fetch anything; these
// answer as a browser with no server would.

func classFetch(url string, body []byte, done func(status int, text string)) {
	go done(0, "") // unreached: natively there is no origin to fetch from
}

func classFollow(url string, each func(data string), ended func()) func() {
	go ended()
	return func() {}
}

// classPage is the text mirror's class section: there is no page natively.
type classPage struct{}

func (g *Game) writeClassMirror() {}
