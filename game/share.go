package game

import (
	"io"
	"io/fs"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/portplay/portplay/lesson"
)

// copyLink makes the link to this moment and hands it to the platform:
// the browser's clipboard, or natively the terminal (no clipboard is
// reachable without cgo; Ebiten has none).
func (g *Game) copyLink() {
	g.sess.Do(lesson.ActCopyLink)
	link, err := g.sess.ShareLink(g.LinkBase)
	if err != nil {
		g.sess.Inform(g.sess.T("share.no-link", "reason", err.Error()))
		return
	}
	g.link = link
	g.sess.Inform(shareLink(g, link))
}

// openDropped opens the first file dropped on the window (or the page's
// canvas) as the learner's own scenario.
func (g *Game) openDropped(fsys fs.FS) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil || len(entries) == 0 {
		return
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		f, err := fsys.Open(e.Name())
		if err != nil {
			g.sess.Inform(g.sess.T("load.unreadable", "name", e.Name(), "reason", err.Error()))
			return
		}
		// One byte over the limit is enough to refuse a file too long.
		b, err := io.ReadAll(io.LimitReader(f, lesson.MaxScenarioBytes+1))
		f.Close()
		if err != nil {
			g.sess.Inform(g.sess.T("load.unreadable", "name", e.Name(), "reason", err.Error()))
			return
		}
		g.sess.LoadScenario(e.Name(), string(b))
		return
	}
}

// dropped opens what was dropped on the window since the last frame.
func (g *Game) dropped() {
	if fsys := ebiten.DroppedFiles(); fsys != nil {
		g.openDropped(fsys)
	}
}
