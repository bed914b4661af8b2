"""The demo province, loaded once for every test of this package.

``load_demo --scale 0 --fast-pdfs`` takes half a minute; the tests here only read what it built (or run it
again to see that nothing changes). The package-scoped fixture opens a transaction on the test database,
loads the demo inside it and rolls it back after the package's last test: each test runs in a savepoint
inside it (pytest-django's ``db``), so what one test changes is undone before the next, and no test outside
the package ever sees the demo. Its stored files live in one folder for the whole package.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from lienthong.testing import TEST_PASSWORD_HASHERS


@dataclass(frozen=True)
class LoadedDemo:
    output: str  # what the first ``load_demo`` printed
    media_root: Path


@pytest.fixture(scope="package", autouse=True)
def demo_province(django_db_setup, django_db_blocker, tmp_path_factory):
    from django_q.conf import Conf

    folder = tmp_path_factory.mktemp("demo")
    media = folder / "media"
    out = io.StringIO()
    with override_settings(MEDIA_ROOT=media, AUDIT_CHECKPOINT_DIR=folder / "audit-checkpoints",
                           PASSWORD_HASHERS=TEST_PASSWORD_HASHERS), pytest.MonkeyPatch.context() as patch:
        patch.setattr(Conf, "SYNC", True)
        with django_db_blocker.unblock():
            outer = transaction.atomic()
            outer._from_testcase = True  # as Django's TestCase marks its own: durable blocks may nest in it
            outer.__enter__()
            try:
                call_command("load_demo", "--scale", "0", "--fast-pdfs", stdout=out)
            except BaseException:
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)
                raise
        try:
            yield LoadedDemo(output=out.getvalue(), media_root=media)
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _media_root(_media_root, demo_province, settings):
    """The project's test settings, with the demo's files where the load stored them."""
    settings.MEDIA_ROOT = demo_province.media_root
