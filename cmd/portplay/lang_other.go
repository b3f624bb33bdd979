//go:build !js && !darwin && !windows

package main

// osLanguages: elsewhere the environment (lesson.EnvLanguages) is the
// system's setting.
func osLanguages() []string { return nil }
