package web

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
)

// iconSizes are the manifest's icons, in pixels a side: the two sizes
// browsers ask of an installable web app.
var iconSizes = []int{192, 512}

// iconCells is the icon's picture: a small port map, the app's own motif,
// in its palette (game/palette.go): free ports grey, listening blue, in
// use orange, TIME_WAIT yellow. Drawn from code at build time, so the
// repository holds no image files.
var iconCells = [4][4]color.RGBA{
	{listen, free, free, inUse},
	{free, inUse, inUse, free},
	{free, inUse, timeWait, timeWait},
	{inUse, free, timeWait, free},
}

var (
	background = color.RGBA{0x14, 0x16, 0x1c, 0xff}
	free       = color.RGBA{0x4a, 0x50, 0x60, 0xff}
	listen     = color.RGBA{0x56, 0xb4, 0xe9, 0xff}
	inUse      = color.RGBA{0xe6, 0x9f, 0x00, 0xff}
	timeWait   = color.RGBA{0xf0, 0xe4, 0x42, 0xff}
)

// icon is the app's icon as a PNG of size pixels a side. The cells keep
// within the middle 80%, the safe zone of a maskable icon.
func icon(size int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	draw.Draw(img, img.Bounds(), image.NewUniform(background), image.Point{}, draw.Src)
	margin := size / 5
	cell := (size - 2*margin) / len(iconCells)
	gap := max(1, cell/8)
	for y, row := range iconCells {
		for x, c := range row {
			x0, y0 := margin+x*cell, margin+y*cell
			r := image.Rect(x0+gap/2, y0+gap/2, x0+cell-gap/2, y0+cell-gap/2)
			draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
		}
	}
	var b bytes.Buffer
	// An RGBA image of a few flat colours cannot fail to encode.
	_ = png.Encode(&b, img)
	return b.Bytes()
}
