package game

import "syscall/js"

// Mark puts a start-up phase on the page's performance timeline as
// "portplay:"+phase, where DevTools' performance panel and the e2e
// start-up test read it (performance.getEntriesByType("mark")).
func Mark(phase string) {
	js.Global().Get("performance").Call("mark", "portplay:"+phase)
}
