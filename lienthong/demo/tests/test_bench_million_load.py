"""The province generator (bench/million.py) and the load test's safeguards (bench/load.py).

The generator's data set is what the load test, the backup/restore benchmark and the lead's final runs stand on:
it must look like a province that worked in the system (registers numbered without a gap and their counters
right, every original stored under its SHA-256, documents found by search, the leader's queue and the next
registration working on top of it). The load test must refuse any target but this machine, and notice a lost
register number.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import os
import sys
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.db import connection

from lienthong.accounts.models import Position, Role
from lienthong.documents.models import Document, Register, StoredFile
from lienthong.files.storage import storage_name_for
from lienthong.processing import selectors as processing_selectors
from lienthong.processing.services import incoming_register_paper
from lienthong.search.selectors import search_documents
from lienthong.testing.builders import doc_input, make_province

BENCH = Path(__file__).resolve().parents[3] / "bench"


def _script(name: str):
    if str(BENCH) not in sys.path:  # the scripts import bench/benchenv.py, as when run as `python bench/x.py`
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def generated(settings, tmp_path):
    """A small province with 400 generated documents (two batches), finished as the script finishes."""
    settings.MEDIA_ROOT = tmp_path / "media"
    province = make_province()
    million = _script("million")
    gen = million.Generator(seed=7, today=dt.date.today(), threads=2)
    for _ in range(2):
        gen.write_batch(gen.plan_batch(200))
    gen.close()
    million.finish(connection, vacuum=False)
    return million, province


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_generated_province_is_consistent_and_usable(generated):
    million, province = generated
    made = Document.objects.filter(notes=million.MARKER)
    assert made.count() == 400
    assert made.filter(direction="out").exists() and made.filter(direction="in").exists()
    # Registers numbered 1..counter without a gap or a repeat; files, index rows, handlings all there; the
    # search rows are exactly what the search app would have written.
    assert million.check(connection) == []

    # Every original is in the configured storage under its content-addressed name, with the recorded bytes.
    stored = StoredFile.objects.filter(uses__document__notes=million.MARKER)
    assert stored.count() == 400
    for f in stored[:40]:
        with default_storage.open(f.storage_name) as fh:
            data = fh.read()
        assert hashlib.sha256(data).hexdigest() == f.sha256
        assert f.storage_name == storage_name_for(f.sha256)
        assert len(data) == f.size and data.startswith(b"%PDF-")

    # The clerk of an agency finds its generated documents by their subject and by their number.
    doc = made.filter(direction="in").order_by("id").first()
    clerk = Position.objects.get(agency_id=doc.agency_id, role=Role.CLERK, unit__isnull=True).user
    assert doc.pk in [h.document.pk for h in search_documents(user=clerk, query=doc.subject, limit=50)]
    assert doc.pk in [h.document.pk for h in search_documents(user=clerk, query=doc.number_symbol, limit=50)]

    # Leaders have documents waiting for them, as the load test expects.
    leader = province.users["leader.ubnd"]
    waiting = processing_selectors.queue_counts(user=leader)
    assert sum(waiting.values()) > 0 or not made.filter(agency=province.agencies["ubnd"], direction="in").exists()

    # The next registration continues the register's numbers: no number reused, none skipped.
    agency = province.agencies["huyen"]
    register = Register.objects.get(agency=agency, year=dt.date.today().year, direction="in", is_secret=False,
                                    issuing_body_name="")
    before = register.last_number
    new = incoming_register_paper(actor=province.users["clerk.huyen"], agency=agency,
                                  data=doc_input("cong-van", "Về việc kiểm tra số đến sau khi sinh dữ liệu"),
                                  number_symbol="15/UBND-KT", issuer_name="UBND xã Kiểm Thử")
    assert (new.register_id, new.register_number) == (register.pk, before + 1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_second_run_adds_only_what_is_missing(generated, monkeypatch):
    million, _province = generated
    # The script refuses to run without DATABASE_URL; here Django is already set up on the test database.
    monkeypatch.setenv("DATABASE_URL", os.environ.get("DATABASE_URL") or "sqlite:///set-up-by-pytest")
    assert million.main(["--count", "400", "--no-vacuum"]) == 0
    assert Document.objects.filter(notes=million.MARKER).count() == 400


@pytest.mark.django_db
def test_load_test_numbering_check_notices_a_lost_number():
    load = _script("load")
    province = make_province()
    agency = province.agencies["xa"]
    plan = {"registers": {str(pk): last for pk, last in Register.objects.values_list("pk", "last_number")}}
    docs = [incoming_register_paper(actor=province.users["clerk.xa"], agency=agency,
                                    data=doc_input("cong-van", f"Về việc thử tải lần {i}"),
                                    number_symbol=f"{i:02d}/UBND-KT", issuer_name="UBND xã Kiểm Thử")
            for i in range(1, 4)]
    check = load.verify(plan, [d.pk for d in docs])
    assert check["problems"] == [] and check["numbers"] == 3 and check["registers"] == 1

    # A number handed out without its document (a lost number) is reported.
    Register.objects.filter(pk=docs[0].register_id).update(last_number=docs[-1].register_number + 1)
    assert load.verify(plan, [d.pk for d in docs])["problems"]


@pytest.mark.parametrize("url", ["http://10.0.0.5:8000", "https://192.168.1.20", "http://8.8.8.8/", "ftp://127.0.0.1/"])
def test_load_test_refuses_a_target_that_is_not_this_machine(url):
    load = _script("load")
    with pytest.raises(SystemExit):
        load.loopback_host(url)


@pytest.mark.parametrize("url", ["https://localhost:8443/", "http://127.0.0.1:8600", "http://[::1]:8601"])
def test_load_test_accepts_loopback_targets(url):
    assert _script("load").loopback_host(url) == url.rstrip("/")
