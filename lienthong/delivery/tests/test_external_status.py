"""Statuses of external recipients (sent back through the exchange) and recalls of external senders."""

import pytest

from lienthong.core.errors import ValidationFailed
from lienthong.delivery import services
from lienthong.delivery.models import Delivery, DeliveryState, RecallState
from lienthong.documents import services as document_services
from lienthong.testing.builders import doc_input, make_agency, pdf_upload


@pytest.fixture
def to_ministry(province):
    ministry = make_agency("Bộ Nội vụ", "BNV", province.agencies["ubnd"].level, code="000.00.00.G15", external=True)
    clerk = province.users["clerk.stttt"]
    document = document_services.document_register_outgoing(
        actor=clerk, agency=province.agencies["stttt"], data=doc_input(files=[pdf_upload()]))
    return services.delivery_send(actor=clerk, document=document, recipient_ids=[ministry.pk])[0]


def test_external_statuses_move_forward_only_and_are_all_recorded(province, to_ministry):
    moved = [services.delivery_apply_external_status(actor=None, delivery_id=to_ministry.pk, code=c)
             for c in ("01", "05", "03", "06", "02")]

    to_ministry.refresh_from_db()
    assert moved == [True, True, False, True, False]
    assert to_ministry.state == DeliveryState.DONE
    assert [e.code for e in to_ministry.events.all()] == ["", "01", "05", "03", "06", "02"]


def test_a_return_keeps_its_reason_and_an_unknown_code_is_refused(province, to_ministry):
    services.delivery_apply_external_status(actor=None, delivery_id=to_ministry.pk, code="02",
                                            description="Sai nơi nhận")
    to_ministry.refresh_from_db()
    assert (to_ministry.state, to_ministry.reason) == (DeliveryState.RETURNED, "Sai nơi nhận")
    with pytest.raises(ValidationFailed):
        services.delivery_apply_external_status(actor=None, delivery_id=to_ministry.pk, code="99")


def test_recall_answers_only_apply_to_a_pending_recall(province, to_ministry):
    services.delivery_apply_external_status(actor=None, delivery_id=to_ministry.pk, code="01")
    assert services.delivery_apply_external_status(actor=None, delivery_id=to_ministry.pk, code="15") is False
    services.delivery_recall(actor=province.users["clerk.stttt"], document=to_ministry.document, reason="Sai")

    assert services.delivery_apply_external_status(actor=None, delivery_id=to_ministry.pk, code="15") is True
    to_ministry.refresh_from_db()
    assert (to_ministry.state, to_ministry.recall_state) == (DeliveryState.WITHDRAWN, RecallState.ACCEPTED)


def test_an_external_senders_recall_asks_every_live_delivery_once(province, to_ministry):
    # the sender's record of an internal document stands in for an external sender's record here
    document_id = to_ministry.document_id
    services.delivery_apply_external_status(actor=None, delivery_id=to_ministry.pk, code="01")

    asked = services.delivery_recall_request_external(actor=None, document_id=document_id, reason="Thu hồi")
    again = services.delivery_recall_request_external(actor=None, document_id=document_id, reason="Thu hồi")

    assert (asked, again) == (1, 0)
    assert Delivery.objects.get(pk=to_ministry.pk).recall_state == RecallState.REQUESTED
