"""Numbering under real contention: several OS processes register into the same agency at once.

The guarantee (Decree 30: no gaps, no duplicates, no reuse) must hold across processes, not only
threads, because production runs several web workers and a background worker against one database.
``lienthong.testing.parallel.race`` starts the children with the ``spawn`` method; they connect to the
test database through ``DATABASE_URL``, exactly as a second web worker would, and each registers a batch
after a common barrier. This module keeps Django imports inside functions: a spawned child imports it
before its functions run.
"""

from __future__ import annotations

import pytest

from lienthong.testing.parallel import race

PROCESSES = 6
PER_PROCESS = 25
TODAY_ISO = "2018-03-20"


def _register_batch(*, clerk_id, agency_id, direction, count, tag, fail_every=0, random_dates=False,
                    same_paper=False) -> tuple[list[int], int]:
    """In a child process: register ``count`` documents; (the numbers got, the registrations that failed)."""
    import datetime as dt
    import random

    from lienthong.accounts.models import User
    from lienthong.agencies.models import Agency
    from lienthong.core.errors import ValidationFailed
    from lienthong.documents import services
    from lienthong.search import services as search_services
    from lienthong.testing.builders import doc_input

    clerk = User.objects.get(pk=clerk_id)
    agency = Agency.objects.get(pk=agency_id)
    issuer = Agency.objects.filter(parent__isnull=True).first()
    today = dt.date.fromisoformat(TODAY_ISO)
    real_index = search_services.index_document
    failing = {"now": False}

    def index_or_fail(**kwargs):
        # Runs after the number was taken, inside the same transaction: a crash here is the
        # worst moment for a numbering scheme.
        if failing["now"]:
            raise RuntimeError("injected failure after number allocation")
        return real_index(**kwargs)

    search_services.index_document = index_or_fail
    numbers, failures = [], 0
    rng = random.Random(tag)
    for i in range(count):
        failing["now"] = bool(fail_every) and i % fail_every == fail_every - 1
        issued_on = dt.date(2018, 3, 5)
        if random_dates:  # mostly moving forward, sometimes a day behind what others just numbered
            issued_on = dt.date(2018, 3, 1) + dt.timedelta(days=min(i // 2 + rng.randint(0, 2), 19))
        data = doc_input("thong-bao", f"Thông báo {tag} lần {i}", issued_on=issued_on)
        try:
            if direction == "out":
                doc = services.document_register_outgoing(actor=clerk, agency=agency, data=data, today=today)
            else:
                doc = services.document_register_incoming(
                    actor=clerk, agency=agency, data=data,
                    number_symbol=f"{i + 1:02d}/TB-{'CHUNG' if same_paper else tag}",
                    issuer_agency=issuer, received_on=today, today=today)
        except RuntimeError:
            if not failing["now"]:
                raise
            failures += 1
            continue
        except ValidationFailed as exc:
            expected = {"issued_on"} if random_dates else {"number_symbol"} if same_paper else None
            if set(exc.errors) != expected:
                raise
            failures += 1
            continue
        numbers.append(doc.register_number)
    return numbers, failures


def _run_workers(jobs: list[dict], *, media_root: str) -> dict[str, tuple[list[int], int]]:
    """One process per job, all released at once; each job's (numbers, failures) by its tag."""
    [outcomes] = race([[(_register_batch, job) for job in jobs]], media_root=media_root)
    for job, outcome in zip(jobs, outcomes, strict=True):
        assert outcome.status == "ok", f"worker {job['tag']} failed: {outcome.value}"
    return {job["tag"]: tuple(outcome.value) for job, outcome in zip(jobs, outcomes, strict=True)}


def _assert_interleaved(batches: list[list[int]]) -> None:
    """The processes really ran at the same time: their number ranges overlap (no worker ran alone).

    Checked on PostgreSQL, where waiters on the register's row lock are served in order. SQLite's busy
    handler lets the process that just committed take the write lock again while the others sleep,
    so on a loaded machine one worker can legitimately run its whole batch alone.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    spans = sorted((min(b), max(b)) for b in batches if b)
    assert any(later_min < earlier_max for (_a, earlier_max), (later_min, _b) in zip(spans, spans[1:], strict=False))


def _assert_gapless(register, returned: list[int]) -> None:
    """The register holds exactly 1..N: each number once, the ones the workers got, and last_number = N."""
    from lienthong.documents.models import Document

    register.refresh_from_db()
    stored = list(Document.objects.filter(register=register).order_by("register_number")
                  .values_list("register_number", flat=True))
    n = len(stored)
    assert stored == list(range(1, n + 1))
    assert sorted(returned) == stored
    assert register.last_number == n


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_processes_get_consecutive_outgoing_and_incoming_numbers(tmp_path):
    """Six processes start at the same instant: three number outgoing documents, three register
    incoming ones, all in the VP UBND's registers. Every number 1..N is used exactly once."""
    from lienthong.documents.models import Direction, Register
    from lienthong.testing.builders import make_province

    province = make_province()
    vp, clerk = province.agencies["vp"], province.users["clerk.vp"]
    half = PROCESSES // 2
    jobs = [dict(clerk_id=clerk.pk, agency_id=vp.pk, direction="out", count=PER_PROCESS, tag=f"DI{i}")
            for i in range(half)]
    jobs += [dict(clerk_id=clerk.pk, agency_id=vp.pk, direction="in", count=PER_PROCESS, tag=f"DEN{i}")
             for i in range(PROCESSES - half)]

    collected = _run_workers(jobs, media_root=str(tmp_path))

    outgoing = Register.objects.get(agency=vp, year=2018, direction=Direction.OUTGOING, is_secret=False)
    incoming = Register.objects.get(agency=vp, year=2018, direction=Direction.INCOMING, is_secret=False)
    out_numbers = [n for tag, (nums, _f) in collected.items() if tag.startswith("DI") for n in nums]
    in_numbers = [n for tag, (nums, _f) in collected.items() if tag.startswith("DEN") for n in nums]
    _assert_gapless(outgoing, out_numbers)
    _assert_gapless(incoming, in_numbers)
    _assert_interleaved([nums for tag, (nums, _f) in collected.items() if tag.startswith("DI")])
    _assert_interleaved([nums for tag, (nums, _f) in collected.items() if tag.startswith("DEN")])
    assert outgoing.last_number == half * PER_PROCESS
    assert incoming.last_number == (PROCESSES - half) * PER_PROCESS
    # The registers were created by the racing processes themselves: one layout, no doubles.
    assert Register.objects.filter(agency=vp, year=2018).count() == 5


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_failures_after_allocation_under_contention_leave_no_gap(tmp_path):
    """Every fifth registration of each process crashes after taking its number; the crashed
    transactions give their numbers back, so the committed ones are still exactly 1..N."""
    from lienthong.audit.services import audit_verify
    from lienthong.documents.models import Direction, Register
    from lienthong.testing.builders import make_province

    province = make_province()
    vp, clerk = province.agencies["vp"], province.users["clerk.vp"]
    jobs = [dict(clerk_id=clerk.pk, agency_id=vp.pk, direction="out", count=PER_PROCESS, tag=f"DI{i}",
                 fail_every=5) for i in range(PROCESSES)]

    collected = _run_workers(jobs, media_root=str(tmp_path))

    assert sum(f for _nums, f in collected.values()) == PROCESSES * (PER_PROCESS // 5)
    register = Register.objects.get(agency=vp, year=2018, direction=Direction.OUTGOING, is_secret=False)
    _assert_gapless(register, [n for nums, _f in collected.values() for n in nums])
    assert register.last_number == PROCESSES * (PER_PROCESS - PER_PROCESS // 5)
    _assert_interleaved([nums for nums, _f in collected.values()])
    # The audit chain was appended to by all processes and is still one unbroken chain.
    checked, problems = audit_verify()
    assert problems == [] and checked == register.last_number


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_issue_dates_never_go_backwards_along_the_numbers_under_contention(tmp_path):
    """A later number never carries an earlier issue date (the register is read in number order),
    even when the document numbered just before was committed by another process a moment ago."""
    from lienthong.documents.models import Direction, Document, Register
    from lienthong.testing.builders import make_province

    province = make_province()
    vp, clerk = province.agencies["vp"], province.users["clerk.vp"]
    jobs = [dict(clerk_id=clerk.pk, agency_id=vp.pk, direction="out", count=PER_PROCESS, tag=f"DI{i}",
                 random_dates=True) for i in range(PROCESSES)]

    collected = _run_workers(jobs, media_root=str(tmp_path))

    register = Register.objects.get(agency=vp, year=2018, direction=Direction.OUTGOING, is_secret=False)
    _assert_gapless(register, [n for nums, _f in collected.values() for n in nums])
    dates = list(Document.objects.filter(register=register).order_by("register_number")
                 .values_list("issued_on", flat=True))
    backwards = [(n, a, b) for n, (a, b) in enumerate(zip(dates, dates[1:], strict=False), start=2) if b < a]
    assert backwards == []
    assert sum(f for _nums, f in collected.values()) > 0  # the rule was exercised, not just satisfied


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_incoming_paper_registered_at_once_by_several_processes_is_kept_once(tmp_path):
    """Double submission (two clerks, or a retried electronic delivery) at the same instant: each
    paper gets one số đến; the other attempts are refused as duplicates and leave no gap."""
    from lienthong.documents.models import Direction, Document, Register
    from lienthong.testing.builders import make_province

    province = make_province()
    vp, clerk = province.agencies["vp"], province.users["clerk.vp"]
    papers = 10
    jobs = [dict(clerk_id=clerk.pk, agency_id=vp.pk, direction="in", count=papers, tag=f"DEN{i}", same_paper=True)
            for i in range(4)]

    collected = _run_workers(jobs, media_root=str(tmp_path))

    register = Register.objects.get(agency=vp, year=2018, direction=Direction.INCOMING, is_secret=False)
    _assert_gapless(register, [n for nums, _f in collected.values() for n in nums])
    symbols = list(Document.objects.filter(register=register).values_list("number_symbol", flat=True))
    assert sorted(symbols) == sorted(f"{k:02d}/TB-CHUNG" for k in range(1, papers + 1))
    assert sum(f for _nums, f in collected.values()) == 3 * papers


@pytest.mark.django_db
def test_a_registration_that_fails_after_taking_a_number_gives_it_back(province, monkeypatch):
    """A file that cannot be stored (disk full) after the number was allocated: nothing is kept and
    the next registration gets the next consecutive number."""
    import datetime as dt

    from lienthong import files as file_store
    from lienthong.audit.models import AuditEntry
    from lienthong.documents import services
    from lienthong.documents.models import Document
    from lienthong.testing.builders import doc_input, pdf_upload

    clerk, vp = province.users["clerk.vp"], province.agencies["vp"]
    today = dt.date(2018, 3, 20)
    first = services.document_register_outgoing(actor=clerk, agency=vp, data=doc_input(), today=today)

    def disk_full(data, sha256, written):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(file_store, "write_original", disk_full)
    with pytest.raises(OSError):
        services.document_register_outgoing(actor=clerk, agency=vp, data=doc_input(files=[pdf_upload()]), today=today)
    monkeypatch.undo()
    # A refusal decided after the number was taken (issue date before the previous one's) is no gap either.
    from lienthong.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.document_register_outgoing(actor=clerk, agency=vp, data=doc_input(issued_on=dt.date(2018, 3, 1)),
                                            today=today)

    second = services.document_register_outgoing(actor=clerk, agency=vp, data=doc_input(files=[pdf_upload()]),
                                                 today=today)
    assert (first.number_symbol, second.number_symbol) == ("01/TB-VP.UBND", "02/TB-VP.UBND")
    second.register.refresh_from_db()
    assert second.register.last_number == 2
    assert Document.objects.filter(agency=vp).count() == 2
    assert list(AuditEntry.objects.filter(chain=f"agency:{vp.pk}").values_list("seq", flat=True)) == [1, 2]
