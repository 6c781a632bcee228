GO        ?= go
# Go lives in /usr/local/go on this project's machines.
export PATH := $(PATH):/usr/local/go/bin
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
# Static, stripped binaries: no dynamic loader at every start (the CLI and
# every container init), ~9% faster `run` (docs/benchmarks.md). netgo and
# osusergo keep glibc's NSS (which cannot be linked statically) out.
GOFLAGS_B ?= -trimpath -tags netgo,osusergo -ldflags '-s -w -extldflags "-static"'
# The CLI lives for milliseconds and never collects garbage in a `run`: Go
# 1.26's default collector (green tea) sets up mark bits inside each new
# span, which touches a page more per span. The previous collector makes a
# `run` ~2% faster and --version ~8% cheaper (docs/benchmarks.md). The shim
# is long-lived and keeps the default.
CLI_GOEXPERIMENT ?= nogreenteagc
# `make unit RACE=1` runs the unit tests with the race detector.
RACE      ?=
SHIM_MAIN := cmd/containerd-shim-ocirun-v2/main.go

.PHONY: all deps build install unit integration test lint demo bench bench-smoke clean

all: build

build:
	CGO_ENABLED=1 GOEXPERIMENT=$(CLI_GOEXPERIMENT) $(GO) build $(GOFLAGS_B) -o bin/oci-run ./cmd/oci-run
	@if [ -f $(SHIM_MAIN) ]; then \
		echo CGO_ENABLED=1 $(GO) build $(GOFLAGS_B) -o bin/containerd-shim-ocirun-v2 ./cmd/containerd-shim-ocirun-v2; \
		CGO_ENABLED=1 $(GO) build $(GOFLAGS_B) -o bin/containerd-shim-ocirun-v2 ./cmd/containerd-shim-ocirun-v2; \
	fi

install: build
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 bin/oci-run $(DESTDIR)$(BINDIR)/oci-run
	@if [ -f bin/containerd-shim-ocirun-v2 ]; then \
		install -m 0755 bin/containerd-shim-ocirun-v2 $(DESTDIR)$(BINDIR)/containerd-shim-ocirun-v2; \
	fi

# Every package except the suites under tests/ (they need root and a built binary).
unit:
	$(GO) test $(if $(RACE),-race) $$($(GO) list ./... | grep -v /tests/)

integration: build
	OCIRUN_BIN=$(CURDIR)/bin/oci-run OCIRUN_SHIM_BIN=$(CURDIR)/bin/containerd-shim-ocirun-v2 $(GO) test ./tests/integration/ ./tests/library/ ./tests/security/ ./tests/clients/ -count=1 -parallel 4 -timeout 20m
	# Again all in Go: the Go init for every create (the C init is the
	# default where it applies) and no fast path for start, state and
	# delete (internal/fastpath): both ways must pass the same suites.
	OCIRUN_GO_INIT=1 OCIRUN_NO_FAST=1 OCIRUN_BIN=$(CURDIR)/bin/oci-run $(GO) test ./tests/integration/ ./tests/library/ ./tests/security/ -count=1 -parallel 4 -timeout 20m

# Debian packages the build and the test suites use (installs what is missing).
deps:
	./scripts/deps.sh

test: deps
	$(MAKE) unit integration

lint:
	$(GO) vet ./...
	# The state encoder's generator builds libcontainer without the
	# generated file (tag stategen): that build must compile too.
	$(GO) vet -tags stategen ./libcontainer/
	@out=$$(find . -name '*.go' -not -path './.git/*' -not -path '*/testdata/*' -print0 | xargs -0 -r gofmt -l); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

demo:
	./scripts/demo.sh

bench: build
	@if [ -d tests/bench ] && ls tests/bench/*.go >/dev/null 2>&1; then \
		OCIRUN_BIN=$(CURDIR)/bin/oci-run $(GO) test ./tests/bench/ -run '^$$' -bench . -count=1; \
	elif [ -x tests/bench/run ]; then \
		OCIRUN_BIN=$(CURDIR)/bin/oci-run tests/bench/run; \
	else \
		echo "bench: no harness in tests/bench yet"; \
	fi

# A few iterations of every benchmark case, no targets, docs untouched (CI).
bench-smoke: build
	OCIRUN_BIN=$(CURDIR)/bin/oci-run tests/bench/run --smoke

clean:
	rm -rf bin
