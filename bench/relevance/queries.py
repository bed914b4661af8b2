"""The judged query set: queries as clerks type them, each with a rule giving every generated document a grade.

Grades: 2 = what the clerk is looking for, 1 = related (mentions the topic in its text, or the right topic
in another type than asked), 0 = not relevant. Classes: ``topic`` (a subject, with diacritics),
``topic_ascii`` (the same typed without them), ``type`` (a type name, alone or with a topic), ``agency``
(an issuing agency, alone or with a topic), ``number`` (a partial số/ký hiệu) and ``signer``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from corpus import Spec  # bench/relevance is on sys.path (bench/relevance.py puts it there)

from lienthong.core.text import fold


@dataclass(frozen=True)
class Query:
    text: str
    cls: str
    judge: Callable[[Spec], int]

    @property
    def accented(self) -> bool:
        return fold(self.text) != self.text.lower()


def _topic(key: str) -> Callable[[Spec], int]:
    return lambda s: 2 if s.topic == key else 1 if key in s.mentions else 0


def _type_topic(type_code: str, key: str | None) -> Callable[[Spec], int]:
    if key is None:
        return lambda s: 2 if s.type_code == type_code else 0
    return lambda s: (2 if s.type_code == type_code else 1) if s.topic == key else 0


def _agency(issuer: str, key: str | None = None) -> Callable[[Spec], int]:
    if key is None:
        return lambda s: 2 if s.issuer == issuer else 0
    return lambda s: (2 if s.issuer == issuer else 1) if s.topic == key else 0


def _norm(value: str) -> str:
    return re.sub(r"\s+", "", fold(value)).upper()


def _number(prefix: str) -> Callable[[Spec], int]:
    return lambda s: 2 if _norm(s.number_symbol).startswith(_norm(prefix)) else 0


def _signer(name: str) -> Callable[[Spec], int]:
    return lambda s: 2 if fold(s.signer) == fold(name) else 0


TOPIC_QUERIES = [
    ("chữ ký số", "chu ky so", "chu_ky_so"), ("cải cách hành chính", "cai cach hanh chinh", "cai_cach"),
    ("nông thôn mới", "nong thon moi", "nong_thon"), ("phòng chống thiên tai", "phong chong thien tai", "thien_tai"),
    ("giải phóng mặt bằng", "giai phong mat bang", "giai_phong"),
    ("dự toán ngân sách", "du toan ngan sach", "ngan_sach"),
    ("tiêm chủng", "tiem chung", "tiem_chung"), ("tuyển sinh lớp 10", "tuyen sinh lop 10", "tuyen_sinh"),
    ("ô nhiễm môi trường", "o nhiem moi truong", "moi_truong"),
    ("an toàn giao thông", "an toan giao thong", "giao_thong"), ("văn thư lưu trữ", "van thu luu tru", "van_thu"),
    ("số hóa hồ sơ", "so hoa ho so", "so_hoa"), ("sổ đỏ", "so do", "so_do"),
    ("chủ quyền biển đảo", "chu quyen bien dao", "chu_quyen"),
    ("thi đua khen thưởng", "thi dua khen thuong", "thi_dua"),
    ("tham nhũng", "tham nhung", "tham_nhung"), ("dịch vụ công trực tuyến", "dich vu cong truc tuyen", "dich_vu_cong"),
    ("công khai tài chính", "cong khai tai chinh", "tai_chinh_cong"),
]


def queries(specs: list[Spec]) -> list[Query]:
    out: list[Query] = []
    for accented, ascii_, key in TOPIC_QUERIES:
        out.append(Query(accented, "topic", _topic(key)))
        out.append(Query(ascii_, "topic_ascii", _topic(key)))
    # Diacritics on some syllables only.
    out += [Query("chu ký số", "topic", _topic("chu_ky_so")), Query("tiem chủng", "topic", _topic("tiem_chung"))]
    out += [
        Query("quyết định", "type", _type_topic("quyet-dinh", None)),
        Query("quyet dinh", "type", _type_topic("quyet-dinh", None)),
        Query("tờ trình", "type", _type_topic("to-trinh", None)),
        Query("to trinh", "type", _type_topic("to-trinh", None)),
        Query("kế hoạch tiêm chủng", "type", _type_topic("ke-hoach", "tiem_chung")),
        Query("ke hoach tiem chung", "type", _type_topic("ke-hoach", "tiem_chung")),
        Query("quyết định nông thôn mới", "type", _type_topic("quyet-dinh", "nong_thon")),
        Query("báo cáo cải cách hành chính", "type", _type_topic("bao-cao", "cai_cach")),
        Query("thông báo an toàn giao thông", "type", _type_topic("thong-bao", "giao_thong")),
        Query("công văn chữ ký số", "type", _type_topic("cong-van", "chu_ky_so")),
    ]
    out += [
        Query("sở tài chính", "agency", _agency("stc")),
        Query("so tai chinh", "agency", _agency("stc")),
        Query("sở tài nguyên và môi trường", "agency", _agency("stnmt")),
        Query("so tai nguyen", "agency", _agency("stnmt")),
        Query("sở y tế", "agency", _agency("syt")),
        Query("sở tài chính ngân sách", "agency", _agency("stc", "ngan_sach")),
        Query("sở giáo dục tuyển sinh", "agency", _agency("sgddt", "tuyen_sinh")),
        Query("sở nội vụ văn thư", "agency", _agency("snv", "van_thu")),
    ]
    # Partial numbers as typed: "15/QĐ", "15/qd-stc", "15/KH": taken from the corpus (its numbering is seeded).
    picked = {}
    for spec in specs:
        if spec.topic and spec.type_code not in picked and spec.type_code != "cong-van":
            picked[spec.type_code] = spec
    for n, spec in enumerate(picked.values()):
        number, rest = spec.number_symbol.split("/", 1)
        typed = f"{number}/{rest.split('-')[0]}" if n % 2 == 0 else fold(spec.number_symbol).lower()
        out.append(Query(typed, "number", _number(typed)))
    for name in ("Trần Văn Huyến", "tran van huyen", "Võ Minh Trí", "Phạm Thị Ngọc Hân", "Huỳnh Thanh Tạo",
                 "huynh thanh tao"):
        out.append(Query(name, "signer", _signer(name)))
    return out
