# Liên Thông – the two commands: `make run` and `make test` (and `make lint`, which CI runs first). Everything else
# is a step of those.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
APT_PACKAGES := chromium fonts-liberation2 poppler-utils gettext softhsm2 tesseract-ocr tesseract-ocr-vie

.PHONY: install system-packages venv dev-venv assets messages static run test lint migrate demo check clean bench

install: system-packages venv assets messages

# Debian packages the project needs at run and test time (browser tests, fonts for PDFs, msgfmt).
system-packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Please install with apt:$$missing (sudo apt-get install$$missing)"; exit 1; fi; \
	fi

# The virtual environment, built with uv from hash-pinned locks: requirements.lock holds what the application
# runs on (all `make run` installs), requirements-dev.lock the test and lint tools on top of it (`make test`,
# `make lint`), resolved against the first so both agree on every shared package. Regenerate after editing
# pyproject.toml (the existing pins are kept unless a change needs another):
#   python3 -m uv pip compile pyproject.toml --generate-hashes --python-version 3.12 -o requirements.lock
#   python3 -m uv pip compile --group dev -c requirements.lock --generate-hashes --python-version 3.12 -o requirements-dev.lock
# A sync makes the venv exactly its lock(s): after a production-lock change `make run` removes the tools, and the
# next `make test` puts them back (its stamp is older than the production one). Packages are compiled to bytecode
# once here: where PYTHONDONTWRITEBYTECODE is set, every process (each test worker, each process a concurrency
# test starts) would otherwise compile Django, pyHanko, WeasyPrint… again on import.
$(BIN)/.installed: requirements.lock .python-version
	@$(PY) -c 'import sys; assert sys.version_info[:2] == (3, 12), "Python 3.12 is required (see .python-version)"'
	@$(PY) -m uv --version >/dev/null 2>&1 || $(PY) -m pip install -q uv
	@test -x $(BIN)/python || $(PY) -m uv venv -q --python $$($(PY) -c 'import sys; print(sys.executable)') $(VENV)
	$(PY) -m uv pip sync -q --compile-bytecode --python $(BIN)/python --require-hashes requirements.lock
	@touch $@

$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.lock
	$(PY) -m uv pip sync -q --compile-bytecode --python $(BIN)/python --require-hashes requirements.lock requirements-dev.lock
	@touch $@

venv: $(BIN)/.installed

dev-venv: $(BIN)/.installed-dev

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $@

assets: node_modules/.installed

messages: venv
	@$(BIN)/python manage.py compilemessages -v 0 --ignore=.venv --ignore=node_modules

migrate: install
	$(BIN)/python manage.py migrate --no-input -v 0

demo: migrate
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py make_demo_pki

# Static files gathered into var/static, where WhiteNoise serves them (the demo runs with DEBUG off;
# LIENTHONG_DEBUG=1 make run shows Django's debug pages).
static: venv assets
	$(BIN)/python manage.py collectstatic --no-input -v 0

# The web server and, in the background, one django-q worker (report builds, reminders, usage statistics);
# the worker stops when runserver exits (Ctrl-C reaches both; the trap covers any other exit).
run: demo static
	@$(BIN)/python manage.py demo_logins
	@$(BIN)/python manage.py qcluster & QPID=$$!; \
	trap 'kill $$QPID 2>/dev/null; wait $$QPID 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The suite in parallel (pytest-xdist, one worker per core); tests that start processes or a browser, and the
# ones that build the whole demo province, share an xdist_group each (see lienthong/conftest.py), so
# they run one after another on one worker while the other workers take the rest. PYTEST_ARGS adds options, e.g.
# `make test PYTEST_ARGS="-n 0 lienthong/signing"` for one app without workers.
# On PostgreSQL (DATABASE_URL set) the `layout` walks (390 px overflow on every page, the guide's pictures) are
# left out: they check CSS and templates, which the SQLite pass already covers; so are the `instances` runs
# (several real instances, each migrating its own database: minutes), whose PostgreSQL form is
# `bench/exchange.py --fault` (docs/decisions.md). --durations lists the slowest tests.
PYTEST_WORKERS ?= auto
PYTEST_DB_ARGS = $(if $(DATABASE_URL),-m "not layout and not instances",)
test: install dev-venv bytecode
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup --durations=15 $(PYTEST_DB_ARGS) $(PYTEST_ARGS)

