"""``manage.py extract_metadata FILE --json`` and ``manage.py extract_eval DIR`` (issue 19, items 3 and 6)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lienthong.documents.models import DocumentType
from lienthong.intake.extraction import FIELDS
from lienthong.intake.extraction import readers as r
from lienthong.intake.tests import hostile

SET = Path(__file__).resolve().parents[3] / "bench" / "intake"
SEED = SET / "seed-32-TB-VP.UBND.txt"


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_json_output_has_exactly_the_keys_of_the_issue_with_null_for_missing_fields():
    data = json.loads(run("extract_metadata", str(SEED), "--json"))
    assert list(data) == [*FIELDS, "confidence"]
    assert list(data["confidence"]) == list(FIELDS)
    assert data["number_symbol"] == "32/TB-VP.UBND"
    assert data["date"] == "2018-03-05"
    assert data["doc_type"] == "Thông báo"
    assert (data["issuer"], data["parent_issuer"]) == ("VĂN PHÒNG", "UBND TỈNH HẬU GIANG")
    assert data["recipients"] == ["TT: TU, UBND tỉnh", "Sở, ban, ngành tỉnh", "UBND huyện, thị xã, thành phố",
                                  "Lưu: VT"]
    assert (data["signer_authority"], data["signer_position"], data["signer_name"]) == (
        "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "Nguyễn Hoàng Thoại")
    assert data["urgency"] is None and data["addressees"] is None
    assert data["confidence"]["urgency"] == 0.0


@pytest.mark.django_db
def test_a_docx_file_and_the_readable_output(tmp_path):
    path = tmp_path / "cong-van.docx"
    path.write_bytes(hostile.docx_bytes())
    data = json.loads(run("extract_metadata", str(path), "--json"))
    assert (data["number_symbol"], data["doc_type"], data["signer_name"]) == ("45/STTTT-BCVT", "Công văn",
                                                                               "Châu Minh Triết")
    text = run("extract_metadata", str(path))
    assert "subject           triển khai chữ ký số chuyên dùng" in text
    assert "urgency           —" in text


@pytest.mark.django_db
def test_a_password_protected_pdf_is_refused_with_a_vietnamese_message(tmp_path):
    path = tmp_path / "mat.pdf"
    original = hostile.encrypted_pdf()
    path.write_bytes(original)
    with pytest.raises(CommandError, match="được bảo vệ bằng mật khẩu"):
        run("extract_metadata", str(path), "--json")
    assert path.read_bytes() == original  # the original is left as it was


def test_a_missing_file_is_reported():
    with pytest.raises(CommandError, match="Không mở được tệp"):
        run("extract_metadata", "/nonexistent/van-ban.pdf")


@pytest.mark.django_db
def test_the_issuer_is_matched_to_the_directory(province, tmp_path):
    path = tmp_path / "cv.docx"
    path.write_bytes(hostile.docx_bytes())  # "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" under "UBND TỈNH HẬU GIANG"
    data = json.loads(run("extract_metadata", str(path), "--json", "--agency"))
    agency = province.agencies["stttt"]
    assert data["issuer_agency"] == {"id": agency.pk, "name": agency.name}
    seed = json.loads(run("extract_metadata", str(SEED), "--json", "--agency"))  # "VĂN PHÒNG" of the UBND
    assert seed["issuer_agency"]["id"] == province.agencies["vp"].pk
    unknown = tmp_path / "la.txt"
    unknown.write_text("BỘ NGOẠI GIAO\nSố: 12/BNG-LS Hà Nội, ngày 5 tháng 3 năm 2018\n", encoding="utf-8")
    assert json.loads(run("extract_metadata", str(unknown), "--json", "--agency"))["issuer_agency"] is None


@pytest.mark.django_db
def test_a_type_added_to_the_catalogue_is_recognised(tmp_path):
    DocumentType.objects.create(code="phieu-trinh", name="Phiếu trình", abbreviation="PTr", kind="administrative")
    path = tmp_path / "pt.txt"
    path.write_text("SỞ TÀI CHÍNH\nSố: 09/PTr-STC Hậu Giang, ngày 5 tháng 3 năm 2018\n\nPHIẾU TRÌNH\n"
                    "Giải quyết hồ sơ thanh toán\n\nNội dung.\n", encoding="utf-8")
    data = json.loads(run("extract_metadata", str(path), "--json"))
    assert (data["doc_type"], data["subject"]) == ("Phiếu trình", "Giải quyết hồ sơ thanh toán")


@pytest.mark.django_db
def test_extract_eval_prints_the_rate_of_each_field_on_the_projects_set():
    out = run("extract_eval", str(SET), "--misses", "5")
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["field", "txt", "(n=57)"]
    rates = {line.split()[0]: float(line.split()[1]) for line in lines[2:2 + len(FIELDS)]}
    assert set(rates) == set(FIELDS)
    for name, target in (("number_symbol", 98), ("date", 98), ("doc_type", 98), ("issuer", 95),
                         ("signer_name", 95), ("subject", 90), ("recipients", 90)):
        assert rates[name] >= target, out


@pytest.mark.django_db
def test_extract_eval_counts_unreadable_files_and_wrong_values(tmp_path):
    (tmp_path / "labels.jsonl").write_text(
        json.dumps({"id": "a", **dict.fromkeys(FIELDS), "number": "99"}) + "\n"
        + json.dumps({"id": "b", **dict.fromkeys(FIELDS)}) + "\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("BỘ Y TẾ\nSố: 12/BYT-KCB\n", encoding="utf-8")
    (tmp_path / "b.pdf").write_bytes(hostile.encrypted_pdf())
    out = run("extract_eval", str(tmp_path), "--misses", "3")
    assert "a.txt number: '99' ≠ '12'" in out
    assert "b.pdf: " + r.PDF_ENCRYPTED in out


def test_extract_eval_without_labels_is_refused(tmp_path):
    with pytest.raises(CommandError, match="labels.jsonl"):
        run("extract_eval", str(tmp_path))
