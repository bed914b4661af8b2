"""Two văn thư of the receiving agency acting on the same delivery at the same instant, from two
OS processes (as two web workers would): one succeeds, the other is told in Vietnamese that
someone else has acted, and the sender sees each status once.

Each test races several deliveries (one per round) so that a race lost once by chance is still
exercised. Django is imported inside functions: a spawned child imports this module first.
"""

from __future__ import annotations

import datetime as dt

import pytest

ROUNDS = 4
TODAY = dt.date(2018, 3, 12)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


# --- The racing calls (run in the child processes) -------------------------------------------------

def _user(user_id):
    from lienthong.accounts.models import User

    return User.objects.get(pk=user_id)


def receive(*, user_id, delivery_id):
    from lienthong.delivery import services

    return services.delivery_receive(actor=_user(user_id), delivery_id=delivery_id).state


def give_back(*, user_id, delivery_id):
    from lienthong.delivery import services

    return services.delivery_return(actor=_user(user_id), delivery_id=delivery_id, reason="Gửi nhầm nơi nhận").state


def register(*, user_id, delivery_id):
    from lienthong.delivery import services

    return services.delivery_register(actor=_user(user_id), delivery_id=delivery_id,
                                      today=TODAY).register_number


def answer_recall(*, user_id, delivery_id, agree):
    from lienthong.delivery import services

    return services.delivery_recall_answer(actor=_user(user_id), delivery_id=delivery_id, agree=agree,
                                           reason="" if agree else "Đã triển khai thực hiện").recall_state


def recall(*, user_id, document_id):
    from lienthong.delivery import services
    from lienthong.documents.models import Document

    return services.delivery_recall(actor=_user(user_id), document=Document.objects.get(pk=document_id),
                                    reason="Ban hành nhầm")


# --- Setup (in the test process) -------------------------------------------------------------------

def _province_with_two_clerks():
    from lienthong.accounts.services import user_create
    from lienthong.testing.builders import make_province

    p = make_province()
    p.users["clerk2.huyen"] = user_create(username="clerk2.huyen", password="demo1234", full_name="Văn thư hai huyện",
                                          positions=[(p.agencies["huyen"], "clerk", "")])
    p.users["clerk2.xa"] = user_create(username="clerk2.xa", password="demo1234", full_name="Văn thư hai xã",
                                       positions=[(p.agencies["xa"], "clerk", "")])
    return p


def _deliveries_to_district(p, n: int) -> list[int]:
    """``n`` documents of the commune, each delivered to the district (state "arrived")."""
    from lienthong.delivery.services import delivery_send
    from lienthong.documents.services import document_register_outgoing
    from lienthong.testing.builders import doc_input, pdf_upload

    ids = []
    for i in range(n):
        doc = document_register_outgoing(
            actor=p.users["clerk.xa"], agency=p.agencies["xa"], today=TODAY,
            data=doc_input("bao-cao", f"Báo cáo số {i + 1}", issued_on=TODAY, files=[pdf_upload(f"bc{i}.pdf")]))
        [d] = delivery_send(actor=p.users["clerk.xa"], document=doc, recipient_ids=[p.agencies["huyen"].pk])
        ids.append(d.pk)
    return ids


def _clerks(p, i: int) -> tuple[int, int]:
    """The two clerks' ids, swapped on odd rounds so that neither always starts first."""
    a, b = p.users["clerk.huyen"].pk, p.users["clerk2.huyen"].pk
    return (a, b) if i % 2 == 0 else (b, a)


def _events(delivery_id: int, kind: str) -> int:
    from lienthong.delivery.models import DeliveryEvent

    return DeliveryEvent.objects.filter(delivery_id=delivery_id, kind=kind).count()


def _one_winner(outcomes):
    ok = [o for o in outcomes if o.status == "ok"]
    refused = [o for o in outcomes if o.status == "refused"]
    assert len(ok) == 1 and len(refused) == len(outcomes) - 1, outcomes
    return ok[0], refused


# --- Tests -----------------------------------------------------------------------------------------

def test_two_clerks_receiving_the_same_delivery_at_once(settings):
    """One receives it; the other is told it was just handled by someone else; the sender sees one 03."""
    from lienthong.audit.models import AuditAction, AuditEntry
    from lienthong.delivery import services
    from lienthong.delivery.models import Delivery, DeliveryState, EventKind
    from lienthong.testing.parallel import overlapped, race

    p = _province_with_two_clerks()
    ids = _deliveries_to_district(p, ROUNDS)

    rounds = race([[(receive, dict(user_id=u, delivery_id=d)) for u in _clerks(p, i)] for i, d in enumerate(ids)],
                  media_root=str(settings.MEDIA_ROOT))

    for d, outcomes in zip(ids, rounds, strict=True):
        _ok, [lost] = _one_winner(outcomes)
        assert lost.value["state"] == [services.TAKEN % {"s": DeliveryState.RECEIVED.label}]
        assert Delivery.objects.get(pk=d).state == DeliveryState.RECEIVED
        assert _events(d, EventKind.RECEIVED) == 1
        assert AuditEntry.objects.filter(action=AuditAction.RECEIVED, object_id=str(d)).count() == 1
    assert any(overlapped(r) for r in rounds)


