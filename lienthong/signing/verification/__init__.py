"""Verification of digital signatures: of a PDF's bytes (``signatures.verify_pdf``, pure), of the files the
system stores (``services``: results kept in ``FileVerification`` / ``SignatureCheck``), and the legal validity
of documents that follows from them (``legal_validity``, QĐ 28/2018). ``access`` says who may ask for a file
to be verified again. Apps above this one register what only they know in their ``AppConfig.ready()``:
whether a document went through the system, and who sees a file through them.
"""

from lienthong.signing.verification.access import file_access_provider_register, stored_file_visible
from lienthong.signing.verification.legal_validity import (
    document_validity_refresh,
    documents_went_through,
    went_through_provider_register,
)
from lienthong.signing.verification.services import file_reverify, file_verify, files_verify, files_verify_later
from lienthong.signing.verification.signatures import Report, SignatureResult, has_signature_marker, verify_pdf

__all__ = [
    "Report", "SignatureResult", "document_validity_refresh", "documents_went_through", "file_access_provider_register",
    "file_reverify", "file_verify", "files_verify", "files_verify_later", "has_signature_marker",
    "stored_file_visible", "verify_pdf", "went_through_provider_register",
]
