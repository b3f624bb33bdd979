package game

import (
	"image"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/portplay/portplay/lesson"
)

// save carries out a save action: the session makes the file, the
// platform saves it (save_js.go: a download; save_other.go: a file in the
// working directory), and the message says where it went. A picture of
// the view is taken at the end of the next Draw.
func (g *Game) save(a lesson.Action) {
	var x lesson.Export
	var err error
	switch a {
	case lesson.ActSavePcap:
		x, err = g.sess.ExportPcap()
	case lesson.ActSaveCSV, lesson.ActSaveJSON:
		x, err = g.sess.ExportEvents(a == lesson.ActSaveJSON)
	case lesson.ActSavePNG:
		g.shotPending = true
		return
	}
	g.saved(x, err)
}

// saved hands x to the platform and says what became of it.
func (g *Game) saved(x lesson.Export, err error) {
	if err == nil {
		var where string
		if where, err = saveFile(phrases(g.vm.Lang), x); err == nil {
			g.sess.Inform(g.sess.T("save.saved", "what", x.Say, "where", where))
			g.savedName = x.Name
			return
		}
	}
	g.sess.Inform(g.sess.T("save.failed", "reason", err.Error()))
}

// savePicture saves what screen shows as a PNG.
func (g *Game) savePicture(screen *ebiten.Image) {
	g.shotPending = false
	b := screen.Bounds()
	img := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	screen.ReadPixels(img.Pix)
	data, err := encodePNG(img, g.sess.T)
	name := "portplay-view.png"
	if g.vm.Scenario != "" {
		name = "portplay-" + g.vm.Scenario + "-view.png"
	}
	g.saved(lesson.Export{Name: name, Type: "image/png", Data: data, Say: g.sess.T("save.picture")}, err)
}
