"""The record of a document an external body sent through the inter-system exchange (``lienthong.exchange``).

A delivery always points at the sender's outgoing record; for a sender outside this instance that record is
written here, in a register of the external agency kept for them (``EXCHANGE_REGISTER_CODE``), with the
sender's số, ký hiệu and DocumentId kept as sent (never renumbered). The recipients then register it as for
an internal sender.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.agencies.models import Agency
from lienthong.core.errors import ValidationFailed
from lienthong.core.text import nfc
from lienthong.documents import notation as notation_grammar
from lienthong.documents.models import Direction, Document, DocumentType, Register
from lienthong.documents.numbering import allocate_number
from lienthong.documents.services.inputs import normalize_number_symbol, split_number_symbol
from lienthong.documents.services.originals import ReadFile, first_page_count, store_with_files

# The register of an external agency's documents received here: its numbers are this instance's order of
# arrival, the số, ký hiệu and DocumentId are the sender's.
EXCHANGE_REGISTER_CODE = "lien-thong"
EXCHANGE_REGISTER_NAME = gettext_lazy("Văn bản nhận qua liên thông")


def document_record_external(*, actor, agency: Agency, document_type: DocumentType, number_symbol: str,
                             identifier: str, issued_on: dt.date, subject: str, files: list[ReadFile],
                             urgency: str = "normal", place: str = "", signer_authority: str = "",
                             signer_position: str = "", signer_name: str = "", recipients_text: str = "",
                             due_date: dt.date | None = None) -> Document:
    """Write the outgoing record of an external agency's document as it came (files already checked by the
    caller with ``files_read``). Raises ``ValidationFailed`` when the agency is not external or the same
    số, ký hiệu is already recorded for it that year."""
    if not agency.is_external:
        raise ValidationFailed({"agency": [_("Chỉ ghi văn bản của cơ quan ngoài hệ thống.")]})
    number_symbol = nfc(number_symbol)[:80]
    code_number, code_notation = split_number_symbol(number_symbol)

    def build() -> Document:
        register, _created = Register.objects.get_or_create(
            agency=agency, year=issued_on.year, code=EXCHANGE_REGISTER_CODE,
            defaults={"direction": Direction.OUTGOING, "name": str(EXCHANGE_REGISTER_NAME)})
        doc = Document(
            agency=agency, direction=Direction.OUTGOING, register=register, year=register.year,
            register_number=allocate_number(register=register), document_type=document_type,
            code_number=code_number[:11], code_notation=code_notation[:60], number_symbol=number_symbol,
            number_symbol_norm=normalize_number_symbol(number_symbol), **notation_grammar.stored_parts(number_symbol),
            identifier=identifier[:120], issuer_agency=agency, issuer_name=agency.name, place=nfc(place)[:100],
            issued_on=issued_on, subject=nfc(subject)[:1000], urgency=urgency, signer_authority=signer_authority,
            signer_position=nfc(signer_position)[:100], signer_name=nfc(signer_name)[:100],
            recipients_text=nfc(recipients_text), page_count=first_page_count(files), due_date=due_date,
            created_by=actor,
        )
        try:
            with transaction.atomic():
                doc.save()
        except IntegrityError as exc:
            raise ValidationFailed({"number_symbol": [_("Văn bản số %(s)s của %(a)s đã được ghi nhận.") % {
                "s": number_symbol, "a": agency.name}]}) from exc
        return doc

    return store_with_files(build, files, actor=actor)
