//go:build !js

package game

// Mark has no timeline to mark outside the browser.
func Mark(string) {}
