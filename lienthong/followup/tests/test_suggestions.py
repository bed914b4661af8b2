"""Candidate tasks read from the seed notice's text (pure, no database)."""

import datetime as dt
import textwrap

from lienthong.followup.suggestions import AgencyName, read_deadline, split_sentences, suggest
from lienthong.followup.tests.conftest import SEED_TEXT

DIRECTORY = [
    AgencyName(1, ("Văn phòng Ủy ban nhân dân tỉnh Hậu Giang", "VP UBND tỉnh")),
    AgencyName(2, ("Sở Thông tin và Truyền thông tỉnh Hậu Giang", "Sở TT&TT")),
    AgencyName(3, ("Công ty Cổ phần Phần mềm Quản lý Hành chính", "nhà thầu")),
    AgencyName(4, ("Cục Thống kê tỉnh Hậu Giang", "Cục Thống kê")),
    AgencyName(5, ("Ủy ban nhân dân tỉnh Hậu Giang", "UBND tỉnh")),
]


def test_the_seed_notice_gives_the_office_and_the_contractor_tasks():
    found = suggest(SEED_TEXT, DIRECTORY, year=2018)
    by_opener = {s.opener: s for s in found if s.opener}
    office = by_opener["giao"]
    assert office.lead_agency_id == 1  # "Văn phòng UBND tỉnh" matched to the directory's full name
    assert office.content.startswith("Văn phòng UBND tỉnh rà soát, tổng hợp tình hình sử dụng")
    assert "đôn đốc các đơn vị" in office.passage
    contractor = by_opener["yêu cầu"]
    assert contractor.lead_agency_id == 3 and "khắc phục những lỗi của phần mềm" in contractor.content
    # Headings in capitals and the letterhead are not candidates; every candidate is a sentence of the text.
    assert all(not s.passage.isupper() for s in found)
    assert all(s.passage in " ".join(SEED_TEXT.split()) for s in found)


def test_deadlines_written_in_a_sentence():
    assert read_deadline("Sở TT&TT báo cáo UBND tỉnh trước ngày 15/3/2018.", year=2018) == dt.date(2018, 3, 15)
    assert read_deadline("hoàn thành chậm nhất ngày 5 tháng 4 năm 2018", year=2018) == dt.date(2018, 4, 5)
    assert read_deadline("báo cáo trước ngày 20/4", year=2018) == dt.date(2018, 4, 20)
    assert read_deadline("triển khai trong tháng 6/2018", year=2018) == dt.date(2018, 6, 30)
    assert read_deadline("hoàn thành trong quý II năm 2019", year=2018) == dt.date(2019, 6, 30)
    assert read_deadline("thực hiện thường xuyên", year=2018) is None


def test_agency_subject_opener_coordinators_and_routine():
    text = ("Đề nghị Sở TT&TT chủ trì, phối hợp với Cục Thống kê hoàn thành trước ngày 31/3/2018. "
            "Sở Thông tin và Truyền thông thường xuyên hướng dẫn các đơn vị. Cần rà soát lại số liệu.")
    first, second = suggest(text, DIRECTORY, year=2018)
    assert (first.opener, first.lead_agency_id, first.coordinator_ids, first.deadline) == (
        "đề nghị", 2, [4], dt.date(2018, 3, 31))
    assert (second.opener, second.lead_agency_id, second.routine) == ("", 2, True)
    assert len(split_sentences(text)) == 3


def test_lines_broken_as_in_a_pdf_are_joined_into_sentences():
    """Text extracted from a PDF breaks every printed line: the same candidates, whole."""
    wrapped = "\n".join("\n".join(textwrap.wrap(p, 70)) for p in SEED_TEXT.splitlines())
    assert [(s.opener, s.lead_agency_id, s.passage) for s in suggest(wrapped, DIRECTORY, year=2018)] == [
        (s.opener, s.lead_agency_id, s.passage) for s in suggest(SEED_TEXT, DIRECTORY, year=2018)]
