"""Registration and processing of the same incoming document by two people at the same instant,
from two OS processes (as two web workers would): no double số đến, no lost assignment, one lead,
one completion, and every status reaches the sender once.

Each test races several documents (one per round). Django is imported inside functions: a
spawned child imports this module first.
"""

from __future__ import annotations

import datetime as dt

import pytest

from lienthong.delivery.tests.test_concurrency import (
    _clerks,
    _deliveries_to_district,
    _events,
    _one_winner,
    _province_with_two_clerks,
    _user,
    receive,
    register,
)

ROUNDS = 4
TODAY = dt.date(2018, 3, 12)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


# --- The racing calls (run in the child processes) -------------------------------------------------

def assign(*, user_id, handling_id, specs):
    """``specs``: (role, unit_id, user_id) tuples."""
    from lienthong.processing import services

    rows = services.handling_assign(actor=_user(user_id), handling_id=handling_id, specs=[
        services.AssignmentSpec(role=role, unit_id=unit_id, user_id=person_id) for role, unit_id, person_id in specs])
    return [a.pk for a in rows]


def complete(*, user_id, assignment_id):
    from lienthong.processing import services

    return services.assignment_complete(actor=_user(user_id), assignment_id=assignment_id, result="Đã xử lý").state


def note(*, user_id, assignment_id):
    from lienthong.processing import services

    return services.assignment_note(actor=_user(user_id), assignment_id=assignment_id, text="Đang tổng hợp",
                                    progress=50).pk


# --- Setup (in the test process) -------------------------------------------------------------------

def _province():
    """The test province with a second văn thư and a second agency-wide leader in the district."""
    from lienthong.accounts.services import user_create

    p = _province_with_two_clerks()
    p.users["leader2.huyen"] = user_create(username="leader2.huyen", password="demo1234",
                                           full_name="Phó Chủ tịch huyện",
                                           positions=[(p.agencies["huyen"], "leader", "Phó Chủ tịch")])
    return p


def _submitted(p, n: int) -> list:
    """``n`` delivered documents registered by the district and submitted to its chairman: handlings."""
    from lienthong.delivery import services as delivery_services
    from lienthong.processing import services

    handlings = []
    for d in _deliveries_to_district(p, n):
        incoming = delivery_services.delivery_register(actor=p.users["clerk.huyen"], delivery_id=d, today=TODAY)
        handlings.append(services.handling_submit(actor=p.users["clerk.huyen"], handling_id=incoming.handling.pk,
                                                  leader_id=p.users["leader.huyen"].pk))
    return handlings


def _leaders(p, i: int) -> tuple[int, int]:
    a, b = p.users["leader.huyen"].pk, p.users["leader2.huyen"].pk
    return (a, b) if i % 2 == 0 else (b, a)


def _unit_lead(p, n: int) -> list:
    """``n`` handlings whose lead is the Phòng Nội vụ (a unit: its head and its specialist may both act)."""
    from lienthong.processing import services
    from lienthong.processing.models import AssignmentRole

    out = []
    for h in _submitted(p, n):
        [lead] = services.handling_assign(actor=p.users["leader.huyen"], handling_id=h.pk, specs=[
            services.AssignmentSpec(role=AssignmentRole.LEAD, unit_id=p.units["noivu"].pk)])
        out.append(lead)
    return out


def _who(rows) -> set:
    """Assignments (rows or spec tuples) as a set of (role, unit id, user id)."""
    return {(a.role, a.unit_id, a.user_id) if hasattr(a, "role") else tuple(a) for a in rows}


def _delivery_of(handling_or_doc_id) -> int:
    from lienthong.delivery.models import Delivery

    return Delivery.objects.get(incoming_document_id=handling_or_doc_id).pk


# --- Registration ----------------------------------------------------------------------------------

