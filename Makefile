# Thin wrapper over CMake. `make run` and `make test` are the two commands of the README.
BUILD   ?= build
TSAN    ?= build-tsan
JOBS    ?= $(shell nproc)
CMAKE   := cmake
export OMP_WAIT_POLICY ?= PASSIVE
# ccache keys on paths relative to the checkout, so every clone shares the cache.
export CCACHE_BASEDIR ?= $(CURDIR)

.PHONY: all setup deps configure build data run test test-tsan bench clean

all: build

deps:
	@scripts/setup.sh base

configure: deps
	@test -f $(BUILD)/build.ninja || $(CMAKE) --preset release

build: configure
	@$(CMAKE) --build $(BUILD) -j $(JOBS)
	@scripts/fetch-data.sh $(BUILD)/epochscope

setup: build

run: build
	./$(BUILD)/epochscope $(ARGS)

test: build test-tsan
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The concurrency tests (epoch store, layout worker pool) again under ThreadSanitizer.
TSAN_TESTS := store_test jobs_test
test-tsan: deps
	@test -f $(TSAN)/build.ninja || $(CMAKE) --preset tsan
	@$(CMAKE) --build $(TSAN) -j $(JOBS) --target $(TSAN_TESTS)
	cd $(TSAN) && ctest --output-on-failure -j $(JOBS) -R '^(EpochStore|LayoutPool|Metrics|PointSet|Methods)\.'


bench: build
	@scripts/setup.sh bench
	@/usr/bin/python3 bench/run.py $(BUILD)

clean:
	rm -rf $(BUILD) $(TSAN) build-asan
