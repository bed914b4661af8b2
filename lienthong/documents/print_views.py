"""The printed copy of a document's PDF file: a new PDF, stamped on every page, never the original
(``lienthong.documents.printing``). Kept apart from ``views`` so the download of the original stays as it is."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lienthong.core.errors import DomainError, NotFound
from lienthong.core.http import file_response
from lienthong.documents import access, printing


@login_required
@require_GET
def document_file_print(request, document_id: int, file_id: int):
    """``GET /van-ban/<id>/tep/<file_id>/in/``: seen by exactly those who may download the file; every print
    is logged (PRINTED). A file that is not a PDF, or a PDF that cannot be read, goes back to the document
    page with the reason."""
    try:
        df = access.document_file_for(user=request.user, document_id=document_id, file_id=file_id)
    except NotFound:
        raise Http404(_("Không tìm thấy tệp.")) from None
    try:
        copy = printing.document_file_print(actor=request.user, document_file=df)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("documents:detail", document_id=document_id)
    # Shown in the browser to print, except a file flagged for active content, which is only ever saved.
    return file_response(copy.content, filename=copy.filename, content_type="application/pdf",
                         inline=not df.stored_file.has_active_content)
