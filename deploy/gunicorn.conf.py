"""gunicorn settings of one Liên Thông application server (``gunicorn -c deploy/gunicorn.conf.py lienthong.wsgi``).

Read by ``make prod`` (two servers, 127.0.0.1:8401 and :8402) and by ``deploy/systemd/lienthong-web@.service``
(one server per port). The values an operator may change come from the environment (deploy/lienthong.env.example);
the reasons for the others are in docs/decisions.md ("Production stack").
"""

import os
from pathlib import Path

# Where this server listens: the proxy (Caddy or nginx) balances over several of these.
bind = [os.environ.get("LIENTHONG_WEB_BIND", "127.0.0.1:8000")]

# Processes × threads: gthread workers keep one thread per request in flight and answer keep-alive connections
# from a poller, so a slow client holds a thread only while its request runs. Django is thread-safe; the
# database connections are per thread (at most workers × threads per server: count them against PostgreSQL's
# max_connections).
worker_class = "gthread"
workers = int(os.environ.get("LIENTHONG_WEB_WORKERS", "2"))
threads = int(os.environ.get("LIENTHONG_WEB_THREADS", "4"))

# Import the application once in the master and fork the workers from it: less memory (copy-on-write) and a start
# in one import instead of one per worker. Nothing opens a database connection at import time.
preload_app = True

# A worker that stops answering its master's heartbeat for this long is killed and replaced. With gthread the
# heartbeat comes from the worker's main loop, not from the request threads, so this is not a limit on one
# request: the proxy's timeouts are (deploy/Caddyfile). graceful_timeout: how long a stop or restart lets requests
# in flight finish.
timeout = int(os.environ.get("LIENTHONG_WEB_TIMEOUT", "120"))
graceful_timeout = 30
# Longer than the proxy keeps an idle connection to this server (60 s in the Caddyfile and nginx.conf): the
# proxy closes first, so it never sends a request on a connection gunicorn is closing.
keepalive = 75

# Replace each worker after about this many requests (PDF rendering and signing libraries grow the heap), the
# jitter spreads the restarts so that the workers of one server do not restart together.
max_requests = 2000
max_requests_jitter = 200

# The proxy sets X-Forwarded-For/-Proto; gunicorn believes them only from these addresses (Django's own
# client-address rule is LIENTHONG_TRUSTED_PROXIES).
forwarded_allow_ips = os.environ.get("LIENTHONG_WEB_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs: the access log in the common format with the request time (microseconds), errors to stderr unless a
# file is named (make prod writes both under var/prod/log/; systemd sends stderr to the journal).
accesslog = os.environ.get("LIENTHONG_WEB_ACCESS_LOG", "-")
errorlog = os.environ.get("LIENTHONG_WEB_ERROR_LOG", "-")
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)s'
pidfile = os.environ.get("LIENTHONG_WEB_PIDFILE") or None
# gunicorn's control socket (`gunicornc`), one per server: LIENTHONG_WEB_CONTROL_SOCKET names it (make prod:
# var/prod/run/web-PORT.ctl; systemd: /run/lienthong/web-PORT.ctl). Without it there is none: the default path
# (~/.gunicorn/gunicorn.ctl) would be shared by every server of the machine.
control_socket = os.environ.get("LIENTHONG_WEB_CONTROL_SOCKET") or "/nonexistent/gunicorn.ctl"
control_socket_disable = "LIENTHONG_WEB_CONTROL_SOCKET" not in os.environ
proc_name = "lienthong-web-" + bind[0].rsplit(":", 1)[-1]
# Worker heartbeat files in memory rather than on a disk that may be slow (systemd's PrivateTmp /tmp is fine too).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None


def on_starting(server):
    """Prometheus counters of several worker processes are kept in files (prometheus_client's multiprocess mode)
    when PROMETHEUS_MULTIPROC_DIR is set, one folder per server: those of a previous run are stale."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for stale in Path(folder).glob("*.db"):
            stale.unlink()


def child_exit(server, worker):
    """A worker that ended leaves its live gauges behind unless marked dead (prometheus_client multiprocess)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
