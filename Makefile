# Mutu: every target creates .venv when it is missing and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
AXE := node_modules/axe-core/axe.min.js

.PHONY: demo test lint bench bench-quick serve install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.runtime

$(AXE): package.json
	npm install --no-audit --no-fund --silent
	touch $@

install: $(VENV)/.runtime

## demo: migrate, load the Pesawaran demo, print the logins, serve on http://127.0.0.1:8000
demo: export DJANGO_DEBUG ?= 1
demo: $(VENV)/.runtime
	@mkdir -p var
	$(BIN)/mutu migrate --verbosity 0
	$(BIN)/mutu demo load
	@echo "Mutu berjalan di http://$(HOST):$(PORT)/  (Ctrl+C untuk berhenti)"
	$(BIN)/mutu db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/mutu runserver $(HOST):$(PORT)

## serve: production: gunicorn + the task worker (`mutu serve`) on $(HOST):$(PORT),
## WORKERS web processes if set; needs DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS,
## `mutu migrate` and `mutu collectstatic` (see docs/operations.md)
serve: $(VENV)/.runtime
	$(BIN)/mutu serve --bind $(HOST):$(PORT) $(if $(WORKERS),--workers $(WORKERS))

## test: install the test dependencies and run the whole suite (SQLite, or DATABASE_URL)
test: $(VENV)/.test $(AXE)
	$(BIN)/pytest

## lint: what CI checks besides the tests
lint: $(VENV)/.test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	DJANGO_DEBUG=1 $(BIN)/mypy
	$(BIN)/mypy --strict --config-file /dev/null src/mutu/measures
	DJANGO_DEBUG=1 $(BIN)/mutu makemigrations --check --dry-run

## bench: every benchmark of bench/ at its full size, then one table of the figures
## (bench/run_all.py); needs PostgreSQL on 127.0.0.1 (DATABASE_URL names the server)
## and wrk (apt-get install -y wrk)
bench: $(VENV)/.test
	$(BIN)/python bench/run_all.py

## bench-quick: every benchmark once on a small size in seconds, so that CI notices one
## that no longer runs (the figures mean nothing at this size); needs what `bench` needs
bench-quick: $(VENV)/.test
	$(BIN)/python bench/run_all.py --quick

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .mypy_cache .ruff_cache
