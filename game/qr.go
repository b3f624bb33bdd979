package game

import (
	"image"
	"math"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/portplay/portplay/internal/qr"
)

// qrCode is presenter mode's QR code of the deep link (lesson.View.Link on
// this page's address), so that students open on their own devices
// exactly what is projected: the lesson, the clients' OS and the seed. It
// takes the place of the legend's IANA class names (qrSlot).
// The image is made once per link and only drawn, scaled, every frame.
type qrCode struct {
	base, link string        // what img encodes
	img        *ebiten.Image // one pixel per module, its quiet zone included; nil for none
}

// shown says whether a code is drawn: there is a page address (not
// natively), a link (presenting) and room in the legend (not a phone).
func (q *qrCode) shown(base, link string, lay *Layout) bool {
	return base != "" && link != "" && lay.MapShown && qrSlot(lay.Legend).h >= qrLeast
}

// qrLeast is the least side, in units, a code is drawn at: a lesson's
// link on a school's address (…/#profile=winxp&scene=5&seed=7&speed=1)
// is a version 4 or 5 code, 41 or 45 modules with its quiet zone, a unit
// each at the least.
const qrLeast = 41

// draw draws the code of base#link where shown says.
func (q *qrCode) draw(v *view, lay *Layout, base, link string) {
	if !q.shown(base, link, lay) {
		return
	}
	if base != q.base || link != q.link {
		q.base, q.link = base, link
		q.img = nil
		if m := qrModules(qrURL(base, link)); m != nil {
			q.img = ebiten.NewImageFromImage(m)
		}
	}
	if q.img == nil {
		return
	}
	x, y, px := qrPlace(qrSlot(lay.Legend), v.scale, q.img.Bounds().Dx())
	op := &ebiten.DrawImageOptions{} // nearest-neighbour: sharp modules
	op.GeoM.Scale(px, px)
	op.GeoM.Translate(x, y)
	v.dst.DrawImage(q.img, op)
}

// qrURL is the address a code encodes: the share link's fragment (the
// lesson or scenario, profile, seed and speed) on the page's address.
// The text mirror gives the same address as a link.
func qrURL(base, link string) string {
	if base == "" || link == "" {
		return ""
	}
	return base + "#" + link
}

// qrModules is url's QR code, one pixel per module, dark on white with
// the 4-module quiet zone scanners need; nil if url is too long to encode.
func qrModules(url string) *image.Gray {
	bits := qr.Encode(url)
	if bits == nil {
		return nil
	}
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

// qrPlace puts a code of n modules a side in the top right of slot a (in
// units, scale device pixels each): its position in device pixels
// and a whole number of device pixels per module (uneven modules scan
// badly), at least one.
func qrPlace(a rect, scale float64, n int) (x, y, px float64) {
	px = max(1, math.Floor(min(a.w, a.h)*scale/float64(n)))
	x = a.right()*scale - px*float64(n)
	y = a.y * scale
	return math.Round(x), math.Round(y), px
}
