# Liên Thông – the two commands: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
APT_PACKAGES := chromium fonts-liberation2 poppler-utils gettext softhsm2

.PHONY: install system-packages venv assets messages static run test migrate demo check clean bench

install: system-packages venv assets messages

# Debian packages the project needs at run and test time (browser tests, fonts for PDFs, msgfmt).
system-packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Please install with apt:$$missing (sudo apt-get install$$missing)"; exit 1; fi; \
	fi

# The virtual environment, built from the hash-pinned lock (requirements.lock) with uv.
$(BIN)/.installed: requirements.lock .python-version
	@$(PY) -c 'import sys; assert sys.version_info[:2] == (3, 12), "Python 3.12 is required (see .python-version)"'
	@$(PY) -m uv --version >/dev/null 2>&1 || $(PY) -m pip install -q uv
	@test -x $(BIN)/python || $(PY) -m uv venv -q --python $$($(PY) -c 'import sys; print(sys.executable)') $(VENV)
	$(PY) -m uv pip sync -q --python $(BIN)/python --require-hashes requirements.lock
	@touch $@

venv: $(BIN)/.installed

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

test: install
	$(BIN)/python -m pytest

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

clean:
	rm -rf $(VENV) node_modules var/test-*.sqlite3
