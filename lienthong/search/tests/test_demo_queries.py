"""Issue 17's three measured queries, on the demo province: relevant documents first."""

import io

import pytest
from django.core.management import call_command

from lienthong.accounts.models import User
from lienthong.core.text import fold
from lienthong.search.selectors import search_documents


def _texts(hit) -> str:
    doc = hit.document
    return fold(" ".join([doc.subject, doc.issuer_name, doc.document_type.name if doc.document_type_id else ""]))


@pytest.mark.slow_once  # loads the whole demo province
def test_the_issue_queries_put_relevant_documents_first(db):
    call_command("load_demo", "--fast-pdfs", stdout=io.StringIO())
    results = {}
    for username, query in (("vanthu.ubndtinh", "chữ ký số"), ("vanthu.vpubnd", "chữ ký số"),
                            ("vanthu.ubndtinh", "sở tài chính"), ("vanthu.vpubnd", "sở tài chính"),
                            ("vanthu.ubndtinh", "quyet dinh"), ("vanthu.vpubnd", "quyet dinh")):
        results[username, query] = search_documents(user=User.objects.get(username=username), query=query, limit=20)

    for username in ("vanthu.ubndtinh", "vanthu.vpubnd"):
        # "chữ ký số": every answer has the phrase (subject, metadata or text); none only has "CHỦ NGHĨA",
        # "ký" and "Số:" of the layout.
        hits = results[username, "chữ ký số"]
        assert hits, username
        assert all("<mark>chữ</mark> <mark>ký</mark> <mark>số</mark>" in h.snippet.lower() for h in hits), \
            [h.snippet for h in hits]
        # "quyet dinh": the Quyết định documents come before every other type.
        kinds = [fold(h.document.document_type.name) == "quyet dinh" for h in results[username, "quyet dinh"]]
        assert kinds and kinds[0], username
        assert kinds == sorted(kinds, reverse=True), username
    # "sở tài chính": the Department of Finance's own documents, or documents naming it, come first;
    # nothing where "tài" and "chính" stand apart.
    first = results["vanthu.ubndtinh", "sở tài chính"][0].document
    assert fold(first.issuer_name).startswith("so tai chinh")
    for username in ("vanthu.ubndtinh", "vanthu.vpubnd"):
        for hit in results[username, "sở tài chính"]:
            assert "so tai chinh" in fold(hit.snippet.replace("<mark>", "").replace("</mark>", "")) \
                or "so tai chinh" in _texts(hit), (username, hit.document.subject)
