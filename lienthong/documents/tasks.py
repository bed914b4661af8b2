"""Background jobs of the documents app: thin wrappers that take ids and call a service."""

from lienthong.documents import services


def extract_file_text(file_id: int) -> None:
    services.document_file_extract(file_id=file_id)


def extract_files_text(file_ids: list[int]) -> None:
    """A bulk load's originals (one job per batch): each file's text, then its document's search entry."""
    for file_id in file_ids:
        services.document_file_extract(file_id=file_id)
