# terraform-provider-agora: the user-facing commands. See README.md.
#
#   make demo     build, start the fake Agora API on loopback, terraform init + apply the quickstart
#   make test     install deps, build, run every test (unit + end-to-end against real terraform)
#   make install  write a filesystem mirror with the provider and print the CLI config to use
#   make bench    whole-process and micro benchmarks (not part of make test)

SHELL      := /bin/bash
BUILD_DIR  ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS       ?= 2
VERSION    := $(shell sed -n 's/^project.terraform-provider-agora VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
MIRROR     ?= $(HOME)/.terraform.d/agora-mirror
PYTHON     ?= /usr/bin/python3
RELEASE_DIR ?= build-release

# Exactly the Debian packages the project needs (build, tests, demo).
DEB_PACKAGES := g++ make cmake pkg-config python3 openssl zip unzip \
	libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
	libabsl-dev libssl-dev libcurl4-openssl-dev rapidjson-dev libmsgpack-cxx-dev \
	libgtest-dev libgmock-dev libbenchmark-dev

.PHONY: all deps build test unit e2e demo install bench clean

all: build

# Idempotent: a quick no-op when every package is already installed.
deps:
	@missing=$$(dpkg-query -W -f='$${db:Status-Abbrev} $${Package}\n' $(DEB_PACKAGES) 2>/dev/null \
	  | awk '$$1 == "ii" {print $$2}' | sort | comm -13 - <(printf '%s\n' $(DEB_PACKAGES) | sort)); \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing" $$missing; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "deps: all $(words $(DEB_PACKAGES)) packages present"; fi
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

demo: build
	$(PYTHON) tests/demo.py --provider $(BUILD_DIR)/terraform-provider-agora --version $(VERSION)

install: build
	$(PYTHON) scripts/install_mirror.py --provider $(BUILD_DIR)/terraform-provider-agora \
	  --version $(VERSION) --mirror $(MIRROR)

# Release build (the one users get), micro-benchmarks, then whole-process figures against
# same-run baselines. Never part of `make test`.
bench: deps
	cmake -S . -B $(RELEASE_DIR) -DCMAKE_BUILD_TYPE=Release -DAGORA_BUILD_BENCH=ON -DAGORA_BUILD_TESTS=OFF
	cmake --build $(RELEASE_DIR) -j $(JOBS) --target terraform-provider-agora micro_bench
	$(RELEASE_DIR)/bench/micro_bench
	$(PYTHON) bench/run_bench.py --provider $(RELEASE_DIR)/terraform-provider-agora

clean:
	rm -rf $(BUILD_DIR) $(RELEASE_DIR)
