"""The printouts of processing (Phiếu giải quyết văn bản đến, Sổ theo dõi giải quyết văn bản đến): each printing
is an audit entry. The PDFs themselves are ``processing.printing``."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from lienthong.agencies.models import Agency
from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.processing.models import Handling


def handling_record_print(*, actor, handling: Handling) -> None:
    """The Phiếu giải quyết văn bản đến of one document was printed: logged on the document."""
    audit_log(actor=actor, action=AuditAction.PRINTED, obj_type="document", obj_id=handling.document_id,
              agency_id=handling.agency_id, summary=_("In phiếu giải quyết văn bản đến"))


def tracking_book_record_print(*, actor, agency: Agency, date_from: dt.date, date_to: dt.date) -> None:
    """The Sổ theo dõi giải quyết văn bản đến of an agency was printed for a period: logged on the agency."""
    audit_log(actor=actor, action=AuditAction.PRINTED, obj_type="agency", obj_id=agency.pk, agency_id=agency.pk,
              summary=_("In sổ theo dõi giải quyết văn bản đến %(a)s – %(b)s") % {
                  "a": date_from.strftime("%d/%m/%Y"), "b": date_to.strftime("%d/%m/%Y")})
