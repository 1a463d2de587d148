# mikronet — two commands for a fresh machine (Python 3.11+ and make):
#   make demo   create .venv, install, rehearse the main job on a simulated fleet
#   make test   create .venv, install, start the test services, run the linters and the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# written by .ci/services: the URL of the tests' PostgreSQL server (or why there is none)
SERVICES_ENV := .services.env

.PHONY: demo test lint services services-down bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,web]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/mikronet demo

lint: $(STAMP)
	$(BIN)/ruff check mikronet tests bench
	$(BIN)/mypy

# PostgreSQL on loopback for the ledger tests, Chromium for the reports' browser tests (.ci/services)
services:
	bash .ci/services up $(SERVICES_ENV)

services-down:
	bash .ci/services down

test: lint services
	set -a && . ./$(SERVICES_ENV) && set +a && $(BIN)/python -m pytest -q

bench: $(STAMP)
	for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache $(SERVICES_ENV)
