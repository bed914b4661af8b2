"""``{% verification_panel stored_file %}``: what verifying a file's digital signatures found (each
signature's signer, organisation, signing time, certificate issuer; whether the file is intact, the
chain reaches a trusted root, anything changed after signing) and a button to verify again.

``{% signature_flag status %}``: the small badge list pages show for a failing file."""

from django import template

from lienthong.signing import selectors
from lienthong.signing.models import verification_label

register = template.Library()


@register.inclusion_tag("signing/verification_panel.html", takes_context=True)
def verification_panel(context, stored_file, filename=""):
    request = context.get("request")
    stored_file_id = getattr(stored_file, "pk", stored_file)
    verification = selectors.verification_of(stored_file_id=stored_file_id)
    return {
        "verification": verification,
        "signatures": list(verification.signatures.all()) if verification else [],
        "status_label": verification_label(verification.status, verification.test_authority) if verification else "",
        "stored_file_id": stored_file_id,
        "filename": filename,
        "next": request.get_full_path() if request else "",
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("signing/_legal_validity.html")
def legal_validity_badge(document):
    """The document header's word on its legal value (QĐ 28/2018): legally valid; its signatures still
    being checked (the verification job has not run yet); or valid signatures from a test CA."""
    state = "" if document.legally_valid else selectors.document_signature_state(document_id=document.pk)
    return {"doc": document, "state": state}


@register.inclusion_tag("signing/_signature_flag.html")
def signature_flag(failing):
    return {"failing": failing}
