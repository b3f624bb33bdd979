//go:build !js

package assets

import "embed"

//go:embed i18n/*.json i18n/languages.txt
var catalogues embed.FS
