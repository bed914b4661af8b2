"""Writes on documents: registering outgoing and incoming documents, attaching originals, cancelling.

Each service validates everything first (collecting every field error, in Vietnamese), then acts in
one transaction: number, row, files, search entry, audit entry. Files written by a transaction that
rolls back are removed again, so a file and its row exist together or not at all.

The writes are divided by sub-domain; callers import this package (``from lienthong.documents import
services``) and never the modules:

- ``inputs``: the metadata a registration is given (``DocumentInput``) and the checks every registration
  shares, drafting included (``check_metadata``); number/issuer forms used for matching;
- ``registration``: outgoing (drafting flow, or signed on paper) and incoming registration;
- ``originals``: uploads checked, stored and their text extracted, for documents and the other apps;
- ``lifecycle``: cancel, recall/withdraw, legal validity, grants, relations, views recorded;
- ``bulk``: batches of complete, already numbered documents for a bulk load (``imports``).

The search index follows through ``events.DOCUMENT_CHANGED`` (emitted inside the transaction; the search
app subscribes): documents does not know search.
"""

from lienthong.documents.services.bulk import (
    BulkDocument,
    documents_bulk_create,
    files_store_many,
    registers_raise_counters,
)
from lienthong.documents.services.external import document_record_external
from lienthong.documents.services.inputs import (
    CODE_NOTATION_MAX_LENGTH,
    CODE_NUMBER_MAX_LENGTH,
    DUE_DATE_MAX_YEARS_AHEAD,
    INCOMING_CODE_NOTATION_MAX_LENGTH,
    ISSUED_AMOUNT_MAX,
    SCAN_KINDS,
    SUBJECT_MAX_LENGTH,
    DocumentInput,
    agency_may_issue,
    build_notation,
    check_metadata,
    document_identifier,
    earliest_document_date,
    issuer_agency_by_name,
    normalize_number_symbol,
    split_number_symbol,
)
from lienthong.documents.services.lifecycle import (
    document_cancel,
    document_grant,
    document_record_denied,
    document_record_view,
    document_relate,
    document_set_legally_valid,
    document_set_status,
)
from lienthong.documents.services.originals import (
    ReadFile,
    document_attach_files,
    document_file_extract,
    document_originals_remove,
    document_replace_originals,
    files_discard,
    files_read,
    files_store,
    stored_file_read,
)
from lienthong.documents.services.registration import (
    PaperSignature,
    document_register_incoming,
    document_register_outgoing,
    document_register_outgoing_paper,
    find_duplicate_incoming,
)

__all__ = [
    "CODE_NOTATION_MAX_LENGTH", "CODE_NUMBER_MAX_LENGTH", "DUE_DATE_MAX_YEARS_AHEAD",
    "INCOMING_CODE_NOTATION_MAX_LENGTH", "ISSUED_AMOUNT_MAX", "SCAN_KINDS", "SUBJECT_MAX_LENGTH", "BulkDocument",
    "DocumentInput", "PaperSignature", "ReadFile", "agency_may_issue", "build_notation", "check_metadata",
    "document_attach_files", "document_cancel", "document_file_extract", "document_grant", "document_identifier",
    "document_originals_remove", "document_record_denied",
    "document_record_external", "document_record_view", "document_register_incoming", "document_register_outgoing",
    "document_register_outgoing_paper", "document_relate", "document_replace_originals",
    "document_set_legally_valid", "document_set_status", "documents_bulk_create", "earliest_document_date",
    "files_discard", "files_read", "files_store", "files_store_many", "find_duplicate_incoming",
    "issuer_agency_by_name", "normalize_number_symbol", "registers_raise_counters", "split_number_symbol",
    "stored_file_read",
]
