# Two commands for a fresh machine: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install install-test native migrate demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements-test.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@ $(VENV)/.installed

# The crash parser compiled with mypyc (about 20 s; see ci_results/parsing/native.py). It is
# used only while it matches the sources; KBD_PURE_PARSER=1 skips it.
NATIVE := ci_results/parsing/_native/__init__.py
PARSER_SOURCES := $(shell find ci_results/parsing/crash -name '*.py') \
	ci_results/parsing/types.py ci_results/parsing/native.py

$(NATIVE): $(PARSER_SOURCES) $(VENV)/.installed
	$(BIN)/python -m ci_results.parsing.native

native: $(NATIVE)

install: $(VENV)/.installed native

install-test: $(VENV)/.test-installed native

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

# Sets everything up and serves the dashboard with the demo data on http://127.0.0.1:8000;
# links in mails and status reports point at the same HOST:PORT unless SITE_URL is set.
run: demo
	SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}" $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Runs the whole test suite (PostgreSQL/Redis when DATABASE_URL/CELERY_BROKER_URL are set).
test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) staticfiles test-output .pytest_cache ci_results/parsing/_native
