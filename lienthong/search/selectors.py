"""Search over the documents a user may see (interface; backends in this app)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from lienthong.core.errors import ValidationFailed
from lienthong.core.text import fold, words
from lienthong.documents.selectors import documents_visible_to


@dataclass
class SearchHit:
    document: object
    rank: float
    snippet: str


def search_documents(*, user, query: str, limit: int = 20, direction=None, year=None) -> list[SearchHit]:
    terms = words(fold(query))
    if not terms:
        raise ValidationFailed({"q": [_("Từ khóa tìm kiếm phải có ít nhất một chữ hoặc số.")]})
    qs = documents_visible_to(user=user).select_related("document_type", "agency")
    for t in terms:
        qs = qs.filter(subject__icontains=t)
    return [SearchHit(document=d, rank=0.0, snippet=d.subject) for d in qs[:limit]]
