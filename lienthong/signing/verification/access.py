"""Who may have a stored file verified again: anyone who sees a document using it, or who sees it through an
app above this one — a delivery to their agency, a draft. Those apps register a check at start-up
(``file_access_provider_register``, in their ``AppConfig.ready()``) instead of being imported here.
"""

from __future__ import annotations

from collections.abc import Callable

from lienthong.documents.models import DocumentFile
from lienthong.documents.selectors import documents_visible_to

#: ``check(user=..., stored_file_id=int) -> bool``: whether ``user`` sees the file through the registering app.
FileAccessCheck = Callable[..., bool]
_file_access_checks: list[FileAccessCheck] = []


def file_access_provider_register(check: FileAccessCheck) -> None:
    """Register ``check`` (idempotent); the checks are asked in the order they were registered."""
    if check not in _file_access_checks:
        _file_access_checks.append(check)


def stored_file_visible(*, user, stored_file_id: int) -> bool:
    """Whether ``user`` sees a document using this file, or sees the file through a registered app."""
    uses = DocumentFile.objects.filter(stored_file_id=stored_file_id)
    if documents_visible_to(user=user).filter(pk__in=uses.values("document_id")).exists():
        return True
    return any(check(user=user, stored_file_id=stored_file_id) for check in _file_access_checks)
