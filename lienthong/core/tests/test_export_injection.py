"""Spreadsheet formula injection (issue 11, defect 8): text typed by users reaches every XLSX and CSV the
system produces (directory, register books, usage oversight, ranking report, commendation proposals and
templates, public-service template) and must never be read as a formula there, while staying visible.

The scenario writes a formula-looking value into every user-editable text field that an export shows, then
opens every export the way a spreadsheet would: no formula cell, no text cell (in the parsed workbook and in
the raw sheet XML) starting with ``= + - @ TAB CR`` (also after leading blanks), the text still there.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from lienthong.agencies.models import AdministrativeLevel, Agency, AgencyGroup
from lienthong.assessment import services as assessment
from lienthong.assessment.models import (
    AssessmentAuthority,
    AuthorityKind,
    Campaign,
    CampaignState,
    CampaignUnit,
    SelfAssessment,
)
from lienthong.assessment.tests.test_workflow import GOOD, MIC, PUBLISHED_ON, WEAK
from lienthong.documents import services as documents
from lienthong.documents.models import Direction, Document, DocumentType, Register
from lienthong.testing.builders import doc_input

pytestmark = pytest.mark.django_db

CMD = "=cmd|' /C calc'!A0"
PLUS = "+1+1"
MINUS = "-2+3"
AT = "@SUM(A1)"
TAB = "\t=1"
CR = "\r=1"
PAYLOADS = (CMD, PLUS, MINUS, AT, TAB, CR)

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*%?")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")  # how OOXML writes control characters inside text
_SAVED_TO_A_FILE = re.compile(r"\b(?:wb|workbook|book)\.save\(")  # openpyxl's own save, helper bypassed


def looks_like_formula(text: str) -> bool:
    """What a spreadsheet may evaluate: a leading trigger, also behind blanks; a bare number or a lone
    "-"/"+" placeholder cannot call anything."""
    head = text.lstrip()
    if not (text[:1] in TRIGGERS or head[:1] in TRIGGERS):
        return False
    return not (_PLAIN_NUMBER.fullmatch(text) or text in ("-", "+"))


def xlsx_texts(content: bytes) -> list[str]:
    """Every text of every sheet; fails on a formula cell or on a text a spreadsheet could evaluate."""
    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        parts = [n for n in archive.namelist()
                 if n.startswith("xl/worksheets/") and n.endswith(".xml") or n == "xl/sharedStrings.xml"]
        for name in parts:
            root = ElementTree.fromstring(archive.read(name))
            formulas = [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "f"]
            assert not formulas, f"{name} holds formulas: {[e.text for e in formulas]}"
            for element in root.iter():
                if element.tag.rsplit("}", 1)[-1] == "t" and element.text:
                    raw = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), element.text)
                    assert not looks_like_formula(raw), f"{name}: raw text {raw!r}"
    texts = []
    for ws in load_workbook(io.BytesIO(content)).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert not looks_like_formula(cell.value), f"{ws.title}!{cell.coordinate}: {cell.value!r}"
                    texts.append(cell.value)
    return texts


def csv_texts(content: bytes) -> list[str]:
    texts = [v for row in csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")) for v in row]
    bad = [v for v in texts if looks_like_formula(v)]
    assert not bad, f"CSV cells a spreadsheet would evaluate: {bad}"
    return texts


def shown(value: str, texts: list[str]) -> bool:
    """``value`` is still readable in some cell (behind the apostrophe that keeps it text)."""
    return any(value in t for t in texts)


@pytest.fixture
def poisoned(province, client):
    """The test province whose every user-typed text starts like a formula, with one approved ranking
    campaign, registered documents, a reform index and usage figures for the oversight table."""
    p = province
    a, u = p.agencies, p.users
    names = {"ubnd": PLUS, "vp": CMD, "stttt": MINUS, "huyen": AT, "xa": TAB}
    for key, payload in names.items():
        agency = a[key]
        Agency.objects.filter(pk=agency.pk).update(
            name=payload if key == "vp" else f"{payload} {agency.name}", short_name=f"{CR} {agency.abbreviation}",
            abbreviation=f"{AT}{key}", place_name=f"{MINUS} Vị Thanh")
        agency.refresh_from_db()
    AdministrativeLevel.objects.update(name=CMD)
    AgencyGroup.objects.update(name=PLUS)

    # Documents: the outgoing and the incoming register book.
    DocumentType.objects.filter(code="thong-bao").update(name=MINUS)
    out = documents.document_register_outgoing(
        actor=u["clerk.vp"], agency=a["vp"], today=dt.date(2018, 3, 20),
        data=doc_input("thong-bao", f"{CMD} kết luận cuộc họp", issued_on=dt.date(2018, 3, 5),
                       signer_name=AT, signer_position="Chánh Văn phòng", recipients_text="- Lưu: VT.", notes=PLUS))
    # The form trims leading blanks; text stored by other ways (imports, the admin, the API) may keep them.
    Document.objects.filter(pk=out.pk).update(signer_name=TAB, recipients_text=f"{CR}\n- Lưu: VT.")
    documents.document_register_incoming(
        actor=u["clerk.vp"], agency=a["vp"], today=dt.date(2018, 3, 20),
        data=doc_input("cong-van", f"{PLUS} góp ý dự thảo", issued_on=dt.date(2018, 3, 2), notes=MINUS),
        number_symbol="125/STTTT-VP", issuer_agency=a["stttt"], received_on=dt.date(2018, 3, 6))
    Register.objects.filter(agency=a["vp"]).update(name=AT)

    # The ranking campaign: group, category and criterion names, reasons, the approval decision.
    for kind, key in ((AuthorityKind.COUNCIL, "stttt"), (AuthorityKind.APPROVER, "ubnd"),
                      (AuthorityKind.OFFICE, "vp")):
        AssessmentAuthority.objects.create(agency=a[key], kind=kind)
    yaml_text = (MIC.replace('name: "Sở, ban, ngành tỉnh"', 'name: "=cmd|\' /C calc\'!A0 Sở, ban, ngành"')
                 .replace('name: "UBND huyện, thị xã, thành phố"', 'name: "+1+1 UBND huyện"')
                 .replace('name: "Hạ tầng kỹ thuật CNTT"', 'name: "-2+3 Hạ tầng"')
                 .replace('name: "Tỷ lệ CBCCVC được trang bị máy tính"', 'name: "@SUM(A1) Tỷ lệ máy tính"'))
    assert yaml_text.count("=cmd|") == 1 and "@SUM(A1) Tỷ lệ" in yaml_text
    council = u["specialist.stttt"]
    version = assessment.criteria_set_import(yaml_text=yaml_text, actor=council)
    campaign = assessment.campaign_create(actor=council, year=2017, criteria_set=version, units=[
        assessment.UnitInput(a["vp"].pk, "so_nganh"),
        assessment.UnitInput(a["stttt"].pk, "so_nganh", separate_reason="Ngành dọc"),
        assessment.UnitInput(a["huyen"].pk, "ubnd_huyen"),
        assessment.UnitInput(a["xa"].pk, "ubnd_huyen", excluded=True, excluded_reason="Chưa đánh giá"),
    ])
    # Stored as typed (the form trims surrounding blanks; an import or the admin may not).
    CampaignUnit.objects.filter(campaign=campaign, agency=a["stttt"]).update(separate_reason=f"{CR} ngành dọc")
    CampaignUnit.objects.filter(campaign=campaign, agency=a["xa"]).update(excluded_reason=f"{MINUS} chưa đánh giá")
    Campaign.objects.filter(pk=campaign.pk).update(name=f"{TAB} Đợt 2017")
    campaign.refresh_from_db()
    campaign = assessment.campaign_publish(actor=council, campaign=campaign, today=PUBLISHED_ON)
    for key, values in (("vp", GOOD), ("stttt", WEAK), ("huyen", {**GOOD, "G1": 1, "G2": 0.2, "G3": 1}),
                        ("xa", WEAK)):
        sa = SelfAssessment.objects.get(campaign_unit__campaign=campaign, campaign_unit__agency=a[key])
        assessment.self_assessment_save(actor=u[f"specialist.{key}"], self_assessment=sa, values=values)
    for to in (CampaignState.REVIEW, CampaignState.COUNCIL):
        assessment.campaign_advance(actor=council, campaign=campaign, to=to)
    assessment.campaign_compute_results(actor=council, campaign=campaign)
    assessment.campaign_approve(actor=u["leader.ubnd"], campaign=campaign, decision=f"{AT} Quyết định 321")
    campaign.refresh_from_db()
    assert CampaignUnit.objects.filter(campaign=campaign, separate_reason__startswith=CR).exists()
    return p, council, campaign


def test_the_oversight_export_keeps_a_formula_named_agency_as_text(poisoned, client):
    """The defect as reported: the agency "=cmd|' /C calc'!A0" became a live formula in the oversight XLSX."""
    p, _council, _campaign = poisoned
    client.force_login(p.users["clerk.vp"])
    response = client.get("/giam-sat/xuat.xlsx?month_from=2018-01&month_to=2018-03")
    assert response.status_code == 200
    texts = xlsx_texts(response.content)
    assert "'" + CMD in texts  # the name as written, kept text by the apostrophe
    for payload in (PLUS, MINUS, AT, TAB, CMD):
        assert shown(payload, texts), payload


def test_every_export_neutralises_formula_like_text_and_keeps_it_visible(poisoned, client):
    from lienthong.agencies import importexport
    from lienthong.commendations import services as commendations
    from lienthong.commendations.models import ReformIndexScore
    from lienthong.documents.register_book import register_book_xlsx
    from lienthong.publicservices import services as publicservices
    from lienthong.reports.data import campaign_report
    from lienthong.reports.xlsx_report import build_xlsx

    p, council, campaign = poisoned
    a = p.agencies

    # Agency directory, both formats.
    for texts in (xlsx_texts(importexport.agencies_export_xlsx()), csv_texts(importexport.agencies_export_csv())):
        assert "'" + CMD in texts and "'" + f"{AT}vp" in texts and "'" + f"{MINUS} Vị Thanh" in texts
        for payload in PAYLOADS:
            assert shown(payload, texts), payload

    # Register books: outgoing (subject behind a formula-like type name, signer, recipients, notes) and
    # incoming (author = the issuing agency's name).
    registers = Register.objects.filter(agency=a["vp"], documents__isnull=False).distinct()
    assert {r.direction for r in registers} == {Direction.OUTGOING, Direction.INCOMING}
    for register in registers:
        texts = xlsx_texts(register_book_xlsx(register=register))
        assert shown(AT, texts)  # the register's name on the cover
        if register.direction == Direction.OUTGOING:
            assert f"'{MINUS} {CMD} kết luận cuộc họp" in texts
            for cell in (f"'{TAB}\nChánh Văn phòng", f"'{CR}\n- Lưu: VT.", "'" + PLUS):  # signer, recipients, notes
                assert cell in texts, cell
        else:
            assert "'" + a["stttt"].name in texts and shown(PLUS, texts)

    # Ranking report.
    texts = xlsx_texts(build_xlsx(campaign_report(campaign)))
    for value in (a["stttt"].name, a["huyen"].name, f"{CR} ngành dọc", f"{MINUS} chưa đánh giá",
                  f"{AT} Quyết định 321", "+1+1 UBND huyện", CMD):
        assert shown(value, texts), value
    assert "'" + CMD in texts

    # Commendations: the reform-index template (agency list) in both formats, then an import by a name copied
    # from that list (apostrophe included) and the proposals workbook.
    template = commendations.reform_template_xlsx(year=2017)
    texts = xlsx_texts(template)
    assert "'" + CMD in texts and "'" + a["stttt"].name in texts
    csv_texts(commendations.reform_template_csv())
    data = ("\ufeffMã định danh,Tên cơ quan,Năm,Chỉ số CCHC,Xếp hạng\r\n"
            f",\"'{CMD}\",2017,85,1\r\n{a['huyen'].identifier_code},,2017,80,2\r\n").encode()
    commendations.reform_scores_import(actor=p.users["specialist.vp"], data=data, filename="cchc.csv")
    assert ReformIndexScore.objects.filter(agency=a["vp"], year=2017).exists()
    client.force_login(council)
    response = client.get(reverse("commendations:proposals_xlsx", args=[campaign.pk]))
    assert response.status_code == 200
    texts = xlsx_texts(response.content)
    for value in (CMD, a["huyen"].name, "+1+1 UBND huyện", f"{TAB} Đợt 2017"):
        assert shown(value, texts), value

    # Public-service import template (fixed text only, but written by the same helper).
    xlsx_texts(publicservices.import_template(fmt="xlsx"))
    csv_texts(publicservices.import_template(fmt="csv"))


def test_numbers_dates_and_harmless_text_are_written_unchanged():
    from lienthong.core import exports

    when = dt.datetime(2018, 3, 5, 9, 30)
    for value in (None, 0, -12, 3.5, True, False, dt.date(2018, 3, 5), when, "01/QĐ-UBND", "Sở Tài chính",
                  "-", "+", "-12", "-1.5", "+84", "12/2018", "Hội nghị - hội thảo"):
        assert exports.cell_value(value) == value, value
    from decimal import Decimal

    assert exports.cell_value(Decimal("-1.25")) == Decimal("-1.25")
    for text in PAYLOADS + ("- Như trên;\n- Lưu: VT.", "+ Lưu", " =1", "\u00a0=1", "=", "-A1"):
        assert exports.cell_value(text) == "'" + text, text
    assert exports.unprotected("'" + CMD) == CMD and exports.unprotected("'Sở") == "'Sở"


def test_every_workbook_and_csv_is_written_through_the_one_helper():
    """A new export that saves its workbook or writes CSV by itself would skip the neutralisation."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root.parent).as_posix()
        if "/tests/" in relative or "/migrations/" in relative or relative == "lienthong/core/exports.py":
            continue
        source = path.read_text(encoding="utf-8")
        if "csv.writer(" in source or "csv.DictWriter(" in source:
            offenders.append(f"{relative}: CSV written without exports.csv_bytes")
        if re.search(r"from openpyxl import .*\bWorkbook\b", source):
            if _SAVED_TO_A_FILE.search(source) or "exports.workbook_bytes(" not in source:
                offenders.append(f"{relative}: workbook saved without exports.workbook_bytes")
            if "write_only=True" in source and "exports.cell_value(" not in source:
                offenders.append(f"{relative}: write-only cells written without exports.cell_value")
    assert offenders == []
