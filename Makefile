# terraform-provider-agora: the user-facing commands. See README.md.
#
#   make demo     build, start the fake Agora API on loopback, terraform init + apply the quickstart
#   make test     install deps, build, run every test (unit + end-to-end against real terraform)
#   make release  dist/: the registry's zips (one per PLATFORMS entry), manifest, SHA256SUMS (and
#                 .sig with GPG_FINGERPRINT), and a provider network mirror of them
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

# The platforms make build and make release build: this machine's in BUILD_DIR, each other one
# with Debian's cross toolchain against a sysroot of Debian's packages for it in
# BUILD_DIR/<platform> (cmake/toolchains/<platform>.cmake, scripts/make_sysroot.sh).
SUPPORTED_PLATFORMS := linux_amd64 linux_arm64
PLATFORMS     ?= $(SUPPORTED_PLATFORMS)
HOST_PLATFORM := linux_$(subst x86_64,amd64,$(subst aarch64,arm64,$(shell uname -m)))
CROSS_PLATFORMS = $(filter-out $(HOST_PLATFORM),$(PLATFORMS))
# Per cross platform: Debian's architecture and the host packages it needs (the cross compiler;
# qemu-user-static runs its end-to-end tests).
DEB_ARCH_linux_arm64       := arm64
CROSS_PACKAGES_linux_arm64 := crossbuild-essential-arm64 qemu-user-static
# The sysroot: the target's side of DEB_PACKAGES (headers, static archives, CMake and pkg-config
# files), resolved with their dependencies by apt for the target's architecture.
# protobuf-compiler-grpc is never run (the host's grpc_cpp_plugin is): gRPC's CMake package
# refuses to load without the file it names.
SYSROOT_PACKAGES := libc6-dev libgrpc++-dev libprotobuf-dev libabsl-dev libssl-dev zlib1g-dev \
	rapidjson-dev libmsgpack-cxx-dev protobuf-compiler-grpc
# The release binary of platform $(1).
platform_build_dir = $(if $(filter $(HOST_PLATFORM),$(1)),$(BUILD_DIR),$(BUILD_DIR)/$(1))
release_binary = $(call platform_build_dir,$(1))/release/terraform-provider-agora_v$(VERSION)

# Exactly the Debian packages the project needs (build, tests, demo, release). libcurl is built
# from Debian's curl source package (cmake/DebianCurl.cmake: apt-get source, hence dpkg-dev).
DEB_PACKAGES := g++ make cmake pkg-config python3 python3-yaml openssl zip unzip dpkg-dev gnupg \
	libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
	libabsl-dev libssl-dev zlib1g-dev rapidjson-dev libmsgpack-cxx-dev \
	libgtest-dev libgmock-dev libbenchmark-dev
# make fuzz only: clang and its libFuzzer/sanitizer runtimes (Debian 12's clang 14).
FUZZ_PACKAGES := clang libclang-rt-14-dev

.PHONY: all deps check-platforms terraform-cli build build-host build-linux_arm64 test unit e2e \
	demo release install bench soak fuzz sanitize docs clean
# Kept between runs: a sysroot and a configured cross build are not intermediate files.
.PRECIOUS: $(BUILD_DIR)/%/sysroot/root/.packages $(BUILD_DIR)/%/CMakeCache.txt

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

# An unknown PLATFORMS entry stops every target that builds, before anything is installed,
# built or written.
check-platforms:
	@unknown="$(filter-out $(SUPPORTED_PLATFORMS),$(PLATFORMS))"; \
	if [ -n "$$unknown" ] || [ -z "$(strip $(PLATFORMS))" ]; then \
	  echo "PLATFORMS: unknown platform(s) '$${unknown}' in '$(PLATFORMS)'; supported:" \
	    "$(SUPPORTED_PLATFORMS)" >&2; exit 2; fi

deps: check-platforms
	$(call install-missing,$(DEB_PACKAGES) $(foreach p,$(CROSS_PLATFORMS),$(CROSS_PACKAGES_$(p))))

# The targets that run terraform (tests, demo, docs, benchmarks); building and releasing do not.
terraform-cli:
	@command -v terraform >/dev/null || { echo "terraform CLI not found on PATH (needed by tests, demo, docs and benchmarks)"; exit 1; }

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

# This machine's platform: the provider, the unit tests and the test tools.
build-host: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

build: build-host $(addprefix build-,$(CROSS_PLATFORMS))

