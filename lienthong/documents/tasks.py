"""Background jobs of the documents app: thin wrappers that take ids and call a service."""

from lienthong.documents import services


def extract_file_text(file_id: int) -> None:
    services.document_file_extract(file_id=file_id)
