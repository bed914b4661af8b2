"""Originals in an S3-compatible object store (moto's server on a loopback port, started by the tests):
registered through the service and the web form, downloaded back byte for byte, removed again when the
transaction rolls back; the store down during an upload (503 in Vietnamese, no row, no number used); and
the orphan sweep over the bucket."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from lienthong.documents import services
from lienthong.documents.models import Document, Register, StoredFile
from lienthong.files import STORE_UNAVAILABLE, sweep
from lienthong.files.storage import StorageUnavailable
from lienthong.files.tests.s3 import store_down, store_up
from lienthong.testing.builders import doc_input, pdf_upload, tiny_pdf

pytestmark = [pytest.mark.xdist_group("processes"), pytest.mark.django_db]

TODAY = dt.date(2018, 3, 20)


def register_in(province, number_symbol="15/QĐ-UBND", files=None):
    data = doc_input("quyet-dinh", "Quyết định phê duyệt kế hoạch", issued_on=dt.date(2018, 3, 1),
                     files=files or [pdf_upload("qd.pdf", "Quyet dinh")])
    return services.document_register_incoming(
        actor=province.users["clerk.stttt"], agency=province.agencies["stttt"], data=data,
        number_symbol=number_symbol, issuer_agency=province.agencies["ubnd"], today=TODAY)


def incoming_post(province, number_symbol: str, pdf: bytes) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    today = timezone.localdate()
    return {
        "agency": province.agencies["vp"].pk, "number_symbol": number_symbol, "issued_on": today.isoformat(),
        "document_type": Document._meta.get_field("document_type").related_model.objects.get(code="thong-bao").pk,
        "issuer_agency": province.agencies["ubnd"].pk, "issuer_name": "", "received_on": today.isoformat(),
        "subject": "Kết luận của Phó Chủ tịch UBND tỉnh", "urgency": "normal", "secrecy": "normal",
        "files": SimpleUploadedFile("ket-luan.pdf", pdf, content_type="application/pdf"),
    }


def incoming_last_number(province, agency="vp") -> int:
    """The last số đến used in the agency's register (0 when the register was never opened)."""
    register = Register.objects.filter(agency=province.agencies[agency], direction="in", is_secret=False).first()
    return register.last_number if register else 0


def test_originals_registered_through_the_form_go_to_the_bucket_and_download_byte_identical(
        clerk_client, province, s3_store):
    pdf = tiny_pdf("Ket luan cuoc hop")

    response = clerk_client.post(reverse("documents:register_incoming"),
                                 incoming_post(province, "32/TB-VP.UBND", pdf))

    assert response.status_code == 302
    stored = StoredFile.objects.get()
    assert stored.sha256 == hashlib.sha256(pdf).hexdigest()
    assert s3_store.names() == {stored.storage_name}
    obj = s3_store.get(stored.storage_name)
    assert obj["Body"].read() == pdf and obj["ServerSideEncryption"] == "AES256"
    doc = Document.objects.get()
    df = doc.files.get()
    download = clerk_client.get(reverse("documents:file", args=[doc.pk, df.pk]))
    assert download.status_code == 200
    assert download["Content-Length"] == str(len(pdf))
    assert b"".join(download.streaming_content) == pdf


def test_the_service_stores_each_file_once_under_its_hash(province, s3_store):
    big = tiny_pdf("Mot " * 20000)
    register_in(province, "15/QĐ-UBND", files=[pdf_upload("a.pdf", "Mot"), pdf_upload("b.pdf", "Hai")])
    register_in(province, "16/QĐ-UBND", files=[pdf_upload("a-again.pdf", "Mot")])  # same bytes as a.pdf
    from django.core.files.uploadedfile import SimpleUploadedFile

    register_in(province, "17/QĐ-UBND", files=[SimpleUploadedFile("lon.pdf", big, content_type="application/pdf")])

    assert s3_store.names() == set(StoredFile.objects.values_list("storage_name", flat=True))
    assert StoredFile.objects.count() == 3
    from lienthong.files import open_original

    with open_original(StoredFile.objects.get(size=len(big)).storage_name) as fh:
        assert fh.read() == big


def test_a_file_over_the_multipart_threshold_goes_up_in_parts_and_comes_back_whole(s3_store):
    import os

    from lienthong.files.storage import open_original, sha256_of, write_original

    data = os.urandom(6 * 1024 * 1024)  # over the tests' 5 MB threshold: a multipart upload of two parts
    written: list[str] = []

    name = write_original(data, sha256_of(data), written)

    assert written == [name] and s3_store.names() == {name}
    assert s3_store.get(name)["ContentLength"] == len(data)
    with open_original(name) as fh:
        assert fh.size == len(data)
        assert b"".join(iter(lambda: fh.read(1024 * 1024), b"")) == data
    assert write_original(data, sha256_of(data), written) == name and written == [name]  # stored once


