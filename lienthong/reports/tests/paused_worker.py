"""``python -m lienthong.reports.tests.paused_worker``: the django-q2 cluster (``manage.py qcluster``) with one
test hook, for the worker-killed test. While the file named by ``LIENTHONG_TEST_PAUSE_FILE`` does not exist,
the first report build to reach its rendering creates it and then sleeps, so that the test can kill the
worker in the middle of the task; once the file exists, builds run normally. Production never runs this."""

from __future__ import annotations

import os
import time
from pathlib import Path


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from lienthong.reports import services

    real = services.province_report_bytes
    flag = Path(os.environ["LIENTHONG_TEST_PAUSE_FILE"])

    def paused_once(**kwargs):
        if not flag.exists():
            flag.write_text(str(os.getpid()))
            time.sleep(600)  # killed before it wakes up
        return real(**kwargs)

    services.province_report_bytes = paused_once  # the worker processes are forked from this one
    call_command("qcluster")


if __name__ == "__main__":
    main()
