"""The same file verified by two processes at once (two clerks uploading the same PDF at the same instant:
one stored file, each upload asks for its verification). One result is kept, neither call fails."""

from __future__ import annotations

import pytest

ROUNDS = 4

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def verify(*, stored_file_id):
    from lienthong.signing.verification import services

    return services.file_verify(stored_file_id=stored_file_id).status


def test_two_processes_verifying_the_same_file_keep_one_result(province, settings):
    from lienthong.documents import services as documents
    from lienthong.documents.models import DocumentFile
    from lienthong.signing.models import FileVerification
    from lienthong.testing.builders import doc_input, pdf_upload
    from lienthong.testing.parallel import race

    ids = []
    for i in range(ROUNDS):
        doc = documents.document_register_outgoing(
            actor=province.users["clerk.vp"], agency=province.agencies["vp"],
            data=doc_input("thong-bao", f"Thông báo {i}", files=[pdf_upload(f"tb-{i}.pdf", text=f"TB {i}")]))
        ids.append(DocumentFile.objects.get(document=doc).stored_file_id)
    FileVerification.objects.all().delete()

    rounds = race([[(verify, dict(stored_file_id=f)), (verify, dict(stored_file_id=f))] for f in ids],
                  media_root=str(settings.MEDIA_ROOT))

    for f, outcomes in zip(ids, rounds, strict=True):
        assert [o.status for o in outcomes] == ["ok", "ok"], outcomes
        assert FileVerification.objects.filter(stored_file_id=f).count() == 1
