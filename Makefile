# Huiqi — two commands: `make run` and `make test`. Everything else is here for them.
BUILD  ?= build
DB     ?= sqlite:var/huiqi.db
LISTEN ?= 127.0.0.1:8080
JOBS   ?= $(shell nproc)
HUIQI  := $(BUILD)/huiqi

.PHONY: all deps configure build web run test soak bench bench-reads bench-payments bench-push bench-soak tidy fuzz clean

all: build

deps:
	@scripts/install-deps

configure: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: configure
	@ninja -C $(BUILD) -j $(JOBS)

# The web app (web/ → web/dist): npm ci when node_modules is missing or stale, vite build when
# a source changed; nothing when up to date.
web: deps
	@scripts/web-build

# Build, migrate, load the demo data (idempotent), top the archive up to DEMO_ENTERPRISES
# synthetic enterprises (so the rule builder's live counts mean something), serve on
# http://127.0.0.1:8080.
DEMO_ENTERPRISES ?= 100000
run: build web
	@mkdir -p var
	$(HUIQI) migrate --db $(DB)
	$(HUIQI) seed-demo --db $(DB)
	$(HUIQI) gen enterprises --up-to $(DEMO_ENTERPRISES) --seed 2026 --db $(DB)
	$(HUIQI) serve --db $(DB) --listen $(LISTEN) --web-dir web/dist --demo-identity

# Every test: unit, storage on SQLite and on a private PostgreSQL server, HTTP, CLI, browser.
test: build web
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The long crash test (docs/reliability.md "Crash safety (kill -9)"): HUIQI_CRASH_ROUNDS kill -9s
# of the server mid-write on SQLite, then on PostgreSQL; `make test` runs 8 of each.
HUIQI_CRASH_ROUNDS ?= 50
soak: build
	HUIQI_CRASH_ROUNDS=$(HUIQI_CRASH_ROUNDS) tests/crash_test.sh $(HUIQI) data
	HUIQI_CRASH_ROUNDS=$(HUIQI_CRASH_ROUNDS) tests/with_postgres.sh tests/crash_test.sh $(HUIQI) data

# Benchmarks on HUIQI_BENCH_N generated enterprises (default 1,000,000): bitmap, SQLite and a
# private PostgreSQL server side by side. Results: docs/benchmarks.md.
bench: build
	@mkdir -p $(BUILD)/bench-data
	HUIQI_DATA_DIR=data HUIQI_BENCH_DIR=$(BUILD)/bench-data tests/with_postgres.sh \
	  $(BUILD)/bench/match_benchmark --benchmark_counters_tabular=true
	@$(MAKE) --no-print-directory bench-reads
	@$(MAKE) --no-print-directory bench-payments
	@$(MAKE) --no-print-directory bench-push

# Read load on `huiqi serve` (a `make run`-style database, wrk on loopback, SQLite and then a
# private PostgreSQL): requests per second and latency per endpoint class. bench/read_load.sh.
bench-reads: build
	@mkdir -p $(BUILD)/bench-data
	HUIQI_DATA_DIR=data HUIQI_BENCH_DIR=$(BUILD)/bench-data bench/read_load.sh $(HUIQI)

# The 免申即享 → 兑付 path at scale over HTTP (derive, approve, record import) beside sqlite3's own
# CSV import. bench/payments_flow.sh; results in docs/benchmarks.md "Payments".
bench-payments: build
	HUIQI_DATA_DIR=data bench/payments_flow.sh $(HUIQI)

# Pushes at scale through `huiqi serve`, SQLite then a private PostgreSQL: publish, republish,
# archive changes, digest, bytes per push. bench/push_flow.sh; docs/benchmarks.md "Pushes".
bench-push: build
	HUIQI_DATA_DIR=data bench/push_flow.sh $(HUIQI)

# The 10-minute mixed load (public reads, search, logged-in matches, writes) on SQLite and then a
# private PostgreSQL: per-class p50/p99 and 5xx, memory and descriptors every 10 s. bench/soak.sh;
# docs/reliability.md "Slow clients and load".
bench-soak: build
	HUIQI_DATA_DIR=data bench/soak.sh $(HUIQI)
	HUIQI_DATA_DIR=data tests/with_postgres.sh bench/soak.sh $(HUIQI)

# clang-tidy (.clang-tidy) over the files changed since the upstream branch; HUIQI_TIDY=all for every
# file (about 15 minutes on two cores). Not part of `make test` yet (docs/architecture.md).
tidy: build
	tests/tidy_test.sh $(BUILD)

# libFuzzer targets (tests/fuzz) with AddressSanitizer and UBSan, built with clang in build-fuzz,
# each run for FUZZ_SECONDS (make fuzz FUZZ_SECONDS=60 for a quick pass). Crashes land in
# tests/fuzz/regressions/<target>/, which `make test` replays. docs/reliability.md "Fuzzing".
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 600
FUZZ_JOBS    ?= 2
fuzz:
	@scripts/install-deps --fuzz
	@CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DHUIQI_FUZZ=ON -DHUIQI_WERROR=OFF >/dev/null
	@ninja -C $(FUZZ_BUILD) -j $(FUZZ_JOBS) fuzz_rule_parser fuzz_money_date fuzz_csv_import fuzz_json_body \
	  fuzz_search_query fuzz_http_request
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh $(FUZZ_BUILD)

clean:
	rm -rf $(BUILD)
