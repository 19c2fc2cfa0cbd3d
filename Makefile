# Stockroom: `make run` serves the product on the embedded profile; `make test` runs every check.
SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
TEST_ENV := DJANGO_SETTINGS_MODULE=config.settings.test
PYTEST_WORKERS ?= 2

.PHONY: run test install services lint migrations-check pytest bench bench-shopify simulator worker beat clean

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python python3.11 || $(UV) sync --frozen
	touch $@

install: $(VENV)/.installed

run: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py bootstrap_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

services:
	@scripts/ensure_services.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(TEST_ENV) $(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports

migrations-check: install services
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

pytest: install services
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadfile --create-db

test: install services lint migrations-check pytest

bench: install services
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y wrk; } \
		|| { echo "make bench needs wrk: apt-get install wrk"; exit 1; }
	$(PY) bench/run.py

bench-shopify: install services
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y wrk; } \
		|| { echo "make bench-shopify needs wrk: apt-get install wrk"; exit 1; }
	$(PY) bench/shopify.py

simulator: install
	$(PY) manage.py shopify_simulator --port 8765

worker: install
	$(VENV)/bin/celery -A config worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A config beat --loglevel=INFO

clean:
	rm -rf $(VENV) .tools var .pytest_cache .mypy_cache .ruff_cache
