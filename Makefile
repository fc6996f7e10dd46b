# Essaim — every task a developer or CI needs. `make run` and `make test` work on a fresh machine
# with Python 3.11+ and make: the virtual environment, uv and the locked dependencies are installed here.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON := $(BIN)/python
# PostgreSQL used by `make test` when reachable (CI provides it): the suite then runs on both databases.
ESSAIM_PG_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_WORKERS ?= 2
CHROMIUM ?= /usr/bin/chromium

.PHONY: venv run serve migrate load quality fix pre-commit test test-sqlite test-browser test-postgres fuzz browser-deps screenshots bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(UV): | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv

venv: $(UV)  ## Create the virtual environment and install the locked dependencies
	$(UV) sync --frozen --quiet

migrate: venv
	$(BIN)/essaim migrate --no-input

load: migrate  ## Reference territories then demo content (both idempotent)
	$(BIN)/essaim load_territories
	$(BIN)/essaim indicators load-reference
	$(BIN)/essaim load_demo

# The web server and, beside it, one worker for the background jobs (essaim/jobs): both stop together.
define SERVE_WITH_WORKER
	@$(BIN)/essaim jobs worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/essaim runserver 127.0.0.1:8000
endef

run: load  ## Set everything up and serve the demo on http://127.0.0.1:8000 (with a job worker)
	$(SERVE_WITH_WORKER)

serve: venv  ## Serve without reloading data (with a job worker)
	$(SERVE_WITH_WORKER)

quality: venv  ## Lint, format check, template lint, types, layering contracts, migrations check
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/djlint essaim/templates --lint
	$(BIN)/pre-commit validate-config .pre-commit-config.yaml
	$(BIN)/mypy
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/essaim makemigrations --check --dry-run

fix: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

pre-commit: venv  ## Install the git hook that runs the checks before each commit (ruff, djlint, mypy, import-linter, migrations)
	$(BIN)/pre-commit install

SOFFICE ?= /usr/bin/soffice

browser-deps:  ## System packages: Chromium and its French locale for the browser tests (never a browser download), Pango for WeasyPrint PDFs, LibreOffice Calc to recalculate the exported workbooks
	@missing=""; \
	[ -x "$(SOFFICE)" ] || missing="$$missing libreoffice-calc"; \
	[ -x "$(CHROMIUM)" ] || missing="$$missing chromium fonts-dejavu-core"; \
	[ -f /usr/lib/chromium/locales/fr.pak ] || missing="$$missing chromium-l10n"; \
	ldconfig -p | grep -q libpangoft2-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	ldconfig -p | grep -q libharfbuzz-subset || missing="$$missing libharfbuzz-subset0"; \
	if [ -n "$$missing" ]; then \
	  echo "Installation des paquets de la distribution :$$missing"; \
	  if [ "$$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# The passes run side by side (docs/decisions/0013): the PostgreSQL pass and the browser tests write to
# var/test-postgres.log and var/test-browser.log, shown once the SQLite pass is over;
# `make test PASSES_SIDE_BY_SIDE=0` runs them one after the other.
PASSES_SIDE_BY_SIDE ?= 1

test: quality browser-deps  ## The whole suite on SQLite, its database tests on PostgreSQL (when reachable) and the browser tests, side by side (docs/decisions/0011, 0013)
	@if [ "$(PASSES_SIDE_BY_SIDE)" = "1" ]; then \
	  mkdir -p var; \
	  $(MAKE) --no-print-directory test-postgres > var/test-postgres.log 2>&1 & postgres=$$!; \
	  $(MAKE) --no-print-directory test-browser > var/test-browser.log 2>&1 & browser=$$!; \
	  $(MAKE) --no-print-directory test-sqlite; sqlite=$$?; \
	  wait $$browser; web=$$?; \
	  wait $$postgres; pg=$$?; \
	  cat var/test-browser.log var/test-postgres.log; \
	  ok() { [ $$1 = 0 ] && echo réussie || echo ÉCHEC; }; \
	  echo "== SQLite : $$(ok $$sqlite) ; navigateur : $$(ok $$web) ; PostgreSQL : $$(ok $$pg)"; \
	  [ $$sqlite = 0 ] && [ $$web = 0 ] && [ $$pg = 0 ]; \
	else \
	  $(MAKE) --no-print-directory test-sqlite && $(MAKE) --no-print-directory test-browser \
	    && $(MAKE) --no-print-directory test-postgres; \
	fi

# The property tests and fuzzers draw the same examples at every `make test` (profile « ci »);
# `make fuzz` draws new ones, with more examples.
test-sqlite: venv
	@echo "== Suite complète sur SQLite, hors navigateur"
	ESSAIM_HYPOTHESIS_PROFILE=ci $(BIN)/pytest -n $(PYTEST_WORKERS) -m "not browser"

# The browser tests mostly wait (Chromium, the live server): in their own process, beside the other passes,
# their waiting leaves the cores to them. On SQLite, once (decision 0011).
test-browser: venv browser-deps
	@echo "== Tests navigateur (Chromium), sur SQLite"
	ESSAIM_HYPOTHESIS_PROFILE=ci $(BIN)/pytest -n 0 -m browser tests/browser

test-postgres: venv
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(ESSAIM_PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
	  echo "== Tests qui touchent la base, sur PostgreSQL ($(ESSAIM_PG_URL)), hors navigateur (décision 0011)"; \
	  ESSAIM_HYPOTHESIS_PROFILE=ci DATABASE_URL=$(ESSAIM_PG_URL) ESSAIM_DB_TESTS_ONLY=1 $(BIN)/pytest -n $(PYTEST_WORKERS) -m "not browser"; \
	else \
	  echo "== PostgreSQL injoignable ($(ESSAIM_PG_URL)) : suite PostgreSQL non lancée"; \
	fi

fuzz: venv  ## Hostile input and property tests with new random examples at each run (200 per test where not set)
	ESSAIM_HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest -n $(PYTEST_WORKERS) -m "not browser" tests/security tests/financing_engine

screenshots: venv browser-deps  ## Regenerate docs/screenshots/ from the browser tests
	ESSAIM_SCREENSHOTS_DIR=docs/screenshots $(BIN)/pytest -m browser -p no:randomly

bench: venv  ## Benchmarks (figures go to docs/performance.md)
	for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script; done

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
