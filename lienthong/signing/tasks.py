"""Background jobs of the signing app: thin wrappers that take ids and call a service."""

from lienthong.signing import services


def verify_files(stored_file_ids: list[int]) -> None:
    services.files_verify(stored_file_ids=stored_file_ids)
