//go:build !linux && !darwin && !freebsd && !windows

package observe

func osVersion() string { return "" }
