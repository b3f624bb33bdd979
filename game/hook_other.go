//go:build !js

package game

// publish has nowhere to publish outside the browser; tests call Status.
func publish(*Game) {}

// pageURL is "": natively there is no page for a link to open.
func pageURL() string { return "" }