def test_one_clerk_returns_while_the_other_registers(settings):
    """Return and registration of the same delivery at once: exactly one happens. A returned
    delivery leaves no incoming record and takes no số đến; the registered ones are numbered 1..n."""
    from lienthong.delivery import services
    from lienthong.delivery.models import Delivery, DeliveryState, EventKind
    from lienthong.documents.models import Direction, Document
    from lienthong.testing.parallel import overlapped, race

    p = _province_with_two_clerks()
    ids = _deliveries_to_district(p, ROUNDS)
    rounds = []
    for i, d in enumerate(ids):
        a, b = _clerks(p, i)
        rounds.append([(give_back, dict(user_id=a, delivery_id=d)), (register, dict(user_id=b, delivery_id=d))]
                      if i % 2 == 0 else
                      [(register, dict(user_id=a, delivery_id=d)), (give_back, dict(user_id=b, delivery_id=d))])

    results = race(rounds, media_root=str(settings.MEDIA_ROOT))

    numbers = []
    for d, outcomes, calls in zip(ids, results, rounds, strict=True):
        won, [lost] = _one_winner(outcomes)
        delivery = Delivery.objects.get(pk=d)
        assert lost.value["state"] == [services.TAKEN % {"s": DeliveryState(delivery.state).label}]
        if calls[outcomes.index(won)][0] is register:
            numbers.append(won.value)
            assert delivery.state == DeliveryState.REGISTERED
            assert delivery.incoming_document.register_number == won.value
            assert (_events(d, EventKind.REGISTERED), _events(d, EventKind.RETURNED)) == (1, 0)
        else:
            assert delivery.state == DeliveryState.RETURNED and delivery.incoming_document_id is None
            assert (_events(d, EventKind.REGISTERED), _events(d, EventKind.RETURNED)) == (0, 1)
    incoming = list(Document.objects.filter(agency=p.agencies["huyen"], direction=Direction.INCOMING)
                    .order_by("register_number").values_list("register_number", flat=True))
    assert incoming == sorted(numbers) == list(range(1, len(numbers) + 1))
    assert any(overlapped(r) for r in results)


def test_two_clerks_answering_the_same_recall_at_once(settings):
    """The sender recalls; one clerk agrees while the other refuses: one answer is kept, the other
    is told the request was just answered, and the sender gets one answer (15 or 16)."""
    from lienthong.delivery import services
    from lienthong.delivery.models import Delivery, DeliveryState, EventKind, RecallState
    from lienthong.delivery.services import delivery_recall, delivery_register
    from lienthong.documents.models import DocumentStatus
    from lienthong.testing.parallel import overlapped, race

    p = _province_with_two_clerks()
    ids = _deliveries_to_district(p, ROUNDS)
    for d in ids[::2]:  # half of them already registered: agreeing withdraws the district's copy
        delivery_register(actor=p.users["clerk.huyen"], delivery_id=d, today=TODAY)
    for d in Delivery.objects.filter(pk__in=ids).select_related("document"):
        delivery_recall(actor=p.users["clerk.xa"], document=d.document, reason="Ban hành nhầm")

    rounds = race([[(answer_recall, dict(user_id=u, delivery_id=d, agree=agree))
                    for u, agree in zip(_clerks(p, i), (True, False), strict=True)]
                   for i, d in enumerate(ids)], media_root=str(settings.MEDIA_ROOT))

    for d, outcomes in zip(ids, rounds, strict=True):
        won, [lost] = _one_winner(outcomes)
        assert lost.value["state"][0] in (str(services.RECALL_ANSWERED_BY_SOMEONE),
                                          str(services.NO_RECALL_PENDING))
        delivery = Delivery.objects.select_related("incoming_document").get(pk=d)
        agreed = outcomes.index(won) == 0
        assert delivery.recall_state == won.value == (RecallState.ACCEPTED if agreed else RecallState.REFUSED)
        assert (_events(d, EventKind.RECALL_ACCEPTED), _events(d, EventKind.RECALL_REFUSED)) == (
            (1, 0) if agreed else (0, 1))
        if agreed:
            assert delivery.state == DeliveryState.WITHDRAWN
        if delivery.incoming_document is not None:
            assert delivery.incoming_document.status == (
                DocumentStatus.WITHDRAWN if agreed else DocumentStatus.ACTIVE)
    assert any(overlapped(r) for r in rounds)


def test_two_sender_clerks_recalling_the_same_document_at_once(settings):
    """The commune's two clerks recall the same document at once: it is recalled once, the other
    is told so, and the district is asked once (one 13)."""
    from lienthong.audit.models import AuditAction, AuditEntry
    from lienthong.delivery import services
    from lienthong.delivery.models import Delivery, EventKind, RecallState
    from lienthong.documents.models import DocumentStatus
    from lienthong.testing.parallel import overlapped, race

    p = _province_with_two_clerks()
    ids = _deliveries_to_district(p, ROUNDS)
    deliveries = list(Delivery.objects.filter(pk__in=ids).select_related("document").order_by("pk"))
    senders = (p.users["clerk.xa"].pk, p.users["clerk2.xa"].pk)

    rounds = race([[(recall, dict(user_id=u, document_id=d.document_id)) for u in senders[::1 - 2 * (i % 2)]]
                   for i, d in enumerate(deliveries)], media_root=str(settings.MEDIA_ROOT))

    for d, outcomes in zip(deliveries, rounds, strict=True):
        won, [lost] = _one_winner(outcomes)
        assert won.value == 1
        assert lost.value["document"][0] in (str(services.RECALLED_BY_SOMEONE), str(services.RECALL_NOT_IN_FORCE))
        d.refresh_from_db()
        d.document.refresh_from_db()
        assert d.recall_state == RecallState.REQUESTED and d.document.status == DocumentStatus.RECALLED
        assert _events(d.pk, EventKind.RECALL_REQUESTED) == 1
        assert AuditEntry.objects.filter(action=AuditAction.RECALLED, object_type="document",
                                         object_id=str(d.document_id)).count() == 1
    assert any(overlapped(r) for r in rounds)
