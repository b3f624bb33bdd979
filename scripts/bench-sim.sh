#!/bin/sh
# The simulation's cost per connection, natively and in WebAssembly under
# Node, beside the engine's cost per connect measured in the same run:
# their ratio says how much the simulation adds to the port allocation
# itself (the target is at most 3).
set -eu
GO=${GO:-go}
metric() { awk -v b="$1" -v u="$2" '$0 ~ b { for (i = 2; i <= NF; i++) if ($i == u) print $(i-1) }'; }

native=$($GO test -run '^$' -bench 'MinuteAt1000PerSecond|ExhaustLinuxRange' -benchtime 5x ./engine/ ./engine/sim/)
echo "$native" | grep '^Benchmark'
wasm=$(GOOS=js GOARCH=wasm $GO test -exec="$($GO env GOROOT)/lib/wasm/go_js_wasm_exec" -run '^$' \
	-bench 'MinuteAt1000PerSecond' -benchtime 3x ./engine/sim/)
echo "$wasm" | grep '^Benchmark' | sed 's/^/wasm (Node): /'

sim=$(echo "$native" | metric MinuteAt1000 ns/conn)
eng=$(echo "$native" | metric ExhaustLinuxRange ns/connect)
wsim=$(echo "$wasm" | metric MinuteAt1000 ns/conn)
awk -v s="$sim" -v e="$eng" -v w="$wsim" 'BEGIN {
	printf "simulation: %.0f ns per connection natively (%.2f M connections/s), %.0f in wasm under Node (%.2f M/s; %.1fx native)\n", s, 1e3/s, w, 1e3/w, w/s
	printf "engine: %.0f ns per connect; simulation per connection / engine per connect = %.1f (target <= 3)\n", e, s/e
}'
