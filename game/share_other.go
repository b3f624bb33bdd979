//go:build !js

package game

import "fmt"

// shareLink prints the link on standard output: natively there is no
// clipboard to reach without cgo, and a terminal's text can be copied.
func shareLink(_ *Game, link string) string {
	fmt.Println(link)
	return "Link to this moment printed on the terminal (standard output): " + link
}
