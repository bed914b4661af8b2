"""Recommendations for a unit's weak categories (ranking.md §7.8), pure: no database, no settings.

A category is weak when its index (points / max) is below ``threshold`` (0.7 by default, the "Khá" cut-off).
Inside a weak category every criterion scoring under ``criterion_share`` of its maximum names a theme
(IT staffing, digital signatures, electronic exchange, online public services, infrastructure, security…);
each theme gives one concrete recommendation, phrased the way the MIC / provincial reports phrase causes.
Themes come from the criterion codes of the two shipped criteria sets (``mic-2017-default``,
``dti-haugiang-2022``); criteria of other sets are matched by words of their names, and a weak category with
no weak criterion falls back to its category's theme.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

DEFAULT_THRESHOLD = 0.7  # category index below this: weak (the "Khá" band starts at 70 % of the maximum)
DEFAULT_CRITERION_SHARE = 0.5  # criterion points below this share of its maximum: a cause to name

THEMES = {
    "staffing": _("Bố trí cán bộ chuyên trách CNTT (chuyển đổi số, an toàn thông tin) và giao nhiệm vụ bằng văn bản."),
    "staff_skills": _("Cử cán bộ chuyên trách CNTT đi đào tạo, bồi dưỡng nâng cao trình độ (cao đẳng trở lên hoặc "
                      "chứng chỉ chuyên môn)."),
    "training": _("Tổ chức tập huấn kỹ năng CNTT, kỹ năng số và an toàn thông tin cho cán bộ, công chức, viên chức "
                  "trong năm."),
    "leadership": _("Lãnh đạo đơn vị trực tiếp chủ trì các cuộc họp và ký văn bản chỉ đạo về ứng dụng CNTT, chuyển "
                    "đổi số."),
    "signatures": _("Trang bị chứng thư số cho lãnh đạo và cơ quan; ký số toàn bộ văn bản điện tử phát hành "
                    "(Thông tư 41/2017/TT-BTTTT)."),
    "exchange": _("Gửi, nhận văn bản hoàn toàn dưới dạng điện tử qua hệ thống quản lý văn bản, không gửi kèm bản "
                  "giấy, trừ văn bản mật (Quyết định 28/2018/QĐ-TTg)."),
    "e_processing": _("Xử lý văn bản đến và hồ sơ công việc trên hệ thống quản lý văn bản và điều hành; theo dõi hạn "
                      "xử lý trên hệ thống."),
    "usage": _("Yêu cầu mọi cán bộ, công chức sử dụng tài khoản của mình trên hệ thống quản lý văn bản trong công "
               "việc hằng ngày."),
    "email": _("Cấp và yêu cầu sử dụng thư điện tử công vụ cho toàn bộ cán bộ, công chức, viên chức."),
    "software": _("Đưa vào sử dụng phần mềm chuyên ngành, cơ sở dữ liệu phục vụ nghiệp vụ và ban hành quyết định "
                  "đưa vào vận hành."),
    "public_services": _("Rà soát thủ tục hành chính để cung cấp dịch vụ công trực tuyến toàn trình (mức độ 3, 4) "
                         "cho mọi thủ tục đủ điều kiện."),
    "online_dossiers": _("Hướng dẫn, khuyến khích người dân, doanh nghiệp nộp hồ sơ trực tuyến; bố trí cán bộ hỗ trợ "
                         "tại bộ phận một cửa (chỉ tiêu theo Nghị quyết 17/NQ-CP)."),
    "on_time": _("Theo dõi, đôn đốc giải quyết hồ sơ thủ tục hành chính và nhiệm vụ đúng hạn; công khai các trường "
                 "hợp trễ hạn."),
    "infrastructure": _("Bổ sung máy tính cho cán bộ, công chức; nâng cấp đường truyền Internet và kết nối mạng "
                        "truyền số liệu chuyên dùng."),
    "datacenter": _("Đầu tư phòng máy chủ đạt tiêu chuẩn và sao lưu dữ liệu định kỳ."),
    "antivirus": _("Trang bị phần mềm phòng, chống mã độc có bản quyền, quản lý tập trung cho toàn bộ máy tính của "
                   "đơn vị."),
    "security": _("Ban hành quy chế bảo đảm an toàn thông tin; phê duyệt hồ sơ cấp độ hệ thống thông tin và triển "
                  "khai phương án bảo vệ theo cấp độ; kết nối giám sát an toàn thông tin với trung tâm của tỉnh."),
    "portal": _("Cập nhật đầy đủ, kịp thời thông tin bắt buộc trên trang thông tin điện tử (Nghị định "
                "43/2011/NĐ-CP) và bổ sung các chức năng hỗ trợ người dùng."),
    "planning": _("Ban hành kế hoạch ứng dụng CNTT, chuyển đổi số hằng năm và theo dõi tiến độ các nhiệm vụ."),
    "budget": _("Bố trí kinh phí cho ứng dụng CNTT, chuyển đổi số trong dự toán hằng năm."),
    "reporting": _("Gửi báo cáo định kỳ tình hình ứng dụng CNTT đúng hạn (Thông tư 06/2013/TT-BTTTT)."),
    "awareness": _("Ban chỉ đạo chuyển đổi số họp định kỳ; duy trì chuyên mục và tăng cường tin, bài tuyên truyền "
                   "về chuyển đổi số."),
    "commune": _("Hướng dẫn, hỗ trợ UBND cấp xã sử dụng phần mềm quản lý văn bản, một cửa điện tử, nhận hồ sơ trực "
                 "tuyến và trang bị máy tính cho công chức cấp xã."),
    "community": _("Thành lập và duy trì hoạt động tổ công nghệ số cộng đồng tại các ấp, khu vực."),
    "digital_society": _("Đẩy mạnh phổ cập tài khoản dịch vụ công, thanh toán điện tử, hóa đơn điện tử và bán hàng "
                         "trên sàn thương mại điện tử cho người dân, doanh nghiệp."),
}

# Short names of the themes, for tables listing many units.
THEME_LABELS = {
    "staffing": _("cán bộ chuyên trách CNTT"), "staff_skills": _("trình độ cán bộ CNTT"),
    "training": _("tập huấn kỹ năng số"), "leadership": _("sự chỉ đạo của lãnh đạo"), "signatures": _("ký số"),
    "exchange": _("văn bản điện tử"), "e_processing": _("xử lý hồ sơ trên mạng"),
    "usage": _("sử dụng hệ thống quản lý văn bản"), "email": _("thư điện tử công vụ"),
    "software": _("phần mềm chuyên ngành, CSDL"), "public_services": _("dịch vụ công trực tuyến"),
    "online_dossiers": _("hồ sơ trực tuyến"), "on_time": _("giải quyết đúng hạn"),
    "infrastructure": _("máy tính, đường truyền"), "datacenter": _("phòng máy chủ, sao lưu"),
    "antivirus": _("phòng, chống mã độc"), "security": _("an toàn thông tin"), "portal": _("trang thông tin điện tử"),
    "planning": _("kế hoạch CNTT, chuyển đổi số"), "budget": _("kinh phí"), "reporting": _("báo cáo định kỳ"),
    "awareness": _("tuyên truyền, ban chỉ đạo"), "commune": _("ứng dụng CNTT cấp xã"),
    "community": _("tổ công nghệ số cộng đồng"), "digital_society": _("xã hội số, kinh tế số"),
}

# Criterion code → theme, for the shipped sets. Codes of the two sets do not collide.
CRITERION_THEMES = {
    # mic-2017-default
    "A1": "infrastructure", "A2": "antivirus", "A3": "infrastructure", "A4": "infrastructure", "A5": "datacenter",
    "B1": "exchange", "B2": "signatures", "B3": "e_processing", "B4": "email", "B5": "software",
    "C1": "portal", "C2": "portal",
    "D1": "public_services", "D2": "public_services", "D3": "online_dossiers", "D4": "online_dossiers",
    "E1": "planning", "E2": "security", "E3": "budget", "E4": "reporting",
    "F1": "staffing", "F2": "staff_skills", "F3": "training", "F4": "leadership",
    "G1": "commune", "G2": "commune", "G3": "commune",
    # dti-haugiang-2022: sở/ngành (SN) and UBND huyện (H)
    "SN1.1": "awareness", "SN1.2": "leadership", "SN1.3": "leadership", "SN1.4": "awareness", "SN1.5": "awareness",
    "SN2.1": "planning", "SN2.2": "planning", "SN2.3": "planning", "SN2.4": "budget",
    "SN3.1": "staffing", "SN3.2": "training", "SN3.3": "training", "SN3.4": "usage",
    "SN4.1": "security", "SN4.2": "security", "SN4.3": "security", "SN4.4": "antivirus",
    "SN5.1": "exchange", "SN5.2": "signatures", "SN5.3": "e_processing", "SN5.4": "public_services",
    "SN5.5": "online_dossiers", "SN5.6": "on_time", "SN5.7": "on_time",
    "H1.1": "awareness", "H1.2": "leadership", "H1.3": "leadership", "H1.4": "awareness", "H1.5": "awareness",
    "H2.1": "planning", "H2.2": "planning", "H2.3": "planning", "H2.4": "budget",
    "H3.1": "infrastructure", "H3.2": "infrastructure", "H3.3": "infrastructure", "H3.4": "commune",
    "H4.1": "staffing", "H4.2": "training", "H4.3": "community", "H4.4": "usage",
    "H5.1": "security", "H5.2": "security", "H5.3": "security", "H5.4": "antivirus",
    "H6.1": "exchange", "H6.2": "signatures", "H6.3": "e_processing", "H6.4": "public_services",
    "H6.5": "online_dossiers", "H6.6": "on_time", "H6.7": "on_time", "H6.8": "commune",
    "H7.1": "digital_society", "H7.2": "digital_society", "H7.3": "digital_society", "H7.4": "digital_society",
}
CATEGORY_THEMES = {
    "A": "infrastructure", "B": "exchange", "C": "portal", "D": "public_services", "E": "security", "F": "staffing",
    "G": "commune",
    "SN1": "awareness", "SN2": "planning", "SN3": "staffing", "SN4": "security", "SN5": "exchange",
    "H1": "awareness", "H2": "planning", "H3": "infrastructure", "H4": "staffing", "H5": "security", "H6": "exchange",
    "H7": "digital_society",
}
# Other criteria sets: words of a criterion's (or category's) name, first match wins. Lower case, accented.
KEYWORD_THEMES = (
    ("ký số", "signatures"), ("chữ ký số", "signatures"), ("chuyên trách", "staffing"),
    ("an toàn thông tin", "security"), ("mã độc", "antivirus"), ("cấp độ", "security"),
    ("tập huấn", "training"), ("bồi dưỡng", "training"), ("trình độ", "staff_skills"),
    ("hồ sơ", "online_dossiers"), ("dịch vụ công", "public_services"), ("dvctt", "public_services"),
    ("tthc", "public_services"), ("đúng hạn", "on_time"), ("văn bản", "exchange"), ("thư điện tử", "email"),
    ("máy chủ", "datacenter"), ("sao lưu", "datacenter"), ("máy tính", "infrastructure"), ("mạng", "infrastructure"),
    ("băng thông", "infrastructure"), ("hạ tầng", "infrastructure"), ("cổng", "portal"),
    ("trang thông tin", "portal"), ("kế hoạch", "planning"), ("kinh phí", "budget"), ("báo cáo", "reporting"),
    ("lãnh đạo", "leadership"), ("cấp xã", "commune"), ("tuyên truyền", "awareness"), ("nhận thức", "awareness"),
    ("nhân lực", "staffing"), ("phần mềm", "software"), ("cơ sở dữ liệu", "software"),
    ("người dân", "digital_society"), ("doanh nghiệp", "digital_society"),
)


@dataclass(frozen=True)
class Recommendation:
    category_code: str
    category_name: str
    category_index: float  # 0–1
    theme: str
    text: str
    criteria: tuple[str, ...] = ()  # codes of the weak criteria behind it (empty: the category as a whole)
    criteria_names: tuple[str, ...] = ()
    category_order: int = 0  # the category's place in the criteria set (lists of weak groups follow it)

    @property
    def label(self) -> str:
        return str(THEME_LABELS[self.theme])


def theme_for(code: str, name: str = "", *, category: bool = False) -> str | None:
    theme = (CATEGORY_THEMES if category else CRITERION_THEMES).get(code)
    if theme:
        return theme
    low = (name or "").lower()
    return next((t for word, t in KEYWORD_THEMES if word in low), None)


def _part(result, key: str) -> Mapping:
    if isinstance(result, Mapping):
        return result.get(key) or {}
    return getattr(result, key, None) or {}


def weak_categories(result, criteria_set, *, threshold: float = DEFAULT_THRESHOLD) -> list[tuple[object, float]]:
    """(category, index) of the categories counting for the unit whose index is below ``threshold``,
    weakest first (criteria-set order among equals). Lists that only name the weak groups print them in
    criteria-set order (``Recommendation.category_order``), as the criteria set reads: "D, F", never "F, D"."""
    cats = _part(result, "categories")
    out = []
    for order, cat in enumerate(criteria_set.categories):
        row = cats.get(cat.code)
        if not row or row.get("index") is None or not row.get("max"):
            continue
        if row["index"] < threshold - 1e-9:
            out.append((order, cat, float(row["index"])))
    out.sort(key=lambda t: (t[2], t[0]))
    return [(cat, index) for _order, cat, index in out]


def recommendations(result, criteria_set, *, threshold: float = DEFAULT_THRESHOLD,
                    criterion_share: float = DEFAULT_CRITERION_SHARE) -> list[Recommendation]:
    """Recommendations for ``result`` (a mapping or object with ``categories`` {code: {points, max, index}} and
    ``criteria`` {code: {points, max, status}}, as stored on ``Result``) scored with ``criteria_set``.

    Weakest category first; inside it one recommendation per theme, in criteria order."""
    crits = _part(result, "criteria")
    out: list[Recommendation] = []
    order = {cat.code: i for i, cat in enumerate(criteria_set.categories)}
    for cat, index in weak_categories(result, criteria_set, threshold=threshold):
        by_theme: dict[str, list] = {}
        for crit in cat.criteria:
            row = crits.get(crit.code)
            if not row or row.get("status") == "not_applicable" or not row.get("max"):
                continue
            if row.get("points", 0) < criterion_share * row["max"] - 1e-9:
                theme = theme_for(crit.code, crit.name) or theme_for(cat.code, cat.name, category=True)
                if theme:
                    by_theme.setdefault(theme, []).append(crit)
        if not by_theme:
            theme = theme_for(cat.code, cat.name, category=True) or "planning"
            by_theme[theme] = []
        for theme, items in by_theme.items():
            out.append(Recommendation(
                category_code=cat.code, category_name=cat.name, category_index=index, theme=theme,
                text=str(THEMES[theme]), criteria=tuple(c.code for c in items),
                criteria_names=tuple(c.name for c in items), category_order=order[cat.code]))
    return out
