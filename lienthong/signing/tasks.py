"""Background jobs of the signing app: thin wrappers that take ids and call a service."""

from lienthong.signing import credentials, verification


def verify_files(stored_file_ids: list[int]) -> None:
    verification.files_verify(stored_file_ids=stored_file_ids)


def send_credential_expiry_warnings() -> int:
    """Daily (registered in SigningConfig.ready): warn the owners of certificates about to expire."""
    return credentials.credential_expiry_warnings()