def test_two_clerks_registering_the_same_delivery_at_once(settings):
    """One gets the số đến; the other is told it was just handled; no number is skipped or doubled."""
    from lienthong.delivery.models import Delivery, DeliveryState, EventKind
    from lienthong.delivery.services import TAKEN
    from lienthong.documents.models import Direction, Document, Register
    from lienthong.processing.models import Handling
    from lienthong.testing.parallel import overlapped, race

    p = _province_with_two_clerks()
    ids = _deliveries_to_district(p, ROUNDS)

    rounds = race([[(register, dict(user_id=u, delivery_id=d)) for u in _clerks(p, i)] for i, d in enumerate(ids)],
                  media_root=str(settings.MEDIA_ROOT))

    numbers = []
    for d, outcomes in zip(ids, rounds, strict=True):
        won, [lost] = _one_winner(outcomes)
        assert lost.value["state"] == [TAKEN % {"s": DeliveryState.REGISTERED.label}]
        numbers.append(won.value)
        delivery = Delivery.objects.get(pk=d)
        assert delivery.state == DeliveryState.REGISTERED and delivery.incoming_document.register_number == won.value
        assert (_events(d, EventKind.RECEIVED), _events(d, EventKind.REGISTERED)) == (1, 1)
    huyen = p.agencies["huyen"]
    stored = list(Document.objects.filter(agency=huyen, direction=Direction.INCOMING).order_by("register_number")
                  .values_list("register_number", flat=True))
    assert stored == sorted(numbers) == list(range(1, ROUNDS + 1))
    assert Register.objects.get(agency=huyen, year=2018, direction=Direction.INCOMING, is_secret=False
                                ).last_number == ROUNDS
    assert Handling.objects.filter(agency=huyen).count() == ROUNDS
    assert any(overlapped(r) for r in rounds)


def test_receiving_and_registering_at_once_reports_received_once(settings):
    """One clerk acknowledges while the other registers: the registration goes through either way
    and the sender sees "đã nhận" (03) once, not once per clerk."""
    from lienthong.delivery.models import Delivery, DeliveryState, EventKind
    from lienthong.delivery.services import TAKEN
    from lienthong.testing.parallel import overlapped, race

    p = _province_with_two_clerks()
    ids = _deliveries_to_district(p, ROUNDS)

    rounds = race([[(receive, dict(user_id=a, delivery_id=d)), (register, dict(user_id=b, delivery_id=d))]
                   for d, (a, b) in ((d, _clerks(p, i)) for i, d in enumerate(ids))],
                  media_root=str(settings.MEDIA_ROOT))

    for d, (received, registered) in zip(ids, rounds, strict=True):
        assert registered.status == "ok"
        assert received.status == "ok" or received.value["state"] == [TAKEN % {"s": DeliveryState.REGISTERED.label}]
        assert Delivery.objects.get(pk=d).state == DeliveryState.REGISTERED
        assert (_events(d, EventKind.RECEIVED), _events(d, EventKind.REGISTERED)) == (1, 1)
    assert any(overlapped(r) for r in rounds)


# --- Assignment ------------------------------------------------------------------------------------

def test_two_leaders_adding_assignments_at_once_lose_none(settings):
    """The lead is set; the chairman adds a supporting department while his deputy adds a person
    for information, at the same instant: both instructions are kept."""
    from lienthong.processing.models import Assignment, AssignmentRole, Handling, HandlingState
    from lienthong.testing.parallel import overlapped, race

    p = _province()
    leads = _unit_lead(p, ROUNDS)
    support = (AssignmentRole.SUPPORT.value, p.units["taichinh"].pk, None)
    info = [(AssignmentRole.INFO.value, None, p.users["specialist.huyen"].pk),
            (AssignmentRole.SUPPORT.value, None, p.users["clerk.huyen"].pk)]

    rounds = race([[(assign, dict(user_id=a, handling_id=lead.handling_id, specs=[support])),
                    (assign, dict(user_id=b, handling_id=lead.handling_id, specs=info))]
                   for lead, (a, b) in ((lead, _leaders(p, i)) for i, lead in enumerate(leads))],
                  media_root=str(settings.MEDIA_ROOT))

    for lead, outcomes in zip(leads, rounds, strict=True):
        assert [o.status for o in outcomes] == ["ok", "ok"]
        rows = Assignment.objects.filter(handling_id=lead.handling_id).order_by("pk")
        assert _who(rows) == _who([(AssignmentRole.LEAD.value, p.units["noivu"].pk, None), support, *info])
        assert sorted(a.pk for a in rows) == sorted([lead.pk, *outcomes[0].value, *outcomes[1].value])
        assert Handling.objects.get(pk=lead.handling_id).state == HandlingState.ASSIGNED
    assert any(overlapped(r) for r in rounds)


