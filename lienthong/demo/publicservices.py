"""A plausible online-public-service catalogue for the demo province (Hậu Giang, 2018).

Each internal department, district and commune People's Committee gets a handful of procedures of its
own fields (names of real procedure kinds; the codes are invented for the demo), at the levels of the
time (NĐ 43/2011: mức độ 1–4, a few raised from 2 to 3 during 2017), and monthly dossier counts from
11/2016 to 12/2017 drawn from a random generator seeded by the agency's code: the same data every time.
Idempotent: an agency that already has procedures is left alone.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils.translation import gettext as _

from lienthong.agencies.models import Agency
from lienthong.publicservices.models import ONLINE_LEVELS, Procedure, ProcedureMonth

FIRST_MONTH = dt.date(2016, 11, 1)
LAST_MONTH = dt.date(2017, 12, 1)
RAISED_ON = dt.date(2017, 6, 1)  # some level-2 services became level 3 from this month

# (keyword in the agency's name, ((field, procedure name), ...))
DEPARTMENT_POOLS = (
    ("Tư pháp", (("Lý lịch tư pháp", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam"),
                 ("Lý lịch tư pháp", "Cấp Phiếu lý lịch tư pháp cho cơ quan tiến hành tố tụng"),
                 ("Công chứng", "Đăng ký hành nghề công chứng"), ("Công chứng", "Thành lập Văn phòng công chứng"),
                 ("Bán đấu giá tài sản", "Cấp thẻ đấu giá viên"))),
    ("Thông tin", (("Xuất bản, In và Phát hành", "Cấp giấy phép hoạt động in"),
                   ("Xuất bản, In và Phát hành", "Cấp phép xuất bản tài liệu không kinh doanh"),
                   ("Báo chí", "Cấp giấy phép xuất bản bản tin"),
                   ("Xuất bản, In và Phát hành", "Đăng ký hoạt động cơ sở in"),
                   ("Phát thanh, truyền hình và thông tin điện tử",
                    "Cấp giấy phép thiết lập trang thông tin điện tử tổng hợp"))),
    ("Xây dựng", (("Hoạt động xây dựng", "Cấp giấy phép xây dựng công trình"),
                  ("Hoạt động xây dựng", "Cấp chứng chỉ hành nghề hoạt động xây dựng"),
                  ("Hoạt động xây dựng", "Thẩm định thiết kế cơ sở"),
                  ("Hoạt động xây dựng", "Cấp chứng chỉ năng lực hoạt động xây dựng"))),
    ("Kế hoạch và Đầu tư", (("Thành lập và hoạt động doanh nghiệp", "Đăng ký thành lập doanh nghiệp tư nhân"),
                            ("Thành lập và hoạt động doanh nghiệp", "Đăng ký thành lập công ty TNHH một thành viên"),
                            ("Thành lập và hoạt động doanh nghiệp", "Đăng ký thay đổi nội dung đăng ký doanh nghiệp"),
                            ("Thành lập và hoạt động doanh nghiệp", "Thông báo tạm ngừng kinh doanh"),
                            ("Đầu tư tại Việt Nam", "Cấp quyết định chủ trương đầu tư"))),
    ("Giao thông", (("Đường bộ", "Đổi giấy phép lái xe do ngành Giao thông vận tải cấp"),
                    ("Đường bộ", "Cấp giấy phép lái xe quốc tế"),
                    ("Đường bộ", "Cấp phù hiệu xe ô tô kinh doanh vận tải"),
                    ("Đường bộ", "Cấp giấy phép kinh doanh vận tải bằng xe ô tô"))),
    ("Tài nguyên", (("Đất đai", "Đăng ký biến động quyền sử dụng đất"),
                    ("Đất đai", "Cấp lại giấy chứng nhận quyền sử dụng đất"),
                    ("Môi trường", "Thẩm định báo cáo đánh giá tác động môi trường"),
                    ("Tài nguyên nước", "Cấp giấy phép khai thác nước dưới đất"))),
    ("Y tế", (("Khám bệnh, chữa bệnh", "Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh"),
              ("Dược phẩm", "Cấp chứng chỉ hành nghề dược"),
              ("Dược phẩm", "Cấp giấy chứng nhận đủ điều kiện kinh doanh dược"),
              ("Khám bệnh, chữa bệnh", "Cấp giấy phép hoạt động phòng khám"))),
    ("Giáo dục", (("Văn bằng, chứng chỉ", "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc"),
                  ("Văn bằng, chứng chỉ", "Chỉnh sửa nội dung văn bằng, chứng chỉ"),
                  ("Giáo dục thường xuyên", "Cho phép thành lập trung tâm ngoại ngữ, tin học"))),
    ("Lao động", (("Việc làm", "Cấp giấy phép lao động cho người nước ngoài"),
                  ("Lao động, tiền lương", "Đăng ký nội quy lao động"),
                  ("Người có công", "Giải quyết chế độ trợ cấp một lần đối với người có công"))),
    ("Công Thương", (("Lưu thông hàng hóa trong nước", "Cấp giấy phép bán lẻ sản phẩm thuốc lá"),
                     ("An toàn thực phẩm", "Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm"),
                     ("Xúc tiến thương mại", "Đăng ký thực hiện khuyến mại"))),
    ("Nông nghiệp", (("Bảo vệ thực vật", "Cấp giấy chứng nhận đủ điều kiện buôn bán thuốc bảo vệ thực vật"),
                     ("Thú y", "Cấp giấy chứng nhận đủ điều kiện vệ sinh thú y"))),
    ("Văn hóa", (("Văn hóa", "Cấp giấy phép kinh doanh karaoke"), ("Văn hóa", "Cấp giấy phép tổ chức lễ hội"),
                 ("Du lịch", "Cấp thẻ hướng dẫn viên du lịch nội địa"))),
    ("Nội vụ", (("Tín ngưỡng, tôn giáo", "Đăng ký hoạt động tín ngưỡng"),
                ("Thi đua, khen thưởng", "Tặng Bằng khen của Chủ tịch UBND tỉnh"))),
    ("Tài chính", (("Tin học, thống kê", "Đăng ký mã số đơn vị có quan hệ với ngân sách"),
                   ("Quản lý giá", "Đăng ký giá của doanh nghiệp"))),
    ("Khoa học", (("Hoạt động khoa học và công nghệ", "Đăng ký hoạt động khoa học và công nghệ"),
                  ("An toàn bức xạ và hạt nhân", "Cấp giấy phép tiến hành công việc bức xạ"))),
)
DISTRICT_POOL = (("Thành lập và hoạt động của hộ kinh doanh", "Đăng ký hộ kinh doanh"),
                 ("Thành lập và hoạt động của hộ kinh doanh", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh"),
                 ("Hộ tịch", "Đăng ký khai sinh có yếu tố nước ngoài"),
                 ("Hộ tịch", "Đăng ký kết hôn có yếu tố nước ngoài"),
                 ("Đất đai", "Cấp giấy chứng nhận quyền sử dụng đất lần đầu"),
                 ("Hoạt động xây dựng", "Cấp giấy phép xây dựng nhà ở riêng lẻ"),
                 ("Chứng thực", "Chứng thực bản sao từ bản chính giấy tờ do cơ quan nước ngoài cấp"),
                 ("Lưu thông hàng hóa trong nước", "Cấp giấy phép bán lẻ rượu"))
COMMUNE_POOL = (("Hộ tịch", "Đăng ký khai sinh"), ("Hộ tịch", "Đăng ký kết hôn"), ("Hộ tịch", "Đăng ký khai tử"),
                ("Chứng thực", "Chứng thực bản sao từ bản chính"), ("Chứng thực", "Chứng thực chữ ký"),
                ("Hộ tịch", "Cấp giấy xác nhận tình trạng hôn nhân"))


def _months():
    month = FIRST_MONTH
    while month <= LAST_MONTH:
        yield month
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _pool(agency):
    if agency.level.code == "xa":
        return COMMUNE_POOL
    if agency.level.code == "huyen":
        return DISTRICT_POOL
    for keyword, pool in DEPARTMENT_POOLS:
        if keyword in agency.name:
            return pool
    return None


def _plan(agency, rng: random.Random):
    """Procedures and month rows of one agency (unsaved)."""
    pool = _pool(agency)
    if pool is None:
        return []
    commune = agency.level.code == "xa"
    out = []
    for i, (field, name) in enumerate(pool):
        code = f"{rng.choice((1, 2))}.{rng.randint(1000, 12000):06d}"
        base_level = rng.choices(("2", "3", "4"), weights=(3, 4, 2) if not commune else (5, 4, 1))[0]
        raised = base_level == "2" and rng.random() < 0.35
        busy = rng.choice((0, 1, 3, 8, 20, 40)) * (3 if commune and i < 2 else 1)
        online_taste = rng.random() * (0.6 if base_level == "4" else 0.3)
        dormant = rng.random() < 0.25  # an online service nobody uses yet
        months = []
        for month in _months():
            level = "3" if raised and month >= RAISED_ON else base_level
            total = max(0, int(rng.gauss(busy, busy / 3 + 0.5)))
            online = 0
            if level in ONLINE_LEVELS and not dormant:
                online = min(total, int(round(total * online_taste * (month.month / 12 + 0.5))))
            settled = max(0, total - rng.randint(0, 2)) if total else 0
            on_time = max(0, settled - (rng.random() < 0.15) * rng.randint(0, max(1, settled // 5)))
            months.append(ProcedureMonth(month=month, online_level=level, total=total, online=online,
                                         settled=settled, on_time=min(on_time, settled)))
        current = "3" if raised else base_level
        procedure = Procedure(agency=agency, code=code, name=name, field=field,
                              online_level=current, level_as_of=LAST_MONTH)
        out.append((procedure, months))
    # codes must be unique inside the agency
    seen: set[str] = set()
    for procedure, _m in out:
        while procedure.code in seen:
            procedure.code = f"{procedure.code.split('.')[0]}.{rng.randint(1000, 12000):06d}"
        seen.add(procedure.code)
    return out


@transaction.atomic
def ensure_demo_catalogue(*, log=None) -> int:
    """Create the demo catalogue for every internal agency of a ranked group that has none yet; returns the
    number of procedures created (0 when everything was already there)."""
    have = set(Procedure.objects.values_list("agency_id", flat=True).distinct())
    agencies = (Agency.objects.filter(is_external=False, is_active=True,
                                      group__code__in=("so-nganh", "ubnd-huyen", "ubnd-xa"))
                .exclude(pk__in=have).select_related("level").order_by("path"))
    procedures: list[Procedure] = []
    month_rows: list[tuple[int, list[ProcedureMonth]]] = []
    for agency in agencies:
        rng = random.Random(f"dvc-demo-{agency.identifier_code or agency.name}")
        for procedure, months in _plan(agency, rng):
            month_rows.append((len(procedures), months))
            procedures.append(procedure)
    if not procedures:
        return 0
    Procedure.objects.bulk_create(procedures, batch_size=1000)
    if procedures[0].pk is None:  # a backend that does not return keys: read them back
        ids = {(a, c): pk for pk, a, c in Procedure.objects.filter(
            agency_id__in={p.agency_id for p in procedures}).values_list("pk", "agency_id", "code")}
        for p in procedures:
            p.pk = ids[(p.agency_id, p.code)]
    rows = []
    for index, months in month_rows:
        for m in months:
            m.procedure_id = procedures[index].pk
            rows.append(m)
    ProcedureMonth.objects.bulk_create(rows, batch_size=2000)
    if log:
        log(_("Dịch vụ công trực tuyến (minh họa): %(p)s thủ tục, %(m)s tháng số liệu.") % {
            "p": len(procedures), "m": len(rows)})
    return len(procedures)
