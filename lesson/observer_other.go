//go:build !js

package lesson

// hereObserver: the native app observes this computer.
var hereObserver Observer = ObserveHere
