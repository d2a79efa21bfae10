# terraform-provider-agora: the user-facing commands. See README.md.
#
#   make demo     build, start the fake Agora API on loopback, terraform init + apply the quickstart
#   make test     install deps, build, run every test (unit + end-to-end against real terraform)
#   make release  dist/: the registry's zip, manifest, SHA256SUMS (and .sig with GPG_FINGERPRINT)
#   make install  put the release binary where terraform finds it with no CLI configuration
#   make bench    whole-process and micro benchmarks (not part of make test)
#   make soak     soak tests: 1,000 instances, 300 plans, 10,000 reads of one debug-mode provider,
#                 random API faults; one table, SOAK_SCALE scales it (not part of make test)
#   make fuzz     libFuzzer targets (clang, ASan+UBSan) in build-fuzz, FUZZ_SECONDS each (not part
#                 of make test; make test replays their committed corpora)
#   make docs     regenerate docs/ from the provider's schema, templates/ and examples/
#   make sanitize the unit and end-to-end tests with our code built with ASan+UBSan in
#                 build-sanitize, leak checks on (not part of make test)

SHELL      := /bin/bash
BUILD_DIR  ?= build
BUILD_TYPE ?= Release
JOBS       ?= 2
VERSION    := $(shell sed -n 's/^project.terraform-provider-agora VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
# Terraform's implied local mirror: used with no CLI configuration at all.
MIRROR     ?= $(HOME)/.terraform.d/plugins
DIST       ?= dist
PYTHON     ?= /usr/bin/python3
FUZZ_DIR     ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := msgpack_value type_json state_json ncs_response ip_text settings_text client_cert_pem boundary
SANITIZE_DIR ?= build-sanitize

# Exactly the Debian packages the project needs (build, tests, demo, release). libcurl is built
# from Debian's curl source package (cmake/DebianCurl.cmake: apt-get source, hence dpkg-dev).
DEB_PACKAGES := g++ make cmake pkg-config python3 python3-yaml openssl zip unzip dpkg-dev gnupg \
	libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
	libabsl-dev libssl-dev zlib1g-dev rapidjson-dev libmsgpack-cxx-dev \
	libgtest-dev libgmock-dev libbenchmark-dev
# make fuzz only: clang and its libFuzzer/sanitizer runtimes (Debian 12's clang 14).
FUZZ_PACKAGES := clang libclang-rt-14-dev

.PHONY: all deps build test unit e2e demo release install bench soak fuzz sanitize docs clean

all: build

# $(call install-missing,PACKAGES): apt-get install those of PACKAGES not installed yet.
# Idempotent: a quick no-op when every package is already installed.
define install-missing
@missing=$$(dpkg-query -W -f='$${db:Status-Abbrev} $${Package}\n' $(1) 2>/dev/null \
  | awk '$$1 == "ii" {print $$2}' | sort | comm -13 - <(printf '%s\n' $(1) | sort)); \
if [ -n "$$missing" ]; then \
  echo "deps: installing" $$missing; \
  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
  $$SUDO apt-get update -qq && \
  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
else echo "deps: all $(words $(1)) packages present"; fi
endef

deps:
	$(call install-missing,$(DEB_PACKAGES))
	@command -v terraform >/dev/null || { echo "deps: terraform CLI not found on PATH (needed by tests and demo)"; exit 1; }

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

unit: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -L unit

e2e: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -L e2e

# The binary users get: static, stripped (CMake's release step). Tests and the demo run it too.
RELEASE_BINARY = $(BUILD_DIR)/release/terraform-provider-agora_v$(VERSION)

demo: build
	$(PYTHON) tests/demo.py --provider $(RELEASE_BINARY) --version $(VERSION)

# The registry documentation: docs/ from the release binary's schema (real terraform), templates/
# and examples/. make test (e2e.test_docs) fails when docs/ is stale.
docs: build
	$(PYTHON) scripts/gen_docs.py --provider $(RELEASE_BINARY) --version $(VERSION)

release: build
	$(PYTHON) scripts/release.py --binary $(RELEASE_BINARY) --version $(VERSION) --out $(DIST)

install: build
	$(PYTHON) scripts/install_mirror.py --provider $(RELEASE_BINARY) \
	  --version $(VERSION) --mirror $(MIRROR)

# Micro-benchmarks, then whole-process figures of the release binary against same-run
# baselines. Never part of `make test`.
bench: build
	cmake -S . -B $(BUILD_DIR) -DAGORA_BUILD_BENCH=ON
	cmake --build $(BUILD_DIR) -j $(JOBS) --target micro_bench
	$(BUILD_DIR)/bench/micro_bench
	$(PYTHON) bench/run_bench.py --provider $(RELEASE_BINARY)

# Soak tests of the release binary (bench/soak.py): many instances, many consecutive plans, one
# debug-mode provider serving 10,000 reads (build/soak_client), random API faults. Prints one
# table; fails on any FAIL row. SOAK_SCALE=0.1 for a quick run. Never part of `make test`.
soak: build
	$(PYTHON) bench/soak.py --provider $(RELEASE_BINARY) --soak-client $(BUILD_DIR)/soak_client

# libFuzzer targets (tests/fuzz/) in their own build directory: our code instrumented with
# ASan+UBSan, each target run FUZZ_SECONDS over a working copy of its committed corpus, then one
# table of executions and coverage. Needs no terraform. Never part of `make test`.
fuzz:
	$(call install-missing,$(DEB_PACKAGES) $(FUZZ_PACKAGES))
	cmake -S . -B $(FUZZ_DIR) -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAGORA_BUILD_FUZZERS=ON -DAGORA_BUILD_TESTS=OFF
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzzers
	$(PYTHON) tests/fuzz/run_fuzzers.py --build $(FUZZ_DIR) --seconds $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The unit and end-to-end tests with our code (libraries, tests, a dynamically linked provider)
# built with ASan and UBSan in SANITIZE_DIR; third-party archives are linked as they are. The
# options are exported, so the provider processes terraform starts inherit them (harness.clean_env
# passes them on), and every report goes to SANITIZE_DIR/sanitizer-logs: a provider's stderr is
# not the tests' to see. Any report fails the target. The tests about the static release binary
# (label static_binary) are left out. Never part of `make test`.
SANITIZE_LOGS = $(abspath $(SANITIZE_DIR))/sanitizer-logs
sanitize: deps
	cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAGORA_SANITIZE=ON
	cmake --build $(SANITIZE_DIR) -j $(JOBS)
	rm -rf $(SANITIZE_LOGS) && mkdir -p $(SANITIZE_LOGS)
	@export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:log_path=$(SANITIZE_LOGS)/asan \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/sanitize/lsan.supp \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$(SANITIZE_LOGS)/ubsan; \
	status=0; (cd $(SANITIZE_DIR) && ctest --output-on-failure -j $(JOBS) -LE static_binary) \
	  || status=$$?; \
	reports=$$(find $(SANITIZE_LOGS) -type f | sort); \
	for report in $$reports; do echo "=== $$report"; cat "$$report"; done; \
	if [ -n "$$reports" ]; then echo "sanitize: $$(echo $$reports | wc -w) sanitizer report(s)"; \
	  status=1; fi; \
	exit $$status

clean:
	rm -rf $(BUILD_DIR) $(FUZZ_DIR) $(SANITIZE_DIR) $(DIST)
