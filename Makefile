# Portplay. `make serve` runs the browser version, `make test` runs every test.
GO      ?= go
PORT    ?= 8080
GOFLAGS_BUILD = -trimpath -ldflags='-s -w'
WASM_EXEC = $(shell $(GO) env GOROOT)/lib/wasm/wasm_exec.js
# The browser build compiles the app's packages but the engine and its
# simulation without inlining: 57 KB less to download (brotli), for
# view-building a few per cent slower (scripts/wasm-gcflags says more).
GCFLAGS_WASM = $(foreach f,$(shell cat scripts/wasm-gcflags | grep -v '^\#'),-gcflags=$(f))

.PHONY: all lessons web dist serve run native release cross test unit e2e vet deps bench size mutation clean

all: web native

# The lesson files parsed and checked, as Go for the browser's build
# (lesson/lessons_gen.go, committed): after editing a lesson file.
lessons:
	$(GO) generate ./lesson

# The browser build: web/ holds the shell; the wasm and wasm_exec.js are
# build outputs (git-ignored), precompressed because Go's file server is not;
# so are the phrasebooks but English's (in the wasm), i18n-LANG.json, which
# the page fetches for a learner who reads another language. The lessons
# are generated first, so that an edited lesson file shows at once.
web: lessons
	GOOS=js GOARCH=wasm CGO_ENABLED=0 $(GO) build $(GOFLAGS_BUILD) $(GCFLAGS_WASM) -o web/portplay.wasm ./cmd/portplay
	cp "$(WASM_EXEC)" web/wasm_exec.js
	gzip -9 -k -f web/portplay.wasm
	gzip -9 -k -f web/wasm_exec.js
	for f in assets/i18n/*.json; do l=$$(basename $$f .json); [ $$l = en ] || cp $$f web/i18n-$$l.json; done

# The static bundle for any web host: content-hashed names, .br and .gz
# beside each file, a manifest and a service worker (web/dist.go); and the
# classroom server with the bundle embedded, laid over its folder by
# go build -overlay so nothing is copied into the source tree.
dist: web
	mkdir -p build
	$(GO) run ./cmd/dist -web web -out dist -overlay build/bundle-overlay.json
	CGO_ENABLED=0 $(GO) build $(GOFLAGS_BUILD) -overlay build/bundle-overlay.json -o build/portplay-serve ./cmd/portplay-serve

serve: web
	PORT=$(PORT) $(GO) run ./cmd/serve -dir web

# Ebiten 2.10 loads X11 and GL at run time, so no cgo and no -dev packages.
native:
	CGO_ENABLED=0 $(GO) build $(GOFLAGS_BUILD) -o build/portplay ./cmd/portplay

run: native
	./build/portplay

# Native downloads for every desktop: Ebiten 2.10 needs no C compiler for
# these, so each is a plain cross-compile. The Windows app is a GUI program
# (no console window behind it); the classroom server keeps its console,
# where it prints its URL. It carries the bundle `make dist` built
# (build/bundle-overlay.json).
RELEASE_TARGETS = windows/amd64 darwin/arm64 darwin/amd64 linux/amd64 linux/arm64
release: dist
	rm -rf build/release
	mkdir -p build/release
	set -e; for t in $(RELEASE_TARGETS); do \
		os=$${t%/*}; arch=$${t#*/}; ext=; gui=; \
		if [ $$os = windows ]; then ext=.exe; gui="-H windowsgui"; fi; \
		echo "$$os/$$arch"; \
		GOOS=$$os GOARCH=$$arch CGO_ENABLED=0 $(GO) build -trimpath -ldflags="-s -w $$gui" -o build/release/portplay-$$os-$$arch$$ext ./cmd/portplay; \
		GOOS=$$os GOARCH=$$arch CGO_ENABLED=0 $(GO) build $(GOFLAGS_BUILD) -overlay build/bundle-overlay.json -o build/release/portplay-serve-$$os-$$arch$$ext ./cmd/portplay-serve; \
	done
	cd build/release && sha256sum portplay-* > SHA256SUMS
	@echo "The downloads and their SHA256SUMS are in build/release/"

