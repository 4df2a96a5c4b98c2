# One entry point for people and CI. Every target sets up what it needs.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
JOBS   ?=

.PHONY: help setup setup-test browser check book pdf test lint test-fast bench serve clean coverage add-paper diff

help: ## List the targets
	@echo "Long Context in LLMs: an executable review"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | awk -F'\t' '{printf "  make %-11s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt constraints.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@
	@echo "setup: $(VENV) ready"

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt -c constraints.txt
	@touch $@

setup: $(VENV)/.installed ## Create .venv and install the pinned requirements (idempotent)

setup-test: $(VENV)/.installed-test browser ## Also install test packages and the browser

browser: ## Install Debian's chromium for the browser tests when it is missing
	@bash .ci/install-browser

check: setup ## Validate data/ and references.bib (reads only)
	@$(PY) -m lcreview check

coverage: setup ## Every paper and abstract number of a listing accounted for: make coverage LISTING=FILE [RECORD=1]
	@test -n "$$LISTING" || { echo "coverage: name the listing: make coverage LISTING=FILE"; exit 2; }
	@$(PY) -m lcreview coverage "$$LISTING" $(if $(RECORD),--record)

add-paper: setup ## Rows to fill for one listed paper: make add-paper LISTING=FILE TITLE="..."
	@test -n "$$LISTING" -a -n "$$TITLE" || { echo "add-paper: make add-paper LISTING=FILE TITLE='title as listed'"; exit 2; }
	@$(PY) -m lcreview add "$$LISTING" --title "$$TITLE"

diff: setup ## Markdown report of the data changes against a revision: make diff BASE=origin/main
	@$(PY) -m lcreview diff "$${BASE:-origin/main}"

book: setup ## Validate, execute changed notebooks, build the site into _build/html
	@$(PY) -m lcreview build $(if $(JOBS),--jobs $(JOBS))

pdf: $(VENV)/.installed-test browser book ## Also print the whole book to one PDF, published with the site
	@$(PY) -m lcreview.pdf
	@$(PY) -m lcreview build $(if $(JOBS),--jobs $(JOBS))

test: setup-test lint ## Run the whole test suite (lint, notebooks, build, browser, bad inputs) on two workers
	@$(PY) -m pytest -n $(or $(WORKERS),2) --dist loadfile --no-loadscope-reorder

lint: $(VENV)/.installed-test ## ruff check and ruff format --check (configured in pyproject.toml)
	@$(VENV)/bin/ruff check --quiet .
	@$(VENV)/bin/ruff format --check --quiet .

test-fast: $(VENV)/.installed-test ## Quick tier, in seconds: validation, derivations, KV cache, CI files
	@$(PY) -m pytest -m fast -q

bench: setup ## Time clean, no-op and one-change builds; SCALE="3 10" also on the corpus replicated 3 and 10 times
	@$(PY) -m lcreview.bench $(if $(SCALE),--scale $(SCALE))

serve: ## Serve the built site on http://127.0.0.1:8000
	@test -f _build/html/index.html || { echo "serve: no site yet; run make book first"; exit 1; }
	@echo "serving _build/html on http://127.0.0.1:8000 (Ctrl-C stops)"
	@$(PYTHON) -m http.server --directory _build/html --bind 127.0.0.1 8000

clean: ## Remove everything the build generated (keeps .venv)
	rm -rf _build _generated .pytest_cache
