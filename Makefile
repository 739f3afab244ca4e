# Thin wrapper over CMake. `make run` and `make test` are the two commands of the README.
BUILD   ?= build
TSAN    ?= build-tsan
ASAN    ?= build-asan
FUZZ    ?= build-fuzz
# Seconds each fuzz target runs in `make fuzz` (and so in `make test`); raise it for a long run.
FUZZ_SECONDS ?= 60
JOBS    ?= $(shell nproc)
CMAKE   := cmake
export OMP_WAIT_POLICY ?= PASSIVE
# ccache keys on paths relative to the checkout, so every clone shares the cache.
export CCACHE_BASEDIR ?= $(CURDIR)

.PHONY: all setup deps configure build data run test test-tsan test-asan fuzz fuzz-corpus bench clean

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

test: build test-tsan fuzz
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The concurrency tests again under ThreadSanitizer: the parallel loop, the epoch store, the layout
# pool (two threads per job), the task runner and the layouts a view makes on it, and every
# projection that runs on more than one thread.
TSAN_TESTS := core_test store_test jobs_test knn_test project_tsne_test project_umap_test project_mds_test \
              project_graph_test project_barnes_hut_test project_fft_test ui_view_test
TSAN_SUITES := ThreadTeam|CoreLoans|Spectral|EpochStore|Metrics|Trajectory|LayoutPool|LayoutRecords|Methods|TaskRunner|Knn|Tsne|TsneAffinities|Umap|UmapCurve|UmapGraph|Mds|GraphLayout|BarnesHut|FftRepulsion|LocalLayouts
test-tsan: deps
	@test -f $(TSAN)/build.ninja || $(CMAKE) --preset tsan
	@$(CMAKE) --build $(TSAN) -j $(JOBS) --target $(TSAN_TESTS)
	cd $(TSAN) && ctest --output-on-failure -j $(JOBS) -R '^($(TSAN_SUITES))\.'

# Every torch-free test again under AddressSanitizer + UBSan (Debug). Not part of `make test`: the
# Debug + ASan run alone takes about 11 minutes on the 2 cores (t-SNE, UMAP and kNN tests dominate).
test-asan: deps
	@test -f $(ASAN)/build.ninja || $(CMAKE) --preset debug-asan
	@$(CMAKE) --build $(ASAN) -j $(JOBS)
	cd $(ASAN) && ctest --output-on-failure -j $(JOBS)

# libFuzzer on the IDX and session readers, FUZZ_SECONDS each (clang, ASan + UBSan). New inputs
# go to $(FUZZ)/corpus/, the committed seeds in fuzz/corpus/ stay as they are; a finding stops
# with its input saved under $(FUZZ)/artifacts/ (replay: $(FUZZ)/<target> <that file>).
FUZZ_TARGETS := idx session
fuzz: deps
	@test -f $(FUZZ)/build.ninja || $(CMAKE) --preset fuzz
	@$(CMAKE) --build $(FUZZ) -j $(JOBS) --target $(FUZZ_TARGETS:%=%_fuzz)
	@mkdir -p $(FUZZ)/artifacts
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ)/corpus/$$t; \
	  echo "fuzz: $${t}_fuzz for $(FUZZ_SECONDS) s (log: $(FUZZ)/$$t.log)"; \
	  if ! $(FUZZ)/$${t}_fuzz $(FUZZ)/corpus/$$t fuzz/corpus/$$t -dict=fuzz/$$t.dict \
	      -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -rss_limit_mb=1024 -malloc_limit_mb=32 \
	      -artifact_prefix=$(FUZZ)/artifacts/$$t- -print_final_stats=1 >$(FUZZ)/$$t.log 2>&1; then \
	    tail -n 40 $(FUZZ)/$$t.log; echo "fuzz: $${t}_fuzz found a problem (input in $(FUZZ)/artifacts/)"; exit 1; \
	  fi; \
	  grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' $(FUZZ)/$$t.log | tr '\n' ' '; echo; \
	done

# Regenerates the committed seed corpus from the library's writers (after a format change).
fuzz-corpus: deps
	@test -f $(FUZZ)/build.ninja || $(CMAKE) --preset fuzz
	@$(CMAKE) --build $(FUZZ) -j $(JOBS) --target fuzz_make_corpus
	$(FUZZ)/fuzz_make_corpus fuzz/corpus

bench: build
	@scripts/setup.sh bench
	@$(CMAKE) $(BUILD) >/dev/null  # finds oneTBB once the bench packages are in
	@$(CMAKE) --build $(BUILD) -j $(JOBS) --target parallel_bench
	@/usr/bin/python3 bench/run.py $(BUILD) $(if $(QUICK),--quick)

clean:
	rm -rf $(BUILD) $(TSAN) $(ASAN) $(FUZZ)
