//go:build !js

package assets

import "embed"

// The lesson files, natively only: the browser's build takes them parsed
// and checked at build time (lesson/lessons_gen.go).
//
//go:embed lessons/*.txt
var lessonFiles embed.FS

// Lessons lists the lesson files in lesson order; each is named by its
// lesson number and a slug ("5-running-out").
func Lessons() []Builtin { return list(lessonFiles, "lessons") }
