# Coalition — `make run` serves the demo, `make test` runs the whole suite. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
export FLASK_APP := wsgi

.PHONY: run test test-tz lint install install-dev browser migrate seed backup bench bench-reports bench-load clean help

help:
	@echo "make run     serve the demo coalition on http://$(HOST):$(PORT) (PORT=... to change)"
	@echo "make test    run the whole test suite (SQLite; PostgreSQL too when COALITION_TEST_DATABASE_URL is set)"
	@echo "make test-tz the suite without the browser under a far time zone (Pacific/Kiritimati)"
	@echo "make lint    ruff check"
	@echo "make backup  write a consistent database backup under instance/backups"
	@echo "make bench   query-count and page-time benchmark at large data"
	@echo "make bench-reports  report rendering time at large data (pages, context, layout)"
	@echo "make bench-load     throughput under gunicorn and wrk, SQLite and PostgreSQL (bench/RESULTS.md)"

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

browser:
	@scripts/install-browser.sh

migrate: install
	COALITION_DEMO=$${COALITION_DEMO:-1} $(BIN)/flask db upgrade
	COALITION_DEMO=$${COALITION_DEMO:-1} $(BIN)/flask seed-vocab

run: migrate
	@COALITION_DEMO=1 $(BIN)/flask seed-demo --if-empty
	@echo ""
	@echo "  Coalition (demo) is serving at http://$(HOST):$(PORT)/"
	@echo "  Demo logins, password coalition-demo:"
	@echo "    coordinator@example.org   leader@example.org   member@example.org"
	@echo ""
	COALITION_DEMO=1 $(BIN)/flask run --host $(HOST) --port $(PORT)

test: install-dev browser
	$(BIN)/pytest -q -p no:cacheprovider

test-tz: install-dev
	TZ=Pacific/Kiritimati $(BIN)/pytest -q -p no:cacheprovider -m "not browser"

lint: install-dev
	$(BIN)/ruff check .

backup: install
	COALITION_DEMO=$${COALITION_DEMO:-1} $(BIN)/flask backup

bench: install-dev
	$(BIN)/python bench/pages.py

bench-reports: install-dev
	$(BIN)/python bench/reports.py

bench-load: install-dev
	@scripts/install-wrk.sh
	$(BIN)/python bench/throughput.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
