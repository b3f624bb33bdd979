//go:build !linux && !darwin && !freebsd && !windows

package observe

import "github.com/portplay/portplay/engine"

func systemRange() (engine.Range, string, error) { return engine.Range{}, "", errNoRange }
