# mikronet — two commands for a fresh machine (Python 3.11+ and make):
#   make demo   create .venv, install, rehearse the main job on a simulated fleet; its data stays in
#               .sim/demo/ (replaced each run) and it ends with the commands that open the dashboard on it
#   make test   create .venv, install, start the test services, run the linters and the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# written by .ci/services: the URL of the tests' PostgreSQL server (or why there is none)
SERVICES_ENV := .services.env

.PHONY: demo test lint services services-down bench screenshot clean

# the demo needs the simulator's extra and the dashboard's; the tests need them too, and the third-party clients
DEMO_STAMP := $(VENV)/.installed-demo

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(DEMO_STAMP): pyproject.toml $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[sim,web]'
	touch $(DEMO_STAMP)

$(STAMP): pyproject.toml $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[test,sim,clients,web]'
	touch $(STAMP) $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	$(BIN)/mikronet demo --dir .sim/demo

lint: $(STAMP)
	$(BIN)/ruff check mikronet tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# PostgreSQL on loopback for the ledger tests, Chromium for the browser tests (.ci/services)
services:
	bash .ci/services up $(SERVICES_ENV)

services-down:
	bash .ci/services down

# the PostgreSQL server is stopped again after the tests if `services` started it (pytest's status kept)
test: lint services
	set -a && . ./$(SERVICES_ENV) && set +a && status=0 && $(BIN)/python -m pytest -q || status=$$?; \
	if grep -q '^MIKRONET_SERVICES_STARTED=1' $(SERVICES_ENV); then bash .ci/services down; fi; exit $$status

bench: $(STAMP)
	for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done

# the README's picture of the dashboard, on a fresh demo's data (Playwright on the system's Chromium)
screenshot: $(STAMP)
	$(BIN)/python bench/dashboard_screenshot.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache $(SERVICES_ENV)
