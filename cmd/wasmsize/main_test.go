package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	w "github.com/portplay/portplay/internal/wasmsize/wasmtest"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	file := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, b, 0o644))
		return p
	}
	tfc, names := w.Funcs(0, []string{"runtime.a", "github.com_x_y.F"}, []int{10, 2000})
	app := file("app.wasm", w.Module(tfc, names))
	tfc, names = w.Funcs(0, []string{"runtime.a"}, []int{10})
	floor := file("floor.wasm", w.Module(tfc, names))
	stripped := file("stripped.wasm", w.Module(tfc))
	text := file("notes.txt", []byte("not wasm\n"))
	cut := file("cut.wasm", w.Module(tfc)[:15])

	for _, tc := range []struct {
		name   string
		args   []string
		status int
		stdout []string // each must appear
		stderr []string
	}{
		{"app against floor", []string{app, floor}, 0, []string{"github.com_x_y", "+2.0", "whole file"}, nil},
		{"top 1", []string{"-top", "1", app, floor}, 0, []string{"github.com_x_y", "(1 more packages)"}, nil},
		{"linked with -s", []string{stripped, floor}, 0, []string{"stripped.wasm has no function names", "build without -ldflags=-s to see packages", "whole file"}, nil},
		{"no arguments", nil, 2, nil, []string{"want two files, APP.wasm and FLOOR.wasm; got 0 arguments", "usage: wasmsize"}},
		{"one argument", []string{app}, 2, nil, []string{"got 1 arguments"}},
		{"three arguments", []string{app, floor, floor}, 2, nil, []string{"got 3 arguments"}},
		{"a missing file", []string{app, filepath.Join(dir, "nope.wasm")}, 2, nil, []string{"nope.wasm", "no such file"}},
		{"a text file", []string{text, floor}, 2, nil, []string{"notes.txt: wasm: at byte 0 (0x0): not a WebAssembly module"}},
		{"a truncated module", []string{app, cut}, 2, nil, []string{"cut.wasm: wasm: at byte 15 (0xf): function section size: unexpected end"}},
		{"a negative -top", []string{"-top", "-1", app, floor}, 2, nil, []string{"-top -1: want 0 (all) or more"}},
		{"an unknown flag", []string{"-s", app, floor}, 2, nil, []string{"flag provided but not defined: -s"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			assert.Equal(t, tc.status, run(tc.args, &stdout, &stderr), "stderr: %s", stderr.String())
			for _, s := range tc.stdout {
				assert.Contains(t, stdout.String(), s)
			}
			for _, s := range tc.stderr {
				assert.Contains(t, stderr.String(), s)
			}
			if tc.status != 0 {
				assert.Empty(t, stdout.String())
			}
		})
	}
}
