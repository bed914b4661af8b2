"""Signing credentials: the keys people and agencies sign with, and the certificates that vouch for them.

- ``certificates``: reading certificates and CRLs (PEM or DER), fingerprints, whether one can sign now;
- ``custody``: where a key lives (PKCS#12 on the server behind the owner's PIN, an HSM through PKCS#11, a
  USB token the server never touches) and the pyHanko signer made from it;
- ``trust_store``: the root and intermediate CAs, the test-CA mark, the revocation lists;
- ``services``: the credential writes (import, register, image, deactivate) and the expiry warnings.
"""

from lienthong.signing.credentials.certificates import (
    certificate_check_usable,
    certificate_fields,
    fingerprint,
    load_x509,
)
from lienthong.signing.credentials.custody import (
    WRONG_PIN,
    at_rest_cipher,
    load_pkcs12,
    open_pkcs12,
    open_signer,
    protect_pkcs12,
    signer_for,
)
from lienthong.signing.credentials.services import (
    AGENCY_MANAGERS_ONLY,
    DEFAULT_WIDTH_MM,
    IMAGE_WIDTH_RANGE_MM,
    credential_deactivate,
    credential_expiry_warnings,
    credential_import_pkcs12,
    credential_register_certificate,
    credential_set_image,
)
from lienthong.signing.credentials.trust_store import (
    revocation_list_add,
    trust_store_chain,
    trusted_certificate_add,
    trusted_certificate_set_active,
    trusted_certificate_set_test,
)

__all__ = [
    "AGENCY_MANAGERS_ONLY", "DEFAULT_WIDTH_MM", "IMAGE_WIDTH_RANGE_MM", "WRONG_PIN", "at_rest_cipher",
    "certificate_check_usable", "certificate_fields", "credential_deactivate", "credential_expiry_warnings",
    "credential_import_pkcs12", "credential_register_certificate", "credential_set_image", "fingerprint",
    "load_pkcs12", "load_x509", "open_pkcs12", "open_signer", "protect_pkcs12", "revocation_list_add", "signer_for",
    "trust_store_chain", "trusted_certificate_add", "trusted_certificate_set_active", "trusted_certificate_set_test",
]
