// Command dist writes the static bundle behind `make dist`: from the
// browser build in web/ (after `make web`) to dist/, a folder any static
// web host can serve from any path (see web.BuildDist).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/portplay/portplay/web"
)

func main() {
	src := flag.String("web", "web", "the browser build to bundle (index.html, notes.html, loader.js, style.css, portplay.wasm, wasm_exec.js)")
	out := flag.String("out", "dist", "folder to write the bundle to (emptied first)")
	level := flag.Int("brotli", 11, "brotli level, 0 to 11: 11 takes about a minute for the wasm and makes it 12% smaller than 9")
	overlay := flag.String("overlay", "", "also write a `go build -overlay` file that embeds the bundle in cmd/portplay-serve")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "dist: unexpected argument %q\n", flag.Arg(0))
		os.Exit(2)
	}
	if err := web.BuildDist(*src, *out, *level); err != nil {
		fmt.Fprintln(os.Stderr, "dist:", err)
		os.Exit(1)
	}
	if *overlay != "" {
		if err := web.EmbedOverlay(*out, "cmd/portplay-serve/bundle", *overlay); err != nil {
			fmt.Fprintln(os.Stderr, "dist:", err)
			os.Exit(1)
		}
	}
	fmt.Printf("Portplay's bundle is in %s/: copy it to any static web host\n", *out)
}
