//go:build js

package assets

import "embed"

// The browser's build embeds English alone (Catalogue).
//
//go:embed i18n/en.json i18n/languages.txt
var catalogues embed.FS
