# aiusage - the front door. Two commands matter:
#   make run    install what is missing, build, sync local data, show it
#   make test   install what is missing, build, run every test (plain and
#               under ASan+UBSan; store tests on SQLite and again on a
#               throw-away PostgreSQL that ctest starts and stops), and run
#               the fuzzers for a bounded time
# The real build is CMake; this file only drives it.

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 30
CMAKE_FLAGS ?=

.PHONY: all build run test test-plain test-asan fuzz deps deps-test bench clean

all: build

deps:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DAIU_WERROR=ON -DAIU_TESTS=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS) --target aiusage

run: build
	@./$(BUILD)/aiusage run $(ARGS)

test: deps-test test-plain test-asan fuzz

test-plain:
	cmake -S . -B $(BUILD)-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAIU_WERROR=ON -DAIU_TESTS=ON $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD)-test -j $(JOBS)
	cd $(BUILD)-test && ctest --output-on-failure -j $(JOBS); rc=$$?; \
	  $(CURDIR)/scripts/pg-test.sh stop pgtest; exit $$rc

test-asan:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DAIU_WERROR=ON -DAIU_SANITIZE=ON -DAIU_TESTS=ON $(CMAKE_FLAGS) >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 AIU_UNDER_ASAN=1 ctest --output-on-failure -j $(JOBS); rc=$$?; \
	  $(CURDIR)/scripts/pg-test.sh stop pgtest; exit $$rc

fuzz:
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DAIU_FUZZ=ON -DAIU_TESTS=OFF >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	scripts/run-fuzzers.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

bench:
	@scripts/deps.sh bench
	bench/run.sh

clean:
	rm -rf $(BUILD) $(BUILD)-test $(ASAN_BUILD) $(FUZZ_BUILD)
