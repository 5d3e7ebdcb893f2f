# Huiqi — two commands: `make run` and `make test`. Everything else is here for them.
BUILD  ?= build
DB     ?= sqlite:var/huiqi.db
LISTEN ?= 127.0.0.1:8080
JOBS   ?= $(shell nproc)
HUIQI  := $(BUILD)/huiqi

.PHONY: all deps configure build run test bench clean

all: build

deps:
	@scripts/install-deps

configure: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: configure
	@ninja -C $(BUILD) -j $(JOBS)

# Build, migrate, load the demo data (idempotent), serve on http://127.0.0.1:8080.
run: build
	@mkdir -p var
	$(HUIQI) migrate --db $(DB)
	$(HUIQI) seed-demo --db $(DB)
	$(HUIQI) serve --db $(DB) --listen $(LISTEN)

# Every test: unit, storage on SQLite and on a private PostgreSQL server, HTTP, CLI.
test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	@echo "no benchmarks yet"

clean:
	rm -rf $(BUILD)
