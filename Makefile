# Casework: the two commands are `make demo` and `make test`; both call `make setup`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
export CASEWORK_PORT ?= 8000

# The PostgreSQL pass gets a database of its own per run (pytest-django creates
# test_<name>_gw<N> from it and drops them at the end), so two runs on one server, or a
# database left by an interrupted run, never meet.
PG_SERVER ?= postgres://postgres@127.0.0.1:5432
PG_RUN_ID := $(shell echo $$$$)
PG_URL ?= $(PG_SERVER)/casework_make_$(PG_RUN_ID)

# Fewest passing tests each pass must report: a collection that silently shrank fails.
MIN_PASSED ?= 300
MIN_BROWSER_PASSED ?= 10

# Environment for the test passes: tasks run inline; nothing from the caller's shell
# (a developer's CASEWORK_DATABASE_URL, a production profile) leaks into the suite.
TEST_ENV := env -u CASEWORK_PROFILE -u CASEWORK_SECRET_KEY -u CASEWORK_DEBUG \
	CASEWORK_TASK_BACKEND=immediate CASEWORK_VAR_DIR=$(CURDIR)/var/test
SQLITE_ENV := $(TEST_ENV) CASEWORK_DATABASE_URL=sqlite:///$(CURDIR)/var/test/casework.sqlite3
PG_ENV := $(TEST_ENV) CASEWORK_DATABASE_URL=$(PG_URL) CASEWORK_DB_POOL=false

.PHONY: help setup demo test test-start lint typecheck migrations-check test-sqlite test-postgres \
        test-browser chromium bench bench-setup serve clean openapi

help:
	@echo "make demo   - set up, migrate, load demo data and serve on http://127.0.0.1:$(CASEWORK_PORT)"
	@echo "make test   - set up, then lint, types, migrations check, SQLite, PostgreSQL and browser tests"
	@echo "make setup  - only install (.venv from requirements/lock.txt, npm ci); quick when unchanged"
	@echo "make bench  - run the benchmark scripts in benchmarks/"

setup: $(VENV)/.stamp-python node_modules/.stamp-npm var

var:
	mkdir -p var

$(VENV)/.stamp-python: requirements/lock.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Casework needs Python 3.11 or newer (PYTHON=$(PYTHON)).")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements/lock.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

node_modules/.stamp-npm: package-lock.json package.json
	@command -v npm >/dev/null || { echo "Casework needs Node.js and npm for its front-end packages." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

demo: setup
	$(BIN)/casework migrate --no-input
	$(BIN)/casework seed-demo --if-empty
	$(BIN)/casework serve --demo

test: test-start setup lint typecheck migrations-check test-sqlite test-postgres test-browser
	@echo "==> make test: all passes green"
	@cat test-artifacts/pytest-summary.txt 2>/dev/null || true

test-start:
	@rm -f test-artifacts/pytest-summary.txt

# All three checks run, so one run reports every kind of lint failure.
lint: setup
	@echo "==> lint: ruff check, ruff format --check, import-linter"
	@status=0; \
	$(BIN)/ruff check . || status=1; \
	$(BIN)/ruff format --check . || status=1; \
	$(BIN)/lint-imports --no-cache || status=1; \
	exit $$status

typecheck: setup
	@echo "==> types: mypy"
	$(BIN)/mypy casework

migrations-check: setup
	@echo "==> migrations: makemigrations --check"
	$(SQLITE_ENV) $(PY) manage.py makemigrations --check --dry-run

test-sqlite: setup
	@mkdir -p var/test
	$(SQLITE_ENV) bash scripts/pytest.sh sqlite $(MIN_PASSED) -- -n 2 -m "not browser" -q --durations=10

test-postgres: setup
	@mkdir -p var/test
	@status=0; bash scripts/require-postgres.sh "$(PG_SERVER)/postgres" || status=$$?; \
	if [ $$status -eq 3 ]; then \
		mkdir -p test-artifacts; \
		echo "pytest postgres: SKIPPED, PostgreSQL unavailable [skipped]" | tee -a test-artifacts/pytest-summary.txt; \
	elif [ $$status -ne 0 ]; then exit $$status; \
	else \
		$(PG_ENV) bash scripts/pytest.sh postgres $(MIN_PASSED) -- -n 2 -m "not browser" -q --durations=10; \
	fi

test-browser: setup
	@mkdir -p var/test
	@status=0; bash scripts/require-chromium.sh || status=$$?; \
	if [ $$status -eq 3 ]; then \
		mkdir -p test-artifacts; \
		echo "pytest browser: SKIPPED, Chromium unavailable [skipped]" | tee -a test-artifacts/pytest-summary.txt; \
	elif [ $$status -ne 0 ]; then exit $$status; \
	else \
		$(TEST_ENV) bash scripts/pytest.sh browser $(MIN_BROWSER_PASSED) --no-skips -- \
			-p no:xdist -m browser -q tests/browser; \
	fi

chromium:
	bash scripts/require-chromium.sh

bench: setup bench-setup
	bash scripts/bench.sh

# Benchmark-only packages (splink for the linkage comparison), from their own lock file.
bench-setup: setup
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements/bench-lock.txt

openapi: setup
	$(PY) manage.py export_openapi > docs/api/openapi.json

serve: setup
	$(BIN)/casework serve

clean:
	rm -rf $(VENV) node_modules static-collected test-artifacts var/test