# The project's own modules compiled once before the test processes start (see the venv note above).
.PHONY: bytecode
bytecode:
	@$(BIN)/python -m compileall -q -j 0 lienthong bench manage.py

# The user guide's pictures (docs/huong-dan/anh): retaken by the browser test that walks every role's pages.
.PHONY: guide-images
guide-images: dev-venv
	LIENTHONG_GUIDE_IMAGES=$(CURDIR)/docs/huong-dan/anh $(BIN)/python -m pytest -n 0 -p no:cacheprovider \
		lienthong/browser_tests/test_phone.py

# Style and import rules (ruff), the layer contracts (import-linter) and types of services and selectors (mypy),
# all configured in pyproject.toml. All three run; the target fails if any of them found something.
lint: dev-venv
	@status=0; \
	echo "== ruff"; $(BIN)/ruff check || status=1; \
	echo "== import-linter"; $(BIN)/lint-imports --no-logo --cache-dir var/cache/import-linter || status=1; \
	echo "== mypy"; $(BIN)/mypy || status=1; \
	exit $$status

check: install
	$(BIN)/python manage.py check
	LIENTHONG_MODE=production DJANGO_SECRET_KEY=check-only-$$(head -c 32 /dev/urandom | base64 | tr -dc a-zA-Z0-9) \
	  LIENTHONG_AUDIT_KEY=check-only-$$(head -c 32 /dev/urandom | base64 | tr -dc a-zA-Z0-9) \
	  DJANGO_ALLOWED_HOSTS=example.gov.vn $(BIN)/python manage.py check --deploy --fail-level WARNING

bench: install
	$(BIN)/python bench/documents.py $(BENCH_ARGS)

# The document flow at a million documents (fan-out to 100 agencies, work queues, the reminder job).
.PHONY: bench-flow
bench-flow: install
	$(BIN)/python bench/flow.py $(BENCH_ARGS)

# Usage oversight and ranking (issue 5): statistics refresh at 1 000 agencies / 1 000 000 documents, dashboard, scoring, report.
.PHONY: bench-oversight
bench-oversight: install
	$(BIN)/python bench/oversight.py $(BENCH_ARGS)

# Signing (issue 4): two visible PAdES signatures and their verification, side by side with bare pyHanko.
.PHONY: bench-signing
bench-signing: install
	$(BIN)/python bench/signing.py $(BENCH_ARGS)

# The production stack on this machine (deploy/prod.sh, docs/operations.md "Production stack"): PostgreSQL
# (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/lienthong_prod, created if missing), the production lock
# only (var/prod/venv), two gunicorn servers (127.0.0.1:8401, :8402), one django-q2 cluster and Caddy on
# https://localhost:8443 with its local CA; everything under var/prod/. `make prod DEMO=1` loads the demo province.
# `make prod-smoke` starts it, checks it through Caddy over HTTPS and stops it (CI runs it).
.PHONY: prod prod-stop prod-smoke prod-packages
prod: assets prod-packages
	@DEMO=$(DEMO) deploy/prod.sh start

# Caddy from Debian (and curl, which waits for it): installed like the other system packages.
prod-packages:
	@$(MAKE) --no-print-directory system-packages APT_PACKAGES="caddy curl"

prod-stop:
	@deploy/prod.sh stop

prod-smoke: assets prod-packages
	$(PY) deploy/smoke.py

# Bulk import of documents from another system (issue 14): documents per second with and without files.
.PHONY: bench-imports bench-million bench-load
bench-imports: install
	$(BIN)/python bench/imports.py $(BENCH_ARGS)

# A working province of N documents (bench/million.py --count N) and the Locust load test against a running stack
# (bench/load.py --host https://localhost:8443 --ca-cert …): docs/benchmarks.md "Load test".
bench-million: install
	$(BIN)/python bench/million.py $(BENCH_ARGS)

bench-load: dev-venv
	$(BIN)/python bench/load.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules var/test-*.sqlite3* var/cache
