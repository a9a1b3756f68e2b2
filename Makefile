# DSPT Portal: `make run` to try it, `make test` to test it. Needs python3 (3.11+).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CATALOGUE := assessments/catalogues/dspt-2025-26-v8.yaml
HOST ?= 127.0.0.1
PORT ?= 8000
# The web app and the worker read PORT: links in emails point at the port served.
export PORT

.PHONY: run test lint bench install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	@if [ -f $(CATALOGUE) ] && $(BIN)/python manage.py help import_dspt >/dev/null 2>&1; then \
		$(BIN)/python manage.py import_dspt $(CATALOGUE); fi
	$(BIN)/python manage.py seed_demo
	@echo
	@echo "  DSPT Portal is starting at http://$(HOST):$(PORT)/"
	@echo "  Sign in with any demo login above; the password is $${DEMO_PASSWORD:-dspt-demo-2026}."
	@echo "  Consultant and platform logins are asked to set up two-step sign-in first."
	@echo "  Press Ctrl+C to stop the web app and the Celery worker."
	@echo
	@$(BIN)/celery -A dspt_portal worker --beat --loglevel=warning --concurrency=1 \
		--schedule=var/celerybeat-schedule & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The suite runs on every core (pytest-xdist, one worker per CPU, each test file on one
# worker so module fixtures are built once): `make test TEST_WORKERS=0` runs it in one process.
TEST_WORKERS ?= auto

test: $(VENV)/.installed-test
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

bench: $(VENV)/.installed-test
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var
