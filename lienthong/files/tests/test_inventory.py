import datetime as dt

import pytest

from lienthong.documents import services
from lienthong.documents.models import StoredFile
from lienthong.files.inventory import source_labels, stored_objects
from lienthong.testing.builders import doc_input, pdf_upload

pytestmark = pytest.mark.django_db


def test_the_inventory_lists_each_stored_original_with_its_hash_and_size(province):
    services.document_register_incoming(
        actor=province.users["clerk.stttt"], agency=province.agencies["stttt"],
        data=doc_input(files=[pdf_upload("a.pdf", "Mot"), pdf_upload("b.pdf", "Hai")]),
        number_symbol="15/QĐ-UBND", issuer_agency=province.agencies["ubnd"], today=dt.date(2018, 3, 6))

    listed = {obj.name: obj for label, obj in stored_objects() if label == "documents.originals"}

    stored = StoredFile.objects.all()
    assert len(stored) == 2
    assert listed.keys() == {s.storage_name for s in stored}
    for s in stored:
        assert (listed[s.storage_name].sha256, listed[s.storage_name].size) == (s.sha256, s.size)


def test_every_app_keeping_files_registers_its_source():
    assert {"documents.originals", "reports.files"} <= set(source_labels())
