#!/usr/bin/env bash
# The production stack on this machine: `make prod` (deploy/prod.sh start) and `make prod-stop` (deploy/prod.sh stop).
#
# start: PostgreSQL database (created when missing), a virtual environment with the production lock only
# (var/prod/venv), migrate (which also makes the cache table), collectstatic, then in the background two gunicorn
# application servers (deploy/gunicorn.conf.py) on 127.0.0.1:8401 and :8402, one django-q2 cluster and Caddy
# (deploy/Caddyfile) on https://localhost:8443 with its internal CA, balancing the two servers. Everything it
# writes is under var/prod/: secrets (made once, mode 600), data (media, static, audit checkpoints), log/, run/
# (pid files), caddy/ (Caddy's CA and certificates). DEMO=1 loads the demo province first.
# stop: ends the processes named in var/prod/run/*.pid (their process groups), gracefully, then for good.
#
# Environment (all optional): DATABASE_URL (postgres://postgres@127.0.0.1:5432/lienthong_prod),
# LIENTHONG_PROD_DIR (var/prod), LIENTHONG_PROD_WEB_PORTS ("8401 8402"), LIENTHONG_PROD_HTTPS_PORT (8443),
# LIENTHONG_PROD_HTTP_PORT (8480), LIENTHONG_PROD_CADDY_ADMIN (127.0.0.1:8419), LIENTHONG_CACHE_URL (none: the
# database cache), MAX_UPLOAD_MB and LIENTHONG_UPLOAD_MAX_FILES (the request-size limit follows them), DEMO.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PROD=${LIENTHONG_PROD_DIR:-$ROOT/var/prod}
WEB_PORTS=${LIENTHONG_PROD_WEB_PORTS:-8401 8402}
HTTPS_PORT=${LIENTHONG_PROD_HTTPS_PORT:-8443}
HTTP_PORT=${LIENTHONG_PROD_HTTP_PORT:-8480}
CADDY_ADMIN=${LIENTHONG_PROD_CADDY_ADMIN:-127.0.0.1:8419}
PY=${PY:-python3}
VENV=$PROD/venv
RUN=$PROD/run
LOG=$PROD/log
CA_ROOT=$PROD/caddy/data/caddy/pki/authorities/local/root.crt

say() { printf '%s\n' "$*"; }

