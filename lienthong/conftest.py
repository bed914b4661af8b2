import pytest

from lienthong.testing import TEST_PASSWORD_HASHERS

# --- Parallel runs (`make test`: pytest-xdist with --dist loadgroup) ------------------------------------------
# The tests of one xdist_group run one after another on a single worker; every other test goes to whichever
# worker is free. On two cores two kinds of test must not run side by side: the concurrency races (each starts
# two to six spawned Django processes and asserts that their calls overlapped) and the tests against a live
# server (Chromium through Playwright, the remote-signing client; with timeouts). They share the group
# "processes", so the other worker goes on with ordinary tests meanwhile. The tests marked ``slow_once`` (the
# loaded demo province, migrations back and forth) form the group "once": the demo is loaded on one worker only.


def _xdist_group(item: pytest.Item) -> str | None:
    if item.get_closest_marker("xdist_group"):
        return None  # a module that chose its own group keeps it
    if (item.path.name.startswith("test_concurrency") or "browser_tests" in item.path.parts
            or "live_server" in getattr(item, "fixturenames", ())):
        return "processes"
    if item.get_closest_marker("slow_once") or _in_loaded_demo(item):
        return "once"
    return None


def _in_loaded_demo(item: pytest.Item) -> bool:
    """A test of lienthong/demo/tests/loaded reads the demo its package loads once (half a minute): on a
    second worker the package would load it again."""
    parts = item.path.parts
    return len(parts) >= 3 and parts[-3:-1] == ("tests", "loaded") and "demo" in parts


@pytest.hookimpl(tryfirst=True)  # before xdist reads the marks (it appends the group to the test's id)
def pytest_collection_modifyitems(config, items):
    for item in items:
        group = _xdist_group(item)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))
    _once_per_database(config, items)


# --- The second pass (.ci/run: the suite on SQLite, then on PostgreSQL) ----------------------------------------
# A test that takes no database fixture cannot reach the database under test (pytest-django blocks it): it
# checks pure code (edXML, PDF signing, OCR, settings, conventions) whose result does not depend on the engine.
# On PostgreSQL it would repeat the SQLite pass exactly, so it runs once, on SQLite. A test that reaches the
# engine under test another way (a subprocess given its DATABASE_URL, ``connection.vendor``) says so with the
# ``both_databases`` mark and runs in both passes. docs/decisions.md, "Engine-independent tests run once".
def _once_per_database(config, items) -> None:
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return
    kept, dropped = [], []
    for item in items:
        runs_here = _database_use(item)[0] or item.get_closest_marker("both_databases")
        (kept if runs_here else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


# A transactional test (real commits: the races, the live server) empties the database when it ends, and the
# rows the data migrations wrote (document types, holidays, criteria…) go with it. Run serially, pytest-django
# orders those tests last, so nothing notices; under xdist a worker takes them whenever it is free, and a
# test in a transaction may come after them on the same worker. That test gets the migrated rows back first
# (the copy Django keeps for serialized_rollback, which every transactional test here uses).
_database_emptied = False


def _database_use(item: pytest.Item) -> tuple[bool, bool]:
    """(uses the database, is transactional), as pytest-django decides when it orders the tests."""
    from pytest_django.plugin import validate_django_db

    fixtures = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    transactional = False
    if marker:
        transaction, reset_sequences, *_ = validate_django_db(marker)
        transactional = transaction or reset_sequences
    transactional = transactional or "transactional_db" in fixtures or "live_server" in fixtures
    return bool(marker) or transactional or "db" in fixtures, transactional


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    global _database_emptied
    uses_db, transactional = _database_use(item)
    if _database_emptied and uses_db and not transactional:
        from django.core.management import call_command
        from django.db import connections
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            for connection in connections.all(initialized_only=False):
                contents = getattr(connection, "_test_serialized_contents", None)
                if contents is not None:
                    call_command("flush", verbosity=0, interactive=False, database=connection.alias,
                                 reset_sequences=False, inhibit_post_migrate=True)  # as Django's own flush
                    connection.creation.deserialize_db_from_string(contents)
        _database_emptied = False
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    global _database_emptied
    yield
    if _database_use(item)[1]:
        _database_emptied = True


def pytest_make_parametrize_id(config, val, argname):
    """Every worker must collect the same test ids, but a few parameters are random or dated bytes (os.urandom,
    an .xlsx whose zip entries carry the time, so that even its compressed length can differ by a byte between
    two workers): long bytes are named "bytes" (pytest numbers the repeats), never by their content or length."""
    if isinstance(val, bytes) and len(val) > 32:
        return "bytes"
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
