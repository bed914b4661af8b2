import pytest

from lienthong.testing import TEST_PASSWORD_HASHERS

# --- Parallel runs (`make test`: pytest-xdist with --dist loadgroup) ------------------------------------------
# The tests of one xdist_group run one after another on a single worker; every other test goes to whichever
# worker is free. On two cores two kinds of test must not run side by side: the concurrency races (each starts
# two to four spawned Django processes and asserts that their calls overlapped) and the browser tests
# (Chromium and a live server, with timeouts). They share the group "processes", so the other worker goes on
# with ordinary tests meanwhile. The tests marked ``slow_once`` (the demo province, migrations back and forth)
# form the group "once": whatever they share per process is built on one worker only.


def _xdist_group(item: pytest.Item) -> str | None:
    if item.get_closest_marker("xdist_group"):
        return None  # a module that chose its own group keeps it
    path = item.path
    if "browser_tests" in path.parts or path.name.startswith("test_concurrency"):
        return "processes"
    if item.get_closest_marker("slow_once"):
        return "once"
    return None


@pytest.hookimpl(tryfirst=True)  # before xdist reads the marks (it appends the group to the test's id)
def pytest_collection_modifyitems(config, items):
    for item in items:
        group = _xdist_group(item)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))


def pytest_make_parametrize_id(config, val, argname):
    """Every worker must collect the same test ids, but a few parameters are random or dated bytes (os.urandom,
    an .xlsx whose zip entries carry the time): name long bytes by their length, not their content."""
    if isinstance(val, bytes) and len(val) > 32:
        return f"{len(val)}-bytes"
    return None


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"  # never the shared var/ folder
    settings.PASSWORD_HASHERS = TEST_PASSWORD_HASHERS
    # django-q2 reads its configuration once at import: switch the running configuration to synchronous.
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", True)


@pytest.fixture(autouse=True)
def _language_reset():
    """A request in English leaves English active in the thread (LocaleMiddleware): give the next test
    the default language back."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def province(db):
    from lienthong.testing.builders import make_province

    return make_province()


@pytest.fixture
def clerk_client(client, province):
    client.force_login(province.users["clerk.vp"])
    return client
