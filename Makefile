# kttt — make help lists the targets. Every target sets up what it needs: a local
# virtual environment (.venv) installed from the lock file (exact versions with hashes,
# Linux, Python 3.11), then kttt itself from pyproject.toml; reused while it is current.

SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
KTTT := $(VENV)/bin/kttt
STAMP := $(VENV)/.installed
LOCK := requirements.lock
LOCK_PYTHON := 3.11
LOCK_PLATFORM := x86_64-unknown-linux-gnu
AXE := node_modules/axe-core/axe.min.js
SAMPLES := data/yen_bai data/lao_cai
DATA ?= $(SAMPLES)
OUT ?= reports
JOBS ?=

.DEFAULT_GOAL := help
.PHONY: help setup lock report validate indicators test test-fast test-e2e lint format sample sample-check bench clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-13s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml $(LOCK)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -c 'import sys; sys.exit(sys.version_info[:2] != tuple(map(int, "$(LOCK_PYTHON)".split("."))))' || \
	  { echo "$(LOCK) is for Python $(LOCK_PYTHON): rm -rf $(VENV) && make PYTHON=python$(LOCK_PYTHON) …"; exit 1; }
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

setup: $(STAMP) ## Create/refresh the virtual environment (.venv) from the lock file

lock: ## Refresh the lock file (requirements.lock) after changing dependencies in pyproject.toml
	@test -x $(VENV)/bin/uv || { test -x $(PY) || $(PYTHON) -m venv $(VENV); $(PY) -m pip install --quiet --require-hashes -r $(LOCK); }
	$(PY) -c 'import tomllib; print("\n".join(["pip", *tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]]))' \
	  | $(VENV)/bin/uv pip compile --quiet pyproject.toml - --extra dev --generate-hashes \
	    --python-version $(LOCK_PYTHON) --python-platform $(LOCK_PLATFORM) --custom-compile-command 'make lock' -o $(LOCK)

$(AXE): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $(AXE)

report: $(STAMP) ## Build every year of both samples (data/yen_bai, data/lao_cai) into reports/ (DATA=… for others)
	$(KTTT) build $(DATA) --all-years --out $(OUT) $(if $(JOBS),--jobs $(JOBS))

validate: $(STAMP) ## Check the samples (or DATA=…) against the data contract
	@for d in $(DATA); do $(KTTT) validate $$d || exit 1; done

indicators: $(STAMP) ## Print an indicator table (DATA=data/lao_cai YEAR=2025; default the Yên Bái sample, 2022)
	$(KTTT) indicators $(firstword $(DATA)) --year $(or $(YEAR),2022)

test: $(STAMP) $(AXE) lint ## Lint, then run every test (unit, doctests, end-to-end)
	$(PY) -m pytest -q

test-fast: $(STAMP) ## Unit tests and doctests only (no notebooks, no browser)
	$(PY) -m pytest -q -m "not e2e"

test-e2e: $(STAMP) $(AXE) ## End-to-end tests only (notebooks, build, browser, accessibility)
	$(PY) -m pytest -q -m e2e

lint: $(STAMP) ## ruff check (code and tests)
	$(VENV)/bin/ruff check kttt tests benchmarks

format: $(STAMP) ## ruff format + import sorting
	$(VENV)/bin/ruff check --fix kttt tests benchmarks
	$(VENV)/bin/ruff format kttt tests benchmarks

sample: $(STAMP) ## Regenerate both synthetic samples (seeded, byte for byte)
	$(PY) -m kttt.sample data/yen_bai
	$(PY) -m kttt.sample --lao-cai data/lao_cai

bench: $(STAMP) ## Measure build speed against the naive way; writes docs/benchmarks.md
	$(PY) benchmarks/run.py

clean: ## Remove generated reports and caches (keeps .venv)
	rm -rf $(OUT)/*/ .kttt-cache .pytest_cache .ruff_cache node_modules
