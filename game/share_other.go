//go:build !js

package game

import "fmt"

// shareLink prints the link on standard output: natively there is no
// clipboard to reach without cgo, and a terminal's text can be copied.
func shareLink(g *Game, link string) string {
	fmt.Println(link)
	return g.sess.T("share.printed", "link", link)
}
