import importlib
import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from lienthong.documents.models import Document
from lienthong.search import services
from lienthong.search.backends import get_backend
from lienthong.search.models import SearchEntry
from lienthong.search.tests.helpers import ids, outgoing, search, with_attachment_text
from lienthong.search.text import parse_query


@pytest.mark.django_db
def test_registering_a_document_indexes_it_in_the_same_transaction(province):
    doc = outgoing(province, "Kế hoạch chuyển đổi số")

    entry = SearchEntry.objects.get(document=doc)
    assert (entry.agency_id, entry.direction, entry.year) == (province.agencies["vp"].pk, "out", 2018)
    assert (entry.number_norm, entry.number) == ("01/TB-VP.UBND", "01 tb vp ubnd")
    assert (entry.subject, entry.subject_x) == ("ke hoach chuyen doi so", "kế hoạch chuyển đổi số")


@pytest.mark.django_db
def test_reindexing_replaces_the_old_text(province):
    doc = outgoing(province, "Kế hoạch chuyển đổi số")
    Document.objects.filter(pk=doc.pk).update(subject="Báo cáo tổng kết công tác văn thư")

    services.index_documents(document_ids=[doc.pk, doc.pk])
    services.index_document(document_id=doc.pk)

    assert search(province, "clerk.vp", "chuyen doi") == []
    assert ids(search(province, "clerk.vp", "van thu")) == [doc.pk]
    assert SearchEntry.objects.filter(document=doc).count() == 1


@pytest.mark.django_db
def test_attachment_text_extracted_later_becomes_searchable(province):
    doc = with_attachment_text(province, "Thông báo kết luận", "Thống nhất triển khai một phần mềm dùng chung")

    assert ids(search(province, "clerk.vp", "phan mem dung chung")) == [doc.pk]


@pytest.mark.django_db
def test_index_documents_in_batches_and_ignores_unknown_ids(province):
    docs = [outgoing(province, f"Kế hoạch chuyển đổi số đợt {i}") for i in range(7)]
    get_backend().clear()
    assert search(province, "clerk.vp", "chuyen doi so") == []

    count = services.index_documents(document_ids=[d.pk for d in docs] + [999_999], batch_size=3)

    assert count == 7
    assert sorted(ids(search(province, "clerk.vp", "chuyen doi so", limit=50))) == sorted(d.pk for d in docs)


@pytest.mark.django_db
def test_reindex_search_command_rebuilds_everything(province):
    docs = [outgoing(province, f"Quyết định phê duyệt số {i}", type_code="quyet-dinh") for i in range(3)]
    other = outgoing(province, "Kế hoạch năm", agency="stttt")
    get_backend().clear()
    out = io.StringIO()

    call_command("reindex_search", "--batch-size", "2", stdout=out)

    assert out.getvalue().startswith("Search index rebuilt: 4 documents")
    assert sorted(ids(search(province, "clerk.vp", "quyet dinh"))) == sorted(d.pk for d in docs)
    assert ids(search(province, "clerk.stttt", "ke hoach nam")) == [other.pk]
    assert SearchEntry.objects.count() == 4


@pytest.mark.django_db
def test_reindex_all_twice_gives_one_hit_per_document(province):
    doc = outgoing(province, "Kế hoạch chuyển đổi số")

    services.reindex_all()
    services.reindex_all()

    assert ids(search(province, "clerk.vp", "chuyen doi so")) == [doc.pk]


def _fulltext_objects(cursor, vendor) -> set[str]:
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'search%%'")
        return {r[0] for r in cursor.fetchall()}
    cursor.execute("SELECT column_name FROM information_schema.columns "
                   "WHERE table_name = 'search_searchentry' AND column_name LIKE 'tsv%%'")
    found = {r[0] for r in cursor.fetchall()}
    cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'search_searchentry'")
    found |= {r[0] for r in cursor.fetchall()}
    cursor.execute("SELECT cfgname FROM pg_ts_config WHERE cfgname = 'vn'")
    return found | {r[0] for r in cursor.fetchall()}


_CHECK = """
from django.db import connection
from lienthong.search.tests.test_indexing import _fulltext_objects
with connection.cursor() as cursor:
    print(sorted(_fulltext_objects(cursor, connection.vendor)))
"""


@pytest.fixture
def scratch_database_url(tmp_path):
    """A new, empty database of the vendor under test, for migrating back and forth in another process."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    import psycopg

    params = connection.settings_dict
    name = f"lt_search_migrations_{os.getpid()}"
    admin = dict(dbname="postgres", user=params["USER"], host=params["HOST"], port=params["PORT"] or 5432,
                 password=params["PASSWORD"] or None, autocommit=True)
    with psycopg.connect(**admin) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    try:
        password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
        yield f"postgres://{params['USER']}{password}@{params['HOST']}:{params['PORT'] or 5432}/{name}"
    finally:
        with psycopg.connect(**admin) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.mark.slow_once  # migrates a new database three times in other processes
@pytest.mark.both_databases  # of the engine under test
def test_search_migrations_go_back_and_forth(scratch_database_url):
    env = {**os.environ, "DATABASE_URL": scratch_database_url}

    def manage(*args) -> str:
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    manage("migrate", "search", "-v", "0")
    latest = manage("shell", "-v", "0", "-c", _CHECK)
    manage("migrate", "search", "0001", "-v", "0")
    at_0001 = manage("shell", "-v", "0", "-c", _CHECK)
    manage("migrate", "search", "-v", "0")

    if connection.vendor == "sqlite":
        assert "'search_fts'" in latest and "'search_fts'" not in at_0001
    else:
        assert latest == str(sorted(["search_searchentry_pkey", "tsv_fold", "tsv_exact",
                                     "search_entry_tsv_fold", "search_entry_number_trgm", "vn"]))
        assert at_0001 == str(sorted(["search_searchentry_pkey", "search_entry_scope"]))
    assert manage("shell", "-v", "0", "-c", _CHECK) == latest


@pytest.mark.django_db
def test_the_token_migrations_rebuild_the_index_from_the_entries(province):
    docs = [outgoing(province, f"Kế hoạch chuyển đổi số đợt {i}") for i in range(3)]
    agency_tokens = importlib.import_module("lienthong.search.migrations.0003_agency_tokens")
    scope_tokens = importlib.import_module("lienthong.search.migrations.0004_sqlite_scope_tokens")
    statements = agency_tokens.STATEMENTS[connection.vendor][0]
    if connection.vendor == "sqlite":
        statements = scope_tokens.FORWARD

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # settle the deferred foreign-key checks before ALTER TABLE
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in statements:
            cursor.execute(sql)

    assert sorted(ids(search(province, "clerk.vp", "chuyen doi so"))) == sorted(d.pk for d in docs)
    assert len(search(province, "clerk.vp", "chuyen doi so", direction="out", year=2018)) == 3
    assert search(province, "clerk.stttt", "chuyen doi so") == []


def test_query_pieces_with_separators_become_prefix_phrases():
    parsed = parse_query("Số 32/TB-VP.UB")

    assert [(p.folded, p.exact, p.prefix) for p in parsed.phrases] == [
        (("so",), ("số",), False),
        (("32", "tb", "vp", "ub"), ("32", "tb", "vp", "ub"), True),
    ]
    assert parsed.accented and not parse_query("so 32/TB").accented
