PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Import and grade examples/leads.csv, then run a whole campaign against local servers (see README).
demo: $(STAMP)
	$(BIN)/aicmo demo

## Lint, type-check and run the whole test suite (PostgreSQL tests run when the server is reachable).
## System packages the tests start for real (Dovecot for IMAP) are installed first when missing.
test: $(STAMP)
	$(BIN)/ruff check aicmo tests bench examples
	$(BIN)/mypy
	$(BIN)/python -m tests.support.system_packages dovecot-imapd
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check aicmo tests bench examples
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/import_grade.py
	$(BIN)/python bench/dispatch.py

clean:
	rm -rf $(VENV) aicmo.db *.egg-info
