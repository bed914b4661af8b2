"""Two văn thư of the issuing agency numbering, or issuing, the same signed draft at the same
instant, from two OS processes (as two web workers would): one number is taken and the register
has no gap; one set of deliveries goes out; the other văn thư is told the draft has moved on.

Each test races several drafts (one per round). Django is imported inside functions: a spawned
child imports this module first.
"""

from __future__ import annotations

import datetime as dt

import pytest

ROUNDS = 3
TODAY = dt.date(2018, 3, 12)
RECIPIENTS = ("huyen", "ubnd", "stttt")

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


# --- The racing calls (run in the child processes) -------------------------------------------------

def _actor_and_draft(user_id, draft_id):
    from lienthong.accounts.models import User
    from lienthong.drafting.models import Draft

    return User.objects.get(pk=user_id), Draft.objects.select_related("agency", "signer").get(pk=draft_id)


def number(*, user_id, draft_id):
    from lienthong.drafting import services

    actor, draft = _actor_and_draft(user_id, draft_id)
    return services.draft_number(actor=actor, draft=draft, today=TODAY).register_number


def issue(*, user_id, draft_id):
    from lienthong.drafting import services

    actor, draft = _actor_and_draft(user_id, draft_id)
    return services.draft_issue(actor=actor, draft=draft).state


# --- Setup (in the test process) -------------------------------------------------------------------

def _province():
    """The test province with a second văn thư in the commune."""
    from lienthong.accounts.services import user_create
    from lienthong.testing.builders import make_province

    p = make_province()
    p.users["clerk2.xa"] = user_create(username="clerk2.xa", password="demo1234", full_name="Văn thư hai xã",
                                       positions=[(p.agencies["xa"], "clerk", "")])
    return p


def _signed(p, n: int) -> list:
    """``n`` drafts of the commune, signed on paper and waiting for their number."""
    from lienthong.drafting import services
    from lienthong.testing.builders import doc_type, pdf_upload

    u = p.users
    drafts = []
    for i in range(n):
        data = services.DraftInput(
            document_type=doc_type("bao-cao"), subject=f"Báo cáo tình hình số {i + 1}", signer_id=u["leader.xa"].pk,
            signer_position="Chủ tịch", recipient_ids=[p.agencies[r].pk for r in RECIPIENTS],
            extra_recipients="Lưu: VT", files=[pdf_upload(f"du-thao-{i}.pdf", f"Bao cao {i}")])
        draft = services.draft_create(actor=u["specialist.xa"], agency=p.agencies["xa"], data=data)
        services.draft_submit(actor=u["specialist.xa"], draft=draft)
        services.draft_check_format(actor=u["clerk.xa"], draft=draft)
        services.draft_approve(actor=u["leader.xa"], draft=draft)
        services.draft_sign(actor=u["clerk.xa"], draft=draft, uploads=[pdf_upload(f"da-ky-{i}.pdf", f"Da ky {i}")])
        drafts.append(draft)
    return drafts


def _clerks(p, i: int) -> tuple[int, int]:
    a, b = p.users["clerk.xa"].pk, p.users["clerk2.xa"].pk
    return (a, b) if i % 2 == 0 else (b, a)


def _one_winner(outcomes):
    ok = [o for o in outcomes if o.status == "ok"]
    refused = [o for o in outcomes if o.status == "refused"]
    assert len(ok) == 1 and len(refused) == len(outcomes) - 1, outcomes
    return ok[0], refused


def _told_moved_on(message: str, action: str, state) -> bool:
    """The loser is told the draft moved on: by the conditional update if it read the draft before
    the winner committed, or by the turn check (at the winner's ``state``) if it read it after."""
    from lienthong.drafting.services import MOVED_ON, WRONG_STEP

    return message in (str(MOVED_ON), WRONG_STEP % {"a": action, "s": state.label})


# --- Tests -----------------------------------------------------------------------------------------

def test_two_clerks_numbering_the_same_draft_at_once(settings):
    """One number per draft: the register holds 1..n with no gap, the loser's attempt gave its
    number back, and the audit chain is unbroken."""
    from lienthong.audit.services import audit_verify
    from lienthong.documents.models import Direction, Document, Register
    from lienthong.drafting.models import Draft, DraftState, DraftStep
    from lienthong.testing.parallel import overlapped, race

    p = _province()
    drafts = _signed(p, ROUNDS)

    rounds = race([[(number, dict(user_id=u, draft_id=d.pk)) for u in _clerks(p, i)] for i, d in enumerate(drafts)],
                  media_root=str(settings.MEDIA_ROOT))

    for d, outcomes in zip(drafts, rounds, strict=True):
        won, [lost] = _one_winner(outcomes)
        assert _told_moved_on(lost.value["state"][0], "cấp số", DraftState.TO_SEAL), lost.value
        d = Draft.objects.select_related("document").get(pk=d.pk)
        assert d.state == DraftState.TO_SEAL and d.document.register_number == won.value
        assert DraftStep.objects.filter(draft=d, action="number").count() == 1
    xa = p.agencies["xa"]
    stored = list(Document.objects.filter(agency=xa, direction=Direction.OUTGOING).order_by("register_number")
                  .values_list("register_number", flat=True))
    assert stored == sorted(o.value for r in rounds for o in r if o.status == "ok") == list(range(1, ROUNDS + 1))
    assert Register.objects.get(agency=xa, year=2018, direction=Direction.OUTGOING, is_secret=False
                                ).last_number == ROUNDS
    assert audit_verify()[1] == []
    assert any(overlapped(r) for r in rounds)


def test_two_clerks_issuing_the_same_draft_at_once(settings):
    """One set of deliveries per document (one per recipient, each reported sent once)."""
    from lienthong.delivery.models import Delivery, DeliveryEvent, EventKind
    from lienthong.drafting import services
    from lienthong.drafting.models import Draft, DraftState
    from lienthong.testing.parallel import overlapped, race

    p = _province()
    drafts = _signed(p, ROUNDS)
    for d in drafts:
        services.draft_number(actor=p.users["clerk.xa"], draft=d, today=TODAY)
        services.draft_seal(actor=p.users["clerk.xa"], draft=d)

    rounds = race([[(issue, dict(user_id=u, draft_id=d.pk)) for u in _clerks(p, i)] for i, d in enumerate(drafts)],
                  media_root=str(settings.MEDIA_ROOT))

    expected = sorted(p.agencies[r].pk for r in RECIPIENTS)
    for d, outcomes in zip(drafts, rounds, strict=True):
        won, [lost] = _one_winner(outcomes)
        assert won.value == DraftState.ISSUED
        assert _told_moved_on(lost.value["state"][0], "phát hành", DraftState.ISSUED), lost.value
        d = Draft.objects.get(pk=d.pk)
        assert d.state == DraftState.ISSUED and d.issued_at is not None
        sent = Delivery.objects.filter(document_id=d.document_id)
        assert sorted(sent.values_list("recipient_agency_id", flat=True)) == expected
        assert DeliveryEvent.objects.filter(delivery__document_id=d.document_id, kind=EventKind.SENT).count() == len(
            expected)
    assert any(overlapped(r) for r in rounds)
