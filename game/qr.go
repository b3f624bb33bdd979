package game

import (
	"image"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/skip2/go-qrcode"
)

// qrCode is presenter mode's QR code of the deep link (lesson.View.Link on
// this page's address), so that students open on their own devices
// exactly what is projected: the lesson, the clients' OS and the seed. It
// takes the port map legend's corner, the least needed while presenting.
// The image is made once per link and only drawn, scaled, every frame.
type qrCode struct {
	base, link string        // what img encodes
	img        *ebiten.Image // one pixel per module, its quiet zone included; nil for none
}

// draw draws the code of base?link; nothing when there is no page address
// (natively), no link (not presenting) or no legend on screen (a phone).
func (q *qrCode) draw(v *view, lay *Layout, base, link string) {
	if base == "" || link == "" || !lay.MapShown {
		return
	}
	if base != q.base || link != q.link {
		q.base, q.link = base, link
		q.img = nil
		if m := qrModules(base + "?" + link); m != nil {
			q.img = ebiten.NewImageFromImage(m)
		}
	}
	if q.img == nil {
		return
	}
	x, y, px := qrPlace(lay.Legend, v.scale, q.img.Bounds().Dx())
	op := &ebiten.DrawImageOptions{} // nearest-neighbour: sharp modules
	op.GeoM.Scale(px, px)
	op.GeoM.Translate(x, y)
	v.dst.DrawImage(q.img, op)
}

// qrModules is url's QR code, one pixel per module, dark on white with
// the 4-module quiet zone scanners need; nil if url is too long to encode.
func qrModules(url string) *image.Gray {
	code, err := qrcode.New(url, qrcode.Medium)
	if err != nil {
		return nil
	}
	bits := code.Bitmap()
	img := image.NewGray(image.Rect(0, 0, len(bits), len(bits)))
	for y, row := range bits {
		for x, dark := range row {
			if !dark {
				img.Pix[y*img.Stride+x] = 0xff
			}
		}
	}
	return img
}

// qrPlace puts a code of n modules a side in the top right of the legend
// a (in units, scale device pixels each): its position in device pixels
// and a whole number of device pixels per module (uneven modules scan
// badly), at least one.
func qrPlace(a rect, scale float64, n int) (x, y, px float64) {
	px = max(1, math.Floor(min(a.w, a.h)*scale/float64(n)))
	x = a.right()*scale - px*float64(n)
	y = a.y * scale
	return math.Round(x), math.Round(y), px
}
