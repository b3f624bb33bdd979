package web

import (
	"bytes"
	"image/color"
	"image/png"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIcon(t *testing.T) {
	for _, size := range iconSizes {
		img, err := png.Decode(bytes.NewReader(icon(size)))
		require.NoError(t, err)
		require.Equal(t, size, img.Bounds().Dx())
		require.Equal(t, size, img.Bounds().Dy())
		at := func(x, y int) color.RGBA {
			r, g, b, a := img.At(x, y).RGBA()
			return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}
		}
		assert.Equal(t, background, at(0, 0), "%d: the edge is background", size)
		assert.Equal(t, background, at(size/10, size/2), "%d: nothing outside the maskable safe zone", size)
		cell := (size - 2*(size/5)) / 4
		for y, row := range iconCells {
			for x, c := range row {
				assert.Equal(t, c, at(size/5+x*cell+cell/2, size/5+y*cell+cell/2), "%d: cell %d,%d", size, x, y)
			}
		}
	}
}
