# OncoGuide: `make run` serves the app, `make test` runs the tests, `make bench` the benchmarks.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test bench lint install install-test ingest clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## run: install, migrate the database, build the index from the shipped corpus (once), serve on http://$(HOST):$(PORT)
run: install
	$(BIN)/oncoguide db upgrade
	$(BIN)/oncoguide serve --host $(HOST) --port $(PORT)

## ingest: (re)build the index from the shipped corpus
ingest: install
	$(BIN)/oncoguide ingest

## test: install test extras (and Chromium + axe-core for the browser tests, when possible), run the tests
test: install-test
	./scripts/install_browser.sh
	$(BIN)/python -m pytest

## lint: ruff and mypy
lint: install-test
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/mypy

## bench: run the benchmarks (table printed, JSON in bench/results/)
bench: install-test
	$(BIN)/python -m bench.run

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
