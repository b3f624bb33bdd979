package main

import "golang.org/x/sys/windows"

// osLanguages are Windows' preferred display languages (Settings, Time &
// language), as "de-DE"; nothing where they cannot be read.
func osLanguages() []string {
	langs, err := windows.GetUserPreferredUILanguages(windows.MUI_LANGUAGE_NAME)
	if err != nil {
		return nil
	}
	return langs
}
