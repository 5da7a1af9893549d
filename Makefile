# Entry points; CI runs `make test` through .ci/run. Every target runs scripts/bootstrap.sh first
# (Debian packages, .venv, ansible-test seeding), which returns at once when all is in place.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
# `make test` runs its steps in order and stops at the first failure, also under -j.
.NOTPARALLEL:
.DEFAULT_GOAL := test

PYTHON := .venv/bin/python
VCSIM_DIR := tests/simulators/vcenter
VCSIM := $(VCSIM_DIR)/vcsim-ld
VCSIM_SOURCES := $(shell find $(VCSIM_DIR) \( -name '*.go' -o -name go.mod -o -name go.sum -o -name build.sh \) 2>/dev/null)

.PHONY: test bootstrap sanity lint unit integration molecule compat vcsim sims sims-stop demo bench ee clean

test: sanity lint unit integration molecule compat

bootstrap:
	@scripts/bootstrap.sh

sanity: bootstrap
	scripts/sanity.sh

lint: bootstrap
	scripts/lint.sh

# The fast loop: pure tests (no simulator, no child process; tests/unit/conftest.py refuses both), seconds.
unit: bootstrap
	.venv/bin/pytest tests/unit -q

# Simulator- and process-backed tests: the modules against the simulators, the fault matrix, the simulators' own tests.
integration: bootstrap $(VCSIM)
	.venv/bin/pytest tests/integration tests/faults tests/simulators -q

molecule: bootstrap $(VCSIM)
	scripts/molecule.sh

# Sanity and unit tests on ansible-core 2.20 (Python 3.12) and 2.21 (Python 3.13), side by side.
compat: bootstrap $(VCSIM)
	scripts/compat.sh

vcsim: bootstrap $(VCSIM)

$(VCSIM): $(VCSIM_SOURCES)
	@test -x $(VCSIM_DIR)/build.sh || { echo "make: $(VCSIM_DIR)/build.sh is missing: cannot build the vCenter simulator" >&2; exit 1; }
	$(VCSIM_DIR)/build.sh
	@touch $@

sims: bootstrap $(VCSIM)
	$(PYTHON) tests/simulators/sims.py start

sims-stop: bootstrap
	$(PYTHON) tests/simulators/sims.py stop

demo: bootstrap $(VCSIM)
	scripts/demo.sh

# Build context of the execution environment in build/ee/context (then: podman build -t IMAGE build/ee/context).
ee: bootstrap
	scripts/ee.sh

# Benchmarks (request counts, wall time, scaling against the BIG-IP simulator); not part of `make test`.
bench: bootstrap
	$(PYTHON) benchmarks/bigip_requests.py --out $(or $(BENCH_OUT),/tmp)
	$(PYTHON) benchmarks/site_setup.py --out $(or $(BENCH_OUT),/tmp)

clean:
	if [ -x $(PYTHON) ] && [ -f tests/simulators/sims.py ]; then $(PYTHON) tests/simulators/sims.py stop; fi
	rm -rf .sims reports tests/output dist .pytest_cache $(VCSIM)
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