def test_a_transaction_that_rolls_back_removes_the_object_it_wrote(province, s3_store, monkeypatch):
    from lienthong.documents.services import originals

    def fail(*args, **kwargs):
        raise RuntimeError("index unavailable")

    monkeypatch.setattr(originals.events, "emit", fail)  # fails after the file is written, before commit
    with pytest.raises(RuntimeError):
        register_in(province)

    assert not Document.objects.exists() and not StoredFile.objects.exists()
    assert s3_store.names() == set()


def test_store_down_on_the_web_form_answers_503_and_uses_no_number(clerk_client, province, s3_store, settings):
    first = clerk_client.post(reverse("documents:register_incoming"),
                              incoming_post(province, "32/TB-VP.UBND", tiny_pdf("Mot")))
    assert first.status_code == 302 and incoming_last_number(province) == 1

    store_down(settings)
    refused = clerk_client.post(reverse("documents:register_incoming"),
                                incoming_post(province, "33/TB-VP.UBND", tiny_pdf("Hai")))

    assert refused.status_code == 503 and refused["Retry-After"]
    assert str(STORE_UNAVAILABLE) in refused.content.decode()
    assert Document.objects.count() == 1 and StoredFile.objects.count() == 1
    assert incoming_last_number(province) == 1

    store_up(settings, s3_store)
    again = clerk_client.post(reverse("documents:register_incoming"),
                              incoming_post(province, "33/TB-VP.UBND", tiny_pdf("Hai")))
    assert again.status_code == 302
    assert sorted(Document.objects.values_list("register_number", flat=True)) == [1, 2]  # no gap


def test_store_down_through_the_api_answers_503_json(province, s3_store, settings):
    from lienthong.web.tests.test_document_api import as_user, incoming_form

    store_down(settings)
    response = as_user(province.users["clerk.stttt"]).post("/api/documents/incoming", incoming_form(province))

    assert response.status_code == 503
    assert response.json() == {"code": "storage_unavailable", "message": str(STORE_UNAVAILABLE)}
    assert not Document.objects.exists() and not StoredFile.objects.exists()
    assert incoming_last_number(province, "stttt") == 0

    store_up(settings, s3_store)
    again = as_user(province.users["clerk.stttt"]).post("/api/documents/incoming", incoming_form(province))
    assert again.status_code == 201 and again.json()["register_number"] == 1


def test_store_down_on_download_is_a_clear_error(province, s3_store, settings):
    doc = register_in(province)
    from lienthong.files import open_original

    store_down(settings)
    with pytest.raises(StorageUnavailable):
        open_original(doc.files.get().stored_file.storage_name)


def test_sweep_lists_orphans_and_missing_objects_then_deletes_only_old_orphans(province, s3_store, monkeypatch):
    kept = register_in(province, "15/QĐ-UBND", files=[pdf_upload("a.pdf", "Mot")])
    lost = register_in(province, "16/QĐ-UBND", files=[pdf_upload("b.pdf", "Hai")])
    lost_name = lost.files.get().stored_file.storage_name
    s3_store.remove(lost_name)  # a row whose object is gone
    s3_store.put("originals/ff/ff/orphan", b"left by a crash")  # an object no row refers to
    out = []

    with pytest.raises(CommandError) as dry:
        call_command("sweep_orphans", stdout=_Lines(out), stderr=_Lines(out))

    assert dry.value.returncode == 1
    text = "".join(out)
    assert "orphan originals/ff/ff/orphan" in text and "kept (younger than the grace period)" in text
    assert f"missing {lost_name}" in text
    assert "1 orphan objects (1 younger than 60 min), 0 deleted (dry run); 1 rows without their object." in text

    with pytest.raises(CommandError):  # still young: --delete leaves it
        call_command("sweep_orphans", "--delete", stdout=_Lines([]), stderr=_Lines([]))
    assert "originals/ff/ff/orphan" in s3_store.names()

    later = timezone.now() + dt.timedelta(hours=2)
    monkeypatch.setattr(sweep, "now", lambda: later)
    out.clear()
    with pytest.raises(CommandError):
        call_command("sweep_orphans", "--delete", stdout=_Lines(out), stderr=_Lines(out))

    assert "1 deleted;" in "".join(out)
    assert s3_store.names() == {kept.files.get().stored_file.storage_name}
    assert StoredFile.objects.count() == 2  # rows are never touched


def test_sweep_of_a_consistent_local_folder_finds_nothing(province, settings):
    register_in(province)
    (settings.MEDIA_ROOT / "originals" / "00" / "00").mkdir(parents=True)
    (settings.MEDIA_ROOT / "originals" / "00" / "00" / "stray").write_bytes(b"x")
    out = []

    call_command("sweep_orphans", "--quiet", stdout=_Lines(out))

    assert "2 objects in the store, 1 names referred to by rows; 1 orphan objects" in "".join(out)
    assert "0 rows without their object" in "".join(out)


