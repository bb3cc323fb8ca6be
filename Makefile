# Casework: the two commands are `make demo` and `make test`; both call `make setup`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/casework
export CASEWORK_PORT ?= 8000

.PHONY: setup demo test lint typecheck migrations-check test-sqlite test-postgres test-browser \
        chromium serve clean openapi

setup: $(VENV)/.stamp-python node_modules/.stamp-npm var

var:
	mkdir -p var

$(VENV)/.stamp-python: requirements/lock.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements/lock.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

node_modules/.stamp-npm: package-lock.json package.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

demo: setup
	$(BIN)/casework migrate --no-input
	$(BIN)/casework seed-demo --if-empty
	$(BIN)/casework serve --demo

test: setup lint typecheck migrations-check test-sqlite test-postgres test-browser

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: setup
	$(BIN)/mypy casework

migrations-check: setup
	$(PY) manage.py makemigrations --check --dry-run

test-sqlite: setup
	$(BIN)/pytest -n 2 -m "not browser" -q

test-postgres: setup
	bash scripts/require-postgres.sh "$(PG_URL)"
	CASEWORK_DATABASE_URL="$(PG_URL)" $(BIN)/pytest -n 2 -m "not browser" -q

test-browser: setup chromium
	$(BIN)/pytest -m browser -q -p no:xdist

chromium:
	bash scripts/require-chromium.sh

openapi: setup
	$(PY) manage.py export_openapi > docs/api/openapi.json

serve: setup
	$(BIN)/casework serve

clean:
	rm -rf $(VENV) node_modules static-collected test-artifacts