# What `make test` checks of the release: every target still compiles
# (type-checked with go vet: no link, so cheap on a shared machine once
# the build cache holds each target's packages), portsim too, whose
# observe has a file per OS (internal/observe).
cross:
	set -e; for t in $(RELEASE_TARGETS); do \
		echo "go vet for $$t"; \
		GOOS=$${t%/*} GOARCH=$${t#*/} CGO_ENABLED=0 $(GO) vet ./cmd/portplay ./cmd/portplay-serve ./cmd/portsim ./internal/observe; \
	done

deps:
	./scripts/deps.sh

vet:
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...
	$(GO) vet -tags e2e ./e2e/
	GOOS=js GOARCH=wasm $(GO) vet ./cmd/portplay ./game ./lesson ./e2e/floor ./e2e/fontfloor
	CGO_ENABLED=0 $(GO) build ./engine/... ./lesson/...
	@# The architecture, checked: the engine and the lesson layer never
	@# import Ebiten, the engine's tests never read the lessons' assets.
	@! $(GO) list -deps ./engine/... ./lesson/... | grep -q ebiten || { echo "engine/ or lesson/ depends on Ebiten"; exit 1; }
	@! $(GO) list -test -deps ./engine/... | grep -q 'portplay/\(assets\|lesson\)$$' || { echo "engine/ imports assets/ or lesson/"; exit 1; }

unit:
	$(GO) test ./...
	$(GO) test -race ./engine/...

# The end-to-end tests build the wasm and native apps themselves, then run
# them in headless Chromium and in a window under Xvfb. Screenshots land in
# build/screenshots/, start-up figures in build/startup.txt. They take
# longer than go test's default 10 minutes on a shared 2-core machine.
e2e: deps
	$(GO) test -tags e2e -count=1 -timeout 30m -v ./e2e/

# Under `make test` nothing may skip for want of a tool: deps.sh installs
# Chromium, Xvfb and tshark first, and PORTPLAY_E2E turns a missing one
# into a failure.
test: export PORTPLAY_E2E = 1
test: deps vet cross unit web native e2e

# The drawing benchmarks need a GL context: they run inside a real Ebiten
# game under Xvfb (game/draw_bench_test.go).
# Allocations are per op, and an op of the game's benchmarks is a frame.
# scripts/bench-sim.sh runs the simulation natively and in wasm under Node.
bench: deps
	$(GO) test -run='^$$' -bench=. -benchmem ./engine/... ./lesson/ ./game/
	@# How many devices one class room holds with votes counted on the
	@# teacher's stream within 250 ms (p95): one round per size.
	$(GO) test -run='^$$' -bench=ClassRoom -benchtime=1x ./web/
	xvfb-run -a -s "-screen 0 1280x720x24" $(GO) test -tags display -run='^$$' -bench='Draw|PortMap' -benchmem ./game/
	GO=$(GO) ./scripts/bench-sim.sh

# Mutation testing of engine/, engine/scenario, engine/sim and
# engine/sim/pcap, and of lesson's judging, with gremlins (pinned,
# installed into build/bin by the script): too slow for `make test`.
# Output in build/mutation/; fails if an engine package is under 95% test
# efficacy (without the equivalent mutants docs/equivalent-mutants.txt
# lists) or mutator coverage (docs/testing.md).
mutation:
	GO=$(GO) ./scripts/mutation.sh

# What the app's wasm adds to the fonts-only floor's (e2e/fontfloor), by
# Go package and by section: both linked without -s, which would drop the
# function names cmd/wasmsize reads; the code and data are the same bytes
# as in the stripped build that is served.
size:
	mkdir -p build
	GOOS=js GOARCH=wasm CGO_ENABLED=0 $(GO) build -trimpath $(GCFLAGS_WASM) -o build/portplay-names.wasm ./cmd/portplay
	GOOS=js GOARCH=wasm CGO_ENABLED=0 $(GO) build -trimpath -o build/fontfloor-names.wasm ./e2e/fontfloor
	$(GO) run ./cmd/wasmsize build/portplay-names.wasm build/fontfloor-names.wasm

clean:
	rm -rf build dist web/portplay.wasm web/portplay.wasm.gz web/wasm_exec.js web/wasm_exec.js.gz
