"""Legal validity (QĐ 28/2018): a document is a legally valid electronic document when one of its files carries
a valid signature of the competent person and a valid signature of the agency, neither from a test CA, and
it went through the system. The signatures are this app's to judge; whether a document went through the
system is known to the app that delivers documents, above this one, which registers a provider at start-up
(``went_through_provider_register``, in its ``AppConfig.ready()``) instead of being imported here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from lienthong.documents import services as document_services
from lienthong.signing import selectors as signing_selectors

#: ``provider(document_ids=set[int]) -> set[int]``: those of the documents that went through the system.
WentThroughProvider = Callable[..., set[int]]
_went_through_providers: list[WentThroughProvider] = []


def went_through_provider_register(provider: WentThroughProvider) -> None:
    """Register ``provider`` (idempotent). Without one, no document counts as having gone through the system."""
    if provider not in _went_through_providers:
        _went_through_providers.append(provider)


def documents_went_through(*, document_ids: Iterable[int]) -> set[int]:
    """Among ``document_ids``: the documents that went through the system, as the registered providers say."""
    ids = {int(i) for i in document_ids}
    found: set[int] = set()
    for provider in _went_through_providers:
        found |= provider(document_ids=ids)
    return found


def document_validity_refresh(*, document_ids) -> None:
    """QĐ 28/2018: a document is a legally valid electronic document when one of its files carries a
    valid signature of the competent person and a valid signature of the agency, neither from a test CA
    (``TrustedCertificate.is_test``: a test authority's signatures have no legal value), and it went through
    the system (an outgoing document delivered to a recipient; an incoming one registered from a
    delivery). Sets ``Document.legally_valid`` accordingly (three queries)."""
    ids = {int(i) for i in document_ids}
    if not ids:
        return
    valid = signing_selectors.documents_signed_by_both(document_ids=ids) & documents_went_through(document_ids=ids)
    document_services.document_set_legally_valid(valid_ids=valid, invalid_ids=ids - valid)


def on_documents_delivered(*, document_ids) -> None:
    """``events.DOCUMENTS_DELIVERED``: the documents went through the system; bring their validity up to date."""
    document_validity_refresh(document_ids=document_ids)