# A cross platform: its sysroot (remade only when the packages it resolves to change), then the
# release binary alone, in BUILD_DIR/<platform> (no tests: they run on this machine, the arm64
# binary under qemu-user: tests/e2e/arm64_suite.py).
$(BUILD_DIR)/%/sysroot/root/.packages: Makefile scripts/make_sysroot.sh
	scripts/make_sysroot.sh $(DEB_ARCH_$*) $(BUILD_DIR)/$*/sysroot $(SYSROOT_PACKAGES)
	@touch $@

$(BUILD_DIR)/%/CMakeCache.txt: $(BUILD_DIR)/%/sysroot/root/.packages
	cmake -S . -B $(BUILD_DIR)/$* --toolchain $(CURDIR)/cmake/toolchains/$*.cmake \
	  -DAGORA_SYSROOT=$(abspath $(BUILD_DIR)/$*/sysroot/root) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
	  -DAGORA_BUILD_TESTS=OFF

build-linux_arm64: deps $(BUILD_DIR)/linux_arm64/CMakeCache.txt
	cmake --build $(BUILD_DIR)/linux_arm64 -j $(JOBS) --target terraform-provider-agora

test: terraform-cli build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

unit: build-host
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -L unit

e2e: terraform-cli build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -L e2e

# The binary users get: static, stripped (CMake's release step). Tests and the demo run it too.
RELEASE_BINARY = $(BUILD_DIR)/release/terraform-provider-agora_v$(VERSION)

demo: terraform-cli build-host
	$(PYTHON) tests/demo.py --provider $(RELEASE_BINARY) --version $(VERSION)

# The registry documentation: docs/ from the release binary's schema (real terraform), templates/
# and examples/. make test (e2e.test_docs) fails when docs/ is stale.
docs: terraform-cli build-host
	$(PYTHON) scripts/gen_docs.py --provider $(RELEASE_BINARY) --version $(VERSION)

release: check-platforms build
	$(PYTHON) scripts/release.py --version $(VERSION) --out $(DIST) \
	  $(foreach p,$(PLATFORMS),--binary $(p)=$(call release_binary,$(p)))

install: build-host
	$(PYTHON) scripts/install_mirror.py --provider $(RELEASE_BINARY) \
	  --version $(VERSION) --mirror $(MIRROR)

# Micro-benchmarks, then whole-process figures of the release binary against same-run
# baselines. Never part of `make test`.
bench: terraform-cli build
	cmake -S . -B $(BUILD_DIR) -DAGORA_BUILD_BENCH=ON
	cmake --build $(BUILD_DIR) -j $(JOBS) --target micro_bench
	$(BUILD_DIR)/bench/micro_bench
	$(PYTHON) bench/run_bench.py --provider $(RELEASE_BINARY) \
	  $(if $(filter linux_arm64,$(PLATFORMS)),--arm64-provider $(call release_binary,linux_arm64))

# Soak tests of the release binary (bench/soak.py): many instances, many consecutive plans, one
# debug-mode provider serving 10,000 reads (build/soak_client), random API faults. Prints one
# table; fails on any FAIL row. SOAK_SCALE=0.1 for a quick run. Never part of `make test`.
soak: terraform-cli build-host
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
# (label static_binary) and those of the linux_arm64 cross build under qemu (label arm64, which
# this build does not make or instrument) are left out. Never part of `make test`.
SANITIZE_LOGS = $(abspath $(SANITIZE_DIR))/sanitizer-logs
sanitize: terraform-cli deps
	cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAGORA_SANITIZE=ON
	cmake --build $(SANITIZE_DIR) -j $(JOBS)
	rm -rf $(SANITIZE_LOGS) && mkdir -p $(SANITIZE_LOGS)
	@export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:log_path=$(SANITIZE_LOGS)/asan \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/sanitize/lsan.supp \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$(SANITIZE_LOGS)/ubsan; \
	status=0; (cd $(SANITIZE_DIR) && ctest --output-on-failure -j $(JOBS) -LE 'static_binary|arm64') \
	  || status=$$?; \
	reports=$$(find $(SANITIZE_LOGS) -type f | sort); \
	for report in $$reports; do echo "=== $$report"; cat "$$report"; done; \
	if [ -n "$$reports" ]; then echo "sanitize: $$(echo $$reports | wc -w) sanitizer report(s)"; \
	  status=1; fi; \
	exit $$status

clean:
	rm -rf $(BUILD_DIR) $(FUZZ_DIR) $(SANITIZE_DIR) $(DIST)
