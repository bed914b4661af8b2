"""PAdES signatures placed the way Decree 30/2020 Appendix I prescribes: where they go, the form fields they
create and fill, and how they are made, on the server or with a USB token.

- ``layout``: the checks that refuse what cannot be signed and where things are on the page (the title and
  name lines of ô 7c, the printed number and date lines);
- ``fields``: the number and date text fields and the empty signature fields;
- ``signatures``: the personal, agency and attachment signatures made with a key the server holds;
- ``remote``: the same layouts signed by a USB token (prepare, then finish with the token's value);
- ``sessions``: remote-signing sessions kept in the database between the two halves (ORM: import it as
  ``lienthong.signing.pades.sessions``; everything here is pure functions over bytes);
- ``fonts``, ``images``: the stamp font and the signature and seal images.

Other apps and modules use the names below; pyHanko is imported inside the functions (it costs seconds).
"""

from lienthong.signing.pades.fields import FIELD_DATE, FIELD_NUMBER, add_signature_field, date_words, unique_field_name
from lienthong.signing.pades.layout import (
    MM,
    Box,
    ParsedPdf,
    check_pdf,
    checked_pdf,
    locate_number_date,
    locate_signature_box,
    text_width,
)
from lienthong.signing.pades.remote import (
    Prepared,
    finish_remote,
    prepare_agency,
    prepare_attachment,
    prepare_personal,
)
from lienthong.signing.pades.signatures import (
    BYTES_RESERVED,
    SIG_AGENCY,
    SIG_ATTACHMENT,
    SIG_PERSONAL,
    VN_TZ,
    configure_logging,
    incremental_writer,
    iso_vn,
    sign_agency,
    sign_attachment,
    sign_personal,
    signature_metadata,
    text_stamp_style,
    timestamper,
    vn_now,
)

__all__ = [
    "BYTES_RESERVED", "FIELD_DATE", "FIELD_NUMBER", "MM", "SIG_AGENCY", "SIG_ATTACHMENT", "SIG_PERSONAL", "VN_TZ",
    "Box", "ParsedPdf", "Prepared", "add_signature_field", "check_pdf", "checked_pdf", "configure_logging",
    "date_words", "finish_remote", "incremental_writer", "iso_vn", "locate_number_date", "locate_signature_box",
    "prepare_agency", "prepare_attachment", "prepare_personal", "sign_agency", "sign_attachment", "sign_personal",
    "signature_metadata", "text_stamp_style", "text_width", "timestamper", "unique_field_name", "vn_now",
]
