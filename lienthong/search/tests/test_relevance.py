"""Issue 17: phrases first, exact diacritics first, the Decree 30 layout text ignored, type and agency
intent. Run on SQLite and on PostgreSQL (DATABASE_URL): both must give the same answers."""

import pytest

from lienthong.documents.models import DocumentFile
from lienthong.search import ranking
from lienthong.search.tests.helpers import ids, incoming, outgoing, search, with_attachment_text
from lienthong.search.text import parse_query, strip_template

pytestmark = pytest.mark.django_db

LAYOUT = """VĂN PHÒNG UBND TỈNH HẬU GIANG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 15/TB-VP.UBND
Hậu Giang, ngày 05 tháng 3 năm 2018
THÔNG BÁO
{body}
Nơi nhận:
- Sở Tài chính;
- Sở Nội vụ;
- Lưu: VT, TH.
KT. CHÁNH VĂN PHÒNG
PHÓ CHÁNH VĂN PHÒNG
Lê Văn Ba"""


def test_strip_template_removes_the_shared_layout_and_keeps_the_body():
    text = strip_template(LAYOUT.format(body="Các đơn vị chủ động thực hiện kế hoạch."))
    assert "Các đơn vị chủ động thực hiện kế hoạch." in text
    assert "VĂN PHÒNG UBND TỈNH HẬU GIANG" in text  # the issuer's name is not shared text
    for gone in ("CỘNG HÒA", "Độc lập", "Số:", "ngày 05 tháng 3", "Nơi nhận", "Sở Tài chính", "Lưu: VT"):
        assert gone not in text, gone


def test_strip_template_keeps_body_sentences_that_resemble_the_layout():
    body = "Căn cứ Quyết định số: 12/QĐ-UBND của UBND tỉnh, ngày 05 tháng 3 năm 2018 được ghi nhận."
    assert strip_template(body) == body


def test_layout_text_is_not_searchable_but_stays_in_the_extracted_text(province):
    text = LAYOUT.format(body="Triển khai kế hoạch phòng cháy, chữa cháy rừng tràm.")
    doc = with_attachment_text(province, "Thông báo kết luận cuộc họp", text)

    assert ids(search(province, "clerk.vp", "rừng tràm")) == [doc.pk]
    for query in ("cộng hòa xã hội chủ nghĩa", "hạnh phúc", "nơi nhận", "sở nội vụ", "lưu vt"):
        assert search(province, "clerk.vp", query) == [], query
    assert DocumentFile.objects.get(document=doc).extracted_text == text


def test_a_phrase_comes_before_scattered_syllables_which_are_then_left_out(province):
    phrase = with_attachment_text(province, "Về việc triển khai", "Các cơ quan sử dụng chữ ký số chuyên dùng.")
    scattered = with_attachment_text(province, "Về việc báo cáo",
                                     "Các đơn vị chủ động báo cáo định kỳ số liệu về Văn phòng.")

    assert ids(search(province, "clerk.vp", "chữ ký số")) == [phrase.pk]
    assert ids(search(province, "clerk.vp", "chu ky so")) == [phrase.pk]
    # With no phrase anywhere, the scattered match is still an answer.
    assert ids(search(province, "clerk.vp", "chủ động số liệu định kỳ")) == [scattered.pk]


def test_a_query_with_diacritics_puts_every_exact_match_before_folded_ones(province):
    folded_only = outgoing(province, "Về việc chủ ký sổ theo dõi công văn")  # "chu ky so" after folding
    exact = with_attachment_text(province, "Về việc triển khai", "Văn thư sử dụng chữ ký số của cơ quan.")

    assert ids(search(province, "clerk.vp", "chữ ký số")) == [exact.pk, folded_only.pk]
    assert set(ids(search(province, "clerk.vp", "chu ky so"))) == {exact.pk, folded_only.pk}
    # Diacritics on some syllables only: those must match exactly.
    assert ids(search(province, "clerk.vp", "chu ký số")) == [exact.pk, folded_only.pk]
    assert ids(search(province, "clerk.vp", "chu ky sổ")) == [folded_only.pk, exact.pk]


def test_so_is_not_so(province):
    department = outgoing(province, "Đề nghị của sở về kinh phí")
    number = outgoing(province, "Báo cáo số lượng hồ sơ")

    assert ids(search(province, "clerk.vp", "sở")) == [department.pk, number.pk]
    assert ids(search(province, "clerk.vp", "số")) == [number.pk, department.pk]


def test_a_query_naming_a_type_puts_documents_of_that_type_first(province):
    proposal = outgoing(province, "Đề nghị ban hành Quyết định về nông thôn mới", type_code="to-trinh")
    decision = outgoing(province, "Về việc phê duyệt kế hoạch xây dựng nông thôn mới", type_code="quyet-dinh")

    assert ids(search(province, "clerk.vp", "quyet dinh")) == [decision.pk, proposal.pk]
    assert ids(search(province, "clerk.vp", "quyết định nông thôn mới")) == [decision.pk, proposal.pk]
    assert ids(search(province, "clerk.vp", "tờ trình nông thôn mới")) == [proposal.pk, decision.pk]


def test_a_query_naming_an_agency_puts_its_documents_first(province):
    mentioning = incoming(province, "Báo cáo tài nguyên thông tin chính quyền", "05/BC-VP.UBND", issuer="vp")
    own = incoming(province, "Kế hoạch năm", "07/KH-STTTT", issuer="ubnd", agency="stttt")
    from lienthong.documents.models import Document

    Document.objects.filter(pk=own.pk).update(issuer_name="Sở Thông tin và Truyền thông tỉnh Hậu Giang")
    from lienthong.search import services as search_services

    search_services.index_document(document_id=own.pk)
    assert ids(search(province, "clerk.stttt", "sở thông tin")) == [own.pk]
    assert mentioning.pk not in ids(search(province, "clerk.stttt", "so thong tin"))


def test_fields_rank_subject_above_signer_above_body(province):
    body = with_attachment_text(province, "Về việc họp", "Mời đồng chí Thanh Tâm dự họp.")
    signer = outgoing(province, "Về việc khác", signer_name="Nguyễn Thanh Tâm", signer_position="Chánh Văn phòng")
    subject = outgoing(province, "Khen thưởng đồng chí Thanh Tâm")

    assert ids(search(province, "clerk.vp", "thanh tâm")) == [subject.pk, signer.pk, body.pk]


def test_the_plan_takes_the_type_name_and_the_agency_out_of_the_phrase():
    plan = ranking.plan(parse_query("Quyết định sở tài chính ngân sách"), ["Quyết định", "Tờ trình"],
                        [("so", "tai", "chinh")])
    assert plan.type_intent == ("quyet", "dinh")
    assert plan.topic == ("ngan", "sach")
    assert [p.folded for p in plan.match.phrases] == [("ngan",), ("sach",)]
    assert [t.level for t in plan.tiers] == [ranking.EXACT_PHRASE, ranking.PHRASE, ranking.SCATTERED]
