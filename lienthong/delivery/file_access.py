"""What the delivery app tells the signing app, which sits below it and may not read deliveries: who sees a
stored file through a delivery to their agency. Registered in ``DeliveryConfig.ready()`` together with
``selectors.documents_delivered`` (whether a document went through the system, for its legal validity)."""

from __future__ import annotations

from lienthong.accounts import selectors as account_selectors
from lienthong.delivery.models import Delivery
from lienthong.documents.models import DocumentFile


def stored_file_delivered_to(*, user, stored_file_id: int) -> bool:
    """Whether ``user`` is văn thư of an agency a document using this file was delivered to."""
    clerk_ids = account_selectors.position_agencies(user=user).clerk_ids
    uses = DocumentFile.objects.filter(stored_file_id=stored_file_id)
    return bool(clerk_ids) and Delivery.objects.filter(
        recipient_agency_id__in=sorted(clerk_ids), document_id__in=uses.values("document_id")).exists()
