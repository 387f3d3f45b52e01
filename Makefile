# ingestd — build, run and test.
#   make run    install what is missing, build, run the daemon in the foreground on ./var/ingestd
#   make test   the whole test suite

SWIFT     ?= swift
STATE_DIR ?= ./var/ingestd
APT_DEPS  := libsystemd-dev libxml2-dev pkg-config rsync jq strace unzip postgresql iproute2 openssl
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN       := .build/debug/ingestd

.PHONY: all deps build release run test test-root deb e2e bench bench-instructions clean

all: build

## Installs the Debian packages the build and tests need, when missing.
deps:
	@missing=""; for package in $(APT_DEPS); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

run: build
	@mkdir -p $(STATE_DIR)
	@echo "ingestd: inbox   $(abspath $(STATE_DIR))/inbox"
	@echo "ingestd: journal $(abspath $(STATE_DIR))/journal.jsonl"
	@echo "ingestd: drop files into the inbox; Ctrl-C stops."
	exec $(BIN) run --state-dir $(STATE_DIR)

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## Tests that need root (mounts a small tmpfs, lowers an inotify limit for a moment).
test-root: deps
	$(SWIFT) build --build-tests
	INGESTD_ROOT_TESTS=1 $(SWIFT) test --skip-build --filter RootTests

## Benchmarks the release binary: burst throughput against sha256sum, latency, memory, restart,
## and web pages against trafilatura (installed from PyPI into .build/bench-venv, for the benchmark only).
## Options for the benchmark go in BENCH_ARGS, e.g. make bench BENCH_ARGS="--corpus DIR".
## BASELINE=<commit> builds that commit's release binary in .build-baseline/<commit> and times it
## against this one in the same run, in turns (burst and p99 latency, BENCH_ARGS="--baseline-rounds N").
BENCH_VENV    := .build/bench-venv
BASELINE      ?=
BASELINE_BIN  := .build-baseline/$(BASELINE)/.build/release/ingestd

bench: deps $(BENCH_VENV)/bin/python $(if $(BASELINE),$(BASELINE_BIN))
	$(SWIFT) build -c release --product ingestd
	$(SWIFT) build -c release --product IngestBench
	.build/release/IngestBench --binary .build/release/ingestd --python $(BENCH_VENV)/bin/python \
	  $(if $(BASELINE),--baseline $(BASELINE_BIN)) $(BENCH_ARGS)

## Instructions executed in PassageIndex.add per file, counted by callgrind over the burst's
## first PASSAGE_FILES files (its articles, then their second editions): within a few parts per
## million from run to run, where timings on a busy machine move by a tenth. PASSAGE_FILES=20000
## counts the whole burst, with its later editions and larger table (about six minutes). valgrind
## cannot read the Swift debug info, so it runs a copy without it, on the articles written out
## beforehand.
PASSAGE_FILES ?= 6000
bench-instructions: deps
	command -v valgrind >/dev/null || $(SUDO) apt-get install -y -qq valgrind
	$(SWIFT) build -c release --product IngestBench
	objcopy --strip-debug .build/release/IngestBench .build/release/IngestBench-nodebug
	rm -rf .build/bench-articles
	.build/release/IngestBench --write-articles-to .build/bench-articles
	valgrind --tool=callgrind --callgrind-out-file=.build/callgrind.passages --toggle-collect='*PassageIndexV3add*' \
	  .build/release/IngestBench-nodebug --sections passage-cost --files $(PASSAGE_FILES) \
	  --corpus .build/bench-articles 2>&1 | grep -o 'Collected : [0-9]*' | \
	  awk '{ printf "PassageIndex.add: %d instructions, %.0f per file (3 rounds of $(PASSAGE_FILES) files)\n", $$3, $$3 / (3 * $(PASSAGE_FILES)) }'
	callgrind_annotate --inclusive=no .build/callgrind.passages | sed -n '/file:function/,$$p' | head -25

## The release binary of an earlier commit, built from its tree (git archive) apart from this one.
.build-baseline/%/.build/release/ingestd:
	rm -rf .build-baseline/$*
	mkdir -p .build-baseline/$*
	git archive $* | tar -x -C .build-baseline/$*
	cd .build-baseline/$* && $(SWIFT) build -c release --product ingestd

$(BENCH_VENV)/bin/python:
	python3 -m venv $(BENCH_VENV) && $(BENCH_VENV)/bin/pip install -q trafilatura lxml_html_clean

## dist/ingestd_<version>_<arch>.deb
deb: deps
	deploy/build-deb.sh

## Installs the .deb into a Debian 12 container booted with systemd-nspawn and drives it as a
## user would (root; needs debootstrap and systemd-container, installed when missing).
e2e: deb
	deploy/e2e/run.sh dist/ingestd_*_$$(dpkg --print-architecture).deb

clean:
	rm -rf .build dist