def test_two_leaders_setting_the_lead_at_once_one_lead_is_kept(settings):
    """Both leaders name a lead for the same document at once: the first instruction is kept whole,
    the other leader is told the document already has its lead, and the sender sees one 04."""
    from lienthong.delivery.models import EventKind
    from lienthong.processing.models import Assignment, AssignmentRole, Handling, HandlingState
    from lienthong.processing.services.assignments import LEAD_TAKEN
    from lienthong.testing.parallel import overlapped, race

    p = _province()
    handlings = _submitted(p, ROUNDS)
    first = [(AssignmentRole.LEAD.value, p.units["noivu"].pk, None),
             (AssignmentRole.SUPPORT.value, p.units["taichinh"].pk, None)]
    second = [(AssignmentRole.LEAD.value, None, p.users["specialist.huyen"].pk)]

    rounds = race([[(assign, dict(user_id=a, handling_id=h.pk, specs=first)),
                    (assign, dict(user_id=b, handling_id=h.pk, specs=second))]
                   for h, (a, b) in ((h, _leaders(p, i)) for i, h in enumerate(handlings))],
                  media_root=str(settings.MEDIA_ROOT))

    for h, outcomes in zip(handlings, rounds, strict=True):
        won, [lost] = _one_winner(outcomes)
        assert str(LEAD_TAKEN) in lost.value["assignments"]
        kept = first if outcomes.index(won) == 0 else second
        rows = Assignment.objects.filter(handling=h)
        assert _who(rows) == _who(kept)
        assert rows.filter(role=AssignmentRole.LEAD).count() == 1
        assert Handling.objects.get(pk=h.pk).state == HandlingState.ASSIGNED
        assert _events(_delivery_of(h.document_id), EventKind.ASSIGNED) == 1
    assert any(overlapped(r) for r in rounds)


# --- Completion ------------------------------------------------------------------------------------

def test_two_people_completing_the_same_part_at_once(settings):
    """The department head and the specialist both press "Hoàn thành" on the department's lead
    part: it is completed once, the other is told so, and the sender sees one 06."""
    from lienthong.audit.models import AuditAction, AuditEntry
    from lienthong.delivery.models import EventKind
    from lienthong.processing.models import Assignment, AssignmentState, Handling, HandlingState
    from lienthong.processing.services.assignments import PART_DONE_BEFORE
    from lienthong.testing.parallel import overlapped, race

    p = _province()
    leads = _unit_lead(p, ROUNDS)
    people = (p.users["leader.huyen.noivu"].pk, p.users["specialist.huyen.noivu"].pk)

    rounds = race([[(complete, dict(user_id=u, assignment_id=lead.pk)) for u in people[::1 - 2 * (i % 2)]]
                   for i, lead in enumerate(leads)], media_root=str(settings.MEDIA_ROOT))

    for lead, outcomes in zip(leads, rounds, strict=True):
        _won, [lost] = _one_winner(outcomes)
        assert lost.value["state"] == [str(PART_DONE_BEFORE)]
        assert Assignment.objects.get(pk=lead.pk).state == AssignmentState.DONE
        assert Handling.objects.get(pk=lead.handling_id).state == HandlingState.DONE
        assert AuditEntry.objects.filter(action=AuditAction.COMPLETED, object_id=str(lead.document_id)).count() == 1
        assert _events(_delivery_of(lead.document_id), EventKind.DONE) == 1
    assert any(overlapped(r) for r in rounds)


def test_a_note_racing_the_completion_never_reopens_the_part(settings):
    """The specialist posts progress while the head completes the part: a completed part stays
    completed (a late note is refused), and the document stays done."""
    from lienthong.processing.models import Assignment, AssignmentState, Handling, HandlingState, ProcessingNote
    from lienthong.processing.services.assignments import PART_DONE
    from lienthong.testing.parallel import overlapped, race

    p = _province()
    leads = _unit_lead(p, ROUNDS)
    head, specialist = p.users["leader.huyen.noivu"].pk, p.users["specialist.huyen.noivu"].pk
    rounds = []
    for i, lead in enumerate(leads):
        calls = [(complete, dict(user_id=head, assignment_id=lead.pk)),
                 (note, dict(user_id=specialist, assignment_id=lead.pk))]
        rounds.append(calls if i % 2 == 0 else calls[::-1])

    results = race(rounds, media_root=str(settings.MEDIA_ROOT))

    for lead, calls, outcomes in zip(leads, rounds, results, strict=True):
        by_call = {func.__name__: o for (func, _kw), o in zip(calls, outcomes, strict=True)}
        assert by_call["complete"].status == "ok"
        assert by_call["note"].status == "ok" or by_call["note"].value["state"] == [str(PART_DONE)]
        a = Assignment.objects.get(pk=lead.pk)
        assert (a.state, a.progress) == (AssignmentState.DONE, 100)
        assert Handling.objects.get(pk=lead.handling_id).state == HandlingState.DONE
        assert ProcessingNote.objects.filter(assignment=a).count() == (by_call["note"].status == "ok")
    assert any(overlapped(r) for r in results)
