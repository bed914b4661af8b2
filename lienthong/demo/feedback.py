"""Problem reports in the demo (issue 20 part B): a handful sent by people of the province in the last weeks, in
every state the operator's queue shows (new, answered, fixed in a release, closed, one past its SLA, one older than
a month), and one the system opened itself from an unhandled error, seen twice. Times are relative to today so
that the Office's monthly report and the dashboard tile have this month's figures."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.feedback import services
from lienthong.feedback.models import Kind, ProblemReport, Severity

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)

TRACE = '''Traceback (most recent call last):
  File "/srv/lienthong/lienthong/processing/views.py", line 212, in assignment_complete
    handling = selectors.handling_for(user=request.user, handling_id=handling_id)
  File "/srv/lienthong/lienthong/processing/selectors.py", line 88, in handling_for
    return rows[0]
IndexError: list index out of range'''


def _png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 360), (244, 246, 249))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 640, 48), fill=(18, 53, 91))
    draw.rectangle((40, 90, 600, 130), outline=(179, 38, 30), width=3)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def ensure_demo_feedback(*, users, log) -> None:
    if ProblemReport.objects.exists():
        return
    op = users["vanhanh"]
    now = timezone.now()

    def report(who, text, *, at, page="", shot=False, kind=None, severity=None, answer=None, fixed=None,
               closed=None):
        r, _note = services.report_create(user=users[who], text=text, page_url=page, now=now - at,
                                          user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0",
                                          screenshot=_png() if shot else None)
        if kind or severity:
            services.report_classify(actor=op, report_id=r.pk, kind=kind, severity=severity)
        if answer:
            services.report_answer(actor=op, report_id=r.pk, text=answer[1], now=now - at + answer[0])
        if fixed:
            services.report_mark_fixed(actor=op, report_id=r.pk, release=fixed[1], now=now - at + fixed[0],
                                       note=_("Đã cập nhật lên máy chủ của tỉnh."))
        if closed is not None:
            services.report_close(actor=op, report_id=r.pk, now=now - at + closed)
        return r

    report("vanthu.vithuy", _("Bấm “In sổ” ở sổ văn bản đến thì tệp PDF bị mất dấu tiếng Việt ở cột trích yếu."),
           at=9 * D, page="/so-van-ban/", shot=True, kind=Kind.DEFECT, severity=Severity.HIGH,
           answer=(3 * H, _("Đã tái hiện được lỗi phông chữ khi in sổ; đang sửa.")), fixed=(2 * D, "2.3.1"))
    report("chuyenvien.stttt", _("Đề nghị cho lọc danh sách văn bản đến theo người ký."), at=6 * D,
           page="/van-ban/?direction=in", kind=Kind.SUGGESTION, severity=Severity.LOW,
           answer=(20 * H, _("Cảm ơn góp ý; chức năng sẽ có trong phiên bản 2.4.")))
    report("lanhdao.vithang", _("Tôi muốn giao cho Phó Chủ tịch ký thay khi đi công tác thì làm thế nào?"), at=4 * D,
           page="/", kind=Kind.GUIDANCE, severity=Severity.MEDIUM,
           answer=(30 * H, _("Xem mục “Ủy quyền ký” trong Hướng dẫn của lãnh đạo; văn thư cơ quan thiết lập "
                             "ủy quyền theo quyết định.")), closed=31 * H)
    report("vanthu.vpubnd", _("Trang xử lý văn bản báo “Đã xảy ra lỗi” khi hoàn thành việc được giao."), at=1 * D,
           page="/xu-ly/", kind=Kind.DEFECT, severity=Severity.CRITICAL)
    report("chuyenvien.snv", _("Ô chọn ngày trên điện thoại bị che mất nút “Lưu”."), at=2 * H, page="/du-thao/moi/",
           shot=True)
    report("vanthu.vithang", _("Tệp Word đính kèm dự thảo không xem trước được, chỉ tải về được."), at=40 * D,
           page="/du-thao/", kind=Kind.DEFECT, severity=Severity.LOW,
           answer=(2 * D, _("Xem trước tệp Word cần chuyển đổi sang PDF; đã đưa vào kế hoạch.")))
    for seen in (20 * H, 5 * H):
        services.report_from_error(exception_type="IndexError", message="list index out of range", traceback=TRACE,
                                   path="/xu-ly/giao-viec/ket-thuc/", request_id=f"demo{int(seen / H):04d}",
                                   username="chuyenvien.vithuy", now=now - seen)
    log(_("Báo lỗi, góp ý: %(n)s.") % {"n": ProblemReport.objects.count()})
