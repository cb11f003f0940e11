PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Python caches compiled modules, and pytest its rewritten test modules, in __pycache__ (ignored by git). Containers
# often switch that off with PYTHONDONTWRITEBYTECODE; every test process and every command a test starts would then
# compile the whole package again, which made the unit tier about 3 s slower on two cores.
unexport PYTHONDONTWRITEBYTECODE

# Tests run on every core, each file's tests in one process (several share module-scoped workspaces).
PARALLEL := -n auto --dist loadfile

.PHONY: demo test test-unit lint bench clean

# setuptools reports every editable install with a note about same-named folders in the working directory (a warning
# that asks nothing of us); the filter keeps it out of the set-up's output, and real warnings still show.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	PYTHONWARNINGS='ignore:Editable installation' $(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Import and grade examples/leads.csv, then run a whole campaign against local servers (see README).
demo: $(STAMP)
	$(BIN)/aicmo demo

## Lint, type-check and run the whole test suite: tests/unit, tests/integration (real SQLite, PostgreSQL when the
## server is reachable, SMTP, IMAP, HTTP) and tests/e2e (installed command, server, browser). System packages the
## tests start for real (Dovecot for IMAP, Chromium) are installed first when missing.
test: $(STAMP)
	$(BIN)/ruff check aicmo tests bench examples
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo --no-cache
	$(BIN)/python -m tests.support.system_packages dovecot-imapd chromium
	$(BIN)/pytest $(PARALLEL)

## The unit tier alone: rules and pure code, no database, network or subprocess.
test-unit: $(STAMP)
	$(BIN)/pytest tests/unit $(PARALLEL) -p no:schemathesis

lint: $(STAMP)
	$(BIN)/ruff check aicmo tests bench examples
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo --no-cache

bench: $(STAMP)
	$(BIN)/python bench/import_grade.py
	$(BIN)/python bench/dispatch.py
	$(BIN)/python bench/experiments.py

clean:
	rm -rf $(VENV) aicmo.db *.egg-info
