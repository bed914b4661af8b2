"""Several gunicorn workers, one scrape: with PROMETHEUS_MULTIPROC_DIR each process writes its request counts to
the shared folder and any process's /metrics adds them up (prometheus_client's multiprocess mode, chosen when the
module is imported, hence separate processes here)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[3]

COUNT = """
import django; django.setup()
from lienthong.monitoring import metrics
for _ in range({n}):
    metrics.observe_request(route="van-ban/", method="GET", status=200, seconds=0.05)
"""
SCRAPE = """
import sys, django; django.setup()
from lienthong.monitoring import metrics
sys.stdout.write(metrics.exposition().decode())
"""


def _run(code: str, env: dict) -> str:
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_request_counts_of_several_worker_processes_are_summed_in_one_scrape(tmp_path):
    shared = tmp_path / "prometheus"
    shared.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    env.update(PROMETHEUS_MULTIPROC_DIR=str(shared), DJANGO_SETTINGS_MODULE="lienthong.settings",
               LIENTHONG_VAR_DIR=str(tmp_path / "var"), MEDIA_ROOT=str(tmp_path / "media"))
    workers = [subprocess.Popen([sys.executable, "-c", COUNT.format(n=n)], cwd=ROOT, env=env) for n in (3, 4)]
    assert [w.wait(timeout=120) for w in workers] == [0, 0]

    text = _run(SCRAPE, env)

    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in text_string_to_metric_families(text) for s in family.samples}
    labels = (("method", "GET"), ("route", "van-ban/"), ("status", "200"))
    assert samples[("lienthong_http_requests_total", labels)] == 7
    assert samples[("lienthong_http_request_duration_seconds_count", labels[:2])] == 7
    assert samples[("lienthong_metrics_database_up", ())] == 0  # an empty database here: the scrape still answers
