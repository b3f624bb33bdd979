package game

import "image/color"

// The palette is Okabe and Ito's colour-blind-safe set on a dark background.
// States never differ by colour alone: every one also carries a text label
// (socket rows, packets, the port map's legend and inspector).
var (
	colBackground = color.RGBA{0x14, 0x16, 0x1c, 0xff}
	colPanel      = color.RGBA{0x22, 0x26, 0x30, 0xff}
	colPanelEdge  = color.RGBA{0x4a, 0x52, 0x66, 0xff}
	colText       = color.RGBA{0xee, 0xee, 0xee, 0xff}
	colMuted      = color.RGBA{0xa8, 0xae, 0xbc, 0xff}
	colListen     = color.RGBA{0x56, 0xb4, 0xe9, 0xff} // sky blue
	colInUse      = color.RGBA{0xe6, 0x9f, 0x00, 0xff} // orange
	colTimeWait   = color.RGBA{0xf0, 0xe4, 0x42, 0xff} // yellow
	colReserved   = color.RGBA{0xcc, 0x79, 0xa7, 0xff} // reddish purple
	colRange      = color.RGBA{0x00, 0xa1, 0x75, 0xff} // bluish green, 2% brighter than Okabe and Ito's: 4.5:1 as text on a panel
	colLink       = color.RGBA{0x6a, 0x72, 0x86, 0xff}
	colError      = color.RGBA{0xe8, 0x66, 0x00, 0xff} // vermillion, 9% brighter than Okabe and Ito's: 4.5:1 as text on a panel
	colRequest    = colInUse
	colResponse   = colListen
	// Free ports by IANA class: three greys of rising lightness, so the
	// bands read without colour.
	colFreeSystem     = color.RGBA{0x3a, 0x3f, 0x4c, 0xff}
	colFreeRegistered = color.RGBA{0x2a, 0x2e, 0x38, 0xff}
	colFreeDynamic    = color.RGBA{0x4a, 0x50, 0x60, 0xff}
)
