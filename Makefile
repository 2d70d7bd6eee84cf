# Two commands on a fresh machine (Python 3.11 + make):
#   make run    set up .venv from the pinned lock file, then run the main job (default config)
#   make test   same set-up, then the test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint setup lock bench bench-peers clean
.DEFAULT_GOAL := run

$(STAMP): requirements.lock pyproject.toml
	@test -x "$(BIN)/python" || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

setup: $(STAMP)

run: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" snakemake
	PATH="$(CURDIR)/$(BIN):$$PATH" snakemake --report results/report.html
	@echo "Done: figures in results/figures/, tables in results/tables/, report: results/report.html"

test: lint
	PATH="$(CURDIR)/$(BIN):$$PATH" python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/snakefmt --check .

bench: $(STAMP)
	$(BIN)/python bench/throughput.py
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python bench/pipeline.py
	@if [ -d bench/peers/.venvs ]; then $(BIN)/python bench/peers/peers.py; \
	 else echo "bench: peers skipped (make bench-peers creates their environments)"; fi

bench-peers: $(STAMP)
	bash bench/peers/setup.sh

lock: $(STAMP)
	( echo "# Exact versions of every package in the environment (pip freeze); \`make\` installs from this file."; \
	  echo "# Regenerate: make lock"; $(BIN)/python -m pip freeze --exclude-editable | grep -v '^synfire'; echo "setuptools==$$($(BIN)/python -c 'import setuptools; print(setuptools.__version__)')" ) > requirements.lock.new
	mv requirements.lock.new requirements.lock

clean:
	rm -rf $(VENV) .snakemake