class _Lines:
    """A stdout for call_command that keeps what was written."""

    def __init__(self, sink: list):
        self.sink = sink

    def write(self, text: str) -> None:
        self.sink.append(text)

    def flush(self) -> None:
        pass


def _report_build(province):
    """A queued report build of a bare campaign (what the build writes is tested in reports)."""
    from lienthong.assessment import services as assessment_services
    from lienthong.assessment.models import AssessmentAuthority, AuthorityKind, Campaign
    from lienthong.assessment.tests.test_workflow import MIC
    from lienthong.reports.models import ReportBuild

    AssessmentAuthority.objects.create(agency=province.agencies["stttt"], kind=AuthorityKind.COUNCIL)
    council = province.users["specialist.stttt"]
    version = assessment_services.criteria_set_import(yaml_text=MIC, actor=council)
    campaign = Campaign.objects.create(year=2017, name="Đánh giá 2017", criteria_set=version,
                                       council_agency=province.agencies["stttt"], created_by=council)
    return ReportBuild.objects.create(campaign=campaign, format="docx", requested_by=council)


def test_a_report_build_file_is_written_to_the_bucket(province, s3_store, monkeypatch):
    from lienthong.reports import services as report_services
    from lienthong.reports.models import BuildState

    build = _report_build(province)
    report = b"PK\x03\x04" + bytes(range(256)) * 40  # the built document (its layout is tested in reports)
    monkeypatch.setattr(report_services, "province_report_bytes", lambda **kwargs: report)

    done = report_services.report_build_run(build_id=build.pk)

    assert done.state == BuildState.DONE
    assert s3_store.names() == {done.file.name}
    assert s3_store.get(done.file.name)["Body"].read() == report
    assert done.file.name.startswith("reports/") and done.file.name.endswith(".docx")


def test_a_report_build_with_the_store_down_fails_and_says_why(province, s3_store, settings, monkeypatch):
    from lienthong.reports import services as report_services
    from lienthong.reports.models import BuildState

    build = _report_build(province)
    monkeypatch.setattr(report_services, "province_report_bytes", lambda **kwargs: b"PK\x03\x04")
    store_down(settings)

    failed = report_services.report_build_run(build_id=build.pk)

    assert failed.state == BuildState.FAILED and not failed.file
    assert str(STORE_UNAVAILABLE) in failed.error


def test_the_readiness_check_tells_a_reachable_store_from_one_that_is_down(s3_store, settings):
    from lienthong.files.storage import check_store

    assert check_store() == f"s3://lienthong-test/{s3_store.prefix}"
    store_down(settings)
    with pytest.raises(StorageUnavailable):
        check_store()
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    assert check_store() == str(settings.MEDIA_ROOT)  # created on a fresh install, as the first upload would


def test_an_import_writes_its_originals_to_the_bucket_in_parallel_and_a_failed_batch_leaves_no_object(
        province, s3_store, tmp_path, monkeypatch):
    from lienthong.files import storage as storage_module
    from lienthong.imports.tests.test_import_documents import DAY, run, write_csv, write_folder

    rows = [[f"S-{i}", "", str(i), f"{i}/CV-X", DAY, DAY, f"Công văn số {i}", "Công văn", "UBND huyện",
             f"tep/{i}.pdf"] for i in range(1, 13)]
    folder = write_folder(tmp_path / "src", {f"tep/{i}.pdf": f"Cong van so {i}" for i in range(1, 13)})
    real = storage_module.default_storage

    class FailingTheNinthSave:
        """The bucket as the writers see it, refusing the ninth object of the batch."""

        def __init__(self):
            self.saves: list[str] = []

        def __getattr__(self, name):
            return getattr(real, name)

        def save(self, name, content, **kw):
            self.saves.append(name)
            if len(self.saves) == 9:
                raise OSError("bucket full")
            return real.save(name, content, **kw)

    failing = FailingTheNinthSave()
    monkeypatch.setattr(storage_module, "default_storage", failing)
    with pytest.raises(StorageUnavailable):
        run(province, write_csv(tmp_path / "t.csv", rows), folder)
    assert len(failing.saves) == 12  # every write of the batch was finished before the failure was raised
    assert not Document.objects.exists() and not StoredFile.objects.exists()
    assert s3_store.names() == set()  # the eleven stored objects were removed with the batch

    monkeypatch.setattr(storage_module, "default_storage", real)
    report = run(province, write_csv(tmp_path / "t.csv", rows), folder)
    assert (report.imported, report.files) == (12, 12)
    assert s3_store.names() == set(StoredFile.objects.values_list("storage_name", flat=True))
    assert len(s3_store.names()) == 12