# A pid file's process, if it is still the one we started (its command line names what we expect).
alive() {
  local pidfile=$1 pid
  [ -f "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qE 'gunicorn|qcluster|caddy'
}

# Whether a process this run just launched is still there. Not ``alive``: between the fork and the exec the child
# still shows the launching shell's command line, and a loaded machine can be caught in that instant.
running() {
  local pidfile=$1 pid
  [ -f "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -c1)" != Z ]
}

stop() {
  local pidfile pid any=0
  shopt -s nullglob
  for pidfile in "$RUN"/*.pid; do
    if alive "$pidfile"; then
      # The main process only: gunicorn's master stops its workers, the django-q2 cluster its own processes
      # (a signal to all of them at once leaves the cluster waiting for children that are gone).
      pid=$(cat "$pidfile"); any=1
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  # Requests in flight get gunicorn's graceful_timeout (30 s); then whatever is left is killed.
  for _ in $(seq 1 70); do
    local left=0
    for pidfile in "$RUN"/*.pid; do alive "$pidfile" && left=1; done
    [ $left = 0 ] && break
    sleep 0.5
  done
  for pidfile in "$RUN"/*.pid; do
    pid=$(cat "$pidfile")
    # Whatever is left of the process group (all of it when the main process did not stop in time).
    if alive "$pidfile" || pgrep -g "$pid" >/dev/null 2>&1; then kill -KILL -- "-$pid" 2>/dev/null || true; fi
    rm -f "$pidfile"
  done
  [ $any = 1 ] && say "Liên Thông production stack stopped." || true
}

# One secret, made once: a random value in a file only its owner reads.
secret() {
  local file=$PROD/secrets/$1 kind=$2
  [ -s "$file" ] && return 0
  (umask 077; mkdir -p "$PROD/secrets"
   "$PY" -c "import base64, os, secrets, sys
print(base64.urlsafe_b64encode(os.urandom(32)).decode() if sys.argv[1] == 'fernet' else secrets.token_urlsafe(48))" \
     "$kind" >"$file")
  chmod 600 "$file"
}

# Starts one background process in its own session (so a terminal's Ctrl-C or hang-up does not reach it) and
# records its pid (= its process group) in run/NAME.pid.
launch() {
  local name=$1; shift
  setsid "$@" >>"$LOG/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}

start() {
  stop >/dev/null
  mkdir -p "$RUN" "$LOG" "$PROD/data" "$PROD/caddy"
  command -v caddy >/dev/null || { say "Caddy is missing: sudo apt-get install caddy"; exit 1; }

  # The production lock only, in a virtual environment of its own (the development .venv is not touched).
  if [ ! -f "$VENV/.installed" ] || [ requirements.lock -nt "$VENV/.installed" ]; then
    say "Installing the production lock into $VENV"
    "$PY" -m uv --version >/dev/null 2>&1 || "$PY" -m pip install -q uv
    [ -x "$VENV/bin/python" ] || "$PY" -m uv venv -q --python "$("$PY" -c 'import sys; print(sys.executable)')" "$VENV"
    "$PY" -m uv pip sync -q --compile-bytecode --python "$VENV/bin/python" --require-hashes requirements.lock
    touch "$VENV/.installed"
  fi

  secret secret_key token; secret audit.key token; secret signing.key fernet
  export LIENTHONG_MODE=production
  export DJANGO_SECRET_KEY_FILE=$PROD/secrets/secret_key
  export LIENTHONG_AUDIT_KEY_FILE=$PROD/secrets/audit.key
  LIENTHONG_SIGNING_KEY=$(cat "$PROD/secrets/signing.key"); export LIENTHONG_SIGNING_KEY
  export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/lienthong_prod}
  export LIENTHONG_VAR_DIR=$PROD/data
  export MEDIA_ROOT=${MEDIA_ROOT:-$PROD/data/media}
  export DJANGO_ALLOWED_HOSTS=${DJANGO_ALLOWED_HOSTS:-localhost,127.0.0.1}
  export LIENTHONG_SITE_URL=${LIENTHONG_SITE_URL:-https://localhost:$HTTPS_PORT}
  export LIENTHONG_TRUSTED_PROXIES=${LIENTHONG_TRUSTED_PROXIES:-127.0.0.1,::1}
  # No mail server on this machine: mails go to the worker's log.
  export EMAIL_BACKEND=${EMAIL_BACKEND:-django.core.mail.backends.console.EmailBackend}
  local python=$VENV/bin/python

  # The database, created when missing (the role in DATABASE_URL needs CREATEDB for that).
  "$python" - <<'PYEOF'
import os
import dj_database_url
import psycopg
from psycopg import sql
db = dj_database_url.parse(os.environ["DATABASE_URL"])
if db["ENGINE"] != "django.db.backends.postgresql":
    raise SystemExit("make prod runs on PostgreSQL: DATABASE_URL must be postgres://…")
params = {"host": db["HOST"] or None, "port": db["PORT"] or None, "user": db["USER"] or None,
          "password": db["PASSWORD"] or None, "dbname": "postgres"}
with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
        print(f"Created database {db['NAME']}")
PYEOF

  [ -d node_modules/htmx.org ] || npm ci --no-audit --no-fund --silent
  "$python" manage.py compilemessages -v 0 --ignore=.venv --ignore=node_modules --ignore=var
  "$python" manage.py migrate --no-input -v 0
  "$python" manage.py collectstatic --no-input -v 0
  if [ "${DEMO:-0}" = 1 ]; then
    "$python" manage.py load_demo
    "$python" manage.py make_demo_pki
  fi

  # What the proxy needs from the settings: the body limit (one formula, settings.REQUEST_BODY_MAX_BYTES),
  # where the static files are, and the page its health checks ask for (/healthz when the application has
  # it, else the login page).
  local facts
  facts=$("$python" manage.py shell -v 0 -c '
from django.conf import settings
from django.urls import Resolver404, resolve, reverse
try:
    resolve("/healthz")
    health = "/healthz"
except Resolver404:
    health = reverse(settings.LOGIN_URL)
print(settings.REQUEST_BODY_MAX_BYTES, settings.STATIC_ROOT, health)')
  local body_max static_root health
  read -r body_max static_root health <<<"$facts"

  local upstreams="" port
  for port in $WEB_PORTS; do
    upstreams="$upstreams 127.0.0.1:$port"
    LIENTHONG_WEB_BIND=127.0.0.1:$port LIENTHONG_WEB_ACCESS_LOG=$LOG/web-$port.access.log \
    LIENTHONG_WEB_CONTROL_SOCKET=$RUN/web-$port.ctl PROMETHEUS_MULTIPROC_DIR=$RUN/metrics-$port \
      launch "web-$port" "$VENV/bin/gunicorn" -c deploy/gunicorn.conf.py lienthong.wsgi
  done
  launch worker "$python" manage.py qcluster
  # Caddy starts once every server answers its health page directly, so that its first health check passes
  # and it balances over all of them from the first request (60 s at most).
  for port in $WEB_PORTS; do
    for _ in $(seq 1 120); do
      curl -fsS -o /dev/null --max-time 2 -H "Host: localhost" -H "X-Forwarded-Proto: https" \
        "http://127.0.0.1:$port$health" 2>/dev/null && break
      running "$RUN/web-$port.pid" || { say "web-$port did not start; see $LOG/web-$port.log"; stop; exit 1; }
      sleep 0.5
    done
  done
  XDG_DATA_HOME=$PROD/caddy/data XDG_CONFIG_HOME=$PROD/caddy/config \
  LIENTHONG_CADDY_ADMIN=$CADDY_ADMIN LIENTHONG_HTTP_PORT=$HTTP_PORT LIENTHONG_HTTPS_PORT=$HTTPS_PORT \
  LIENTHONG_HOST=localhost LIENTHONG_BIND="127.0.0.1 [::1]" LIENTHONG_TLS=internal \
  LIENTHONG_BODY_MAX_BYTES=$body_max LIENTHONG_STATIC_ROOT=$static_root LIENTHONG_HEALTH_URI=$health \
  LIENTHONG_UPSTREAMS="${upstreams# }" LIENTHONG_CADDY_ACCESS_LOG=$LOG/caddy-access.log \
    launch caddy caddy run --config deploy/Caddyfile --adapter caddyfile

  # Ready when Caddy answers the health page over HTTPS with its CA (60 s at most).
  local url="https://localhost:$HTTPS_PORT"
  for _ in $(seq 1 120); do
    if [ -f "$CA_ROOT" ] && curl -fsS -o /dev/null --max-time 2 --cacert "$CA_ROOT" "$url$health" 2>/dev/null; then
      say ""
      say "Liên Thông (production mode) is serving at $url/"
      say "  application servers:$upstreams (gunicorn), worker: django-q2 cluster, proxy: Caddy"
      say "  logs: $LOG/   secrets: $PROD/secrets/   stop: make prod-stop"
      say "Caddy's local CA signed the certificate. To trust it:"
      say "  this machine: sudo cp $CA_ROOT /usr/local/share/ca-certificates/lienthong-local-ca.crt && sudo update-ca-certificates"
      say "  a browser: import $CA_ROOT as a certificate authority (Firefox and Chromium keep their own list)"
      say "  curl: curl --cacert $CA_ROOT $url/"
      [ "${DEMO:-0}" = 1 ] && "$python" manage.py demo_logins
      return 0
    fi
    for pidfile in "$RUN"/*.pid; do
      running "$pidfile" || { say "$(basename "$pidfile" .pid) did not start; see $LOG/$(basename "$pidfile" .pid).log"; stop; exit 1; }
    done
    sleep 0.5
  done
  say "The stack did not answer $url$health within 60 s; see $LOG/"
  stop
  exit 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) say "usage: deploy/prod.sh start|stop"; exit 2 ;;
esac
