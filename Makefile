# The front door. `make help` lists the targets.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# `make run` writes a development .env (DEBUG=1, its own SECRET_KEY) that the settings read, so
# every manage.py command works in this checkout; a server has no .env and sets its environment
# (README "Production set-up"). The checks and tools below run in debug whether or not it exists.
check test typecheck messages bench: export DEBUG ?= 1

.DEFAULT_GOAL := help
.PHONY: help install install-dev browser ocr run test lint typecheck check messages bench backup clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt -c constraints.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

install: $(VENV)/.installed ## Create the virtual environment and install the portal

install-dev: $(VENV)/.installed-dev ## Install what the tests need on top

browser: ## Install Debian's Chromium for the browser tests when it is missing
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

ocr: ## Install Debian's Tesseract with its Vietnamese model (reads scans and photos) when missing
	@if ! tesseract --list-langs 2>/dev/null | grep -qx vie; then \
		echo "Installing Debian's tesseract-ocr and tesseract-ocr-vie"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq tesseract-ocr tesseract-ocr-vie >/dev/null; \
	fi

.env: | $(VENV)/.installed
	@$(BIN)/python -c 'from sonmai.lib.env import write_development_env; write_development_env()'
	@echo "Wrote .env: development settings of this checkout (DEBUG=1, a new SECRET_KEY)."

run: install ocr .env ## Set up and start the portal (web, Celery worker, beat) on http://127.0.0.1:8000
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py load_demo_commune
	$(BIN)/python manage.py create_demo_certificate --if-missing
	@echo ""
	@echo "  Cổng theo dõi nhiệm vụ xã Sơn Mai: http://127.0.0.1:8000  (Ctrl+C để dừng)"
	@echo ""
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho start -f Procfile

lint: install-dev ## ruff lint and format check, and the import layers (.importlinter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install-dev ## mypy with django-stubs (strict on services, access and figures)
	$(BIN)/mypy

check: install-dev ## Django system checks and migrations in sync with models
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

test: install-dev browser ocr lint typecheck check ## Install what the tests need and run them all
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install-dev ## Run the benchmarks (bench/bench_*.py); figures go to bench/results.json
	$(BIN)/python -m bench $(BENCH_ARGS)

backup: install ## Back up the database, uploaded files and signing key to var/backups/ (README "Backup and restore")
	$(BIN)/python manage.py backup

messages: install-dev ## Refresh the translation catalogues and compile them
	$(BIN)/python manage.py makemessages -l en --ignore '.venv/*' --ignore 'var/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

clean: ## Remove the virtual environment and runtime data (database, broker, media)
	rm -rf $(VENV) var
