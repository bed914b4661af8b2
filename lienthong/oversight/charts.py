"""The drill-down's month-by-month chart as a PNG (900 × 380 px): issued and received documents per
month as bars, the shares sent electronically, signed and valid, and of active users as lines.

matplotlib (Agg backend, DejaVu Sans) draws it when installed; otherwise the same chart is drawn with
Pillow, so the page never breaks. Imported only by the chart view."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

WIDTH, HEIGHT, DPI = 900, 380, 100
BAR_COLORS = ("#2f6fae", "#9cc3e6")
LINE_COLORS = ("#d9822b", "#2e8b57", "#8e44ad")
SHARES = ("sent_electronically_share", "digital_sign_valid_share", "active_user_share")


def _series(trend):
    labels = [p.month.strftime("%m/%Y") for p in trend]
    bars = [([p.row.documents_issued for p in trend], _("Văn bản phát hành")),
            ([p.row.documents_received for p in trend], _("Văn bản đến"))]
    lines = [([getattr(p.row, key) for p in trend], label) for key, label in zip(
        SHARES, (_("Tỷ lệ gửi điện tử"), _("Tỷ lệ ký số hợp lệ"), _("Tỷ lệ người dùng hoạt động")))]
    return labels, bars, lines


def trend_png(trend, title: str) -> bytes:
    try:
        import matplotlib
    except ImportError:
        return _pillow_png(trend, title)
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import PercentFormatter

    labels, bars, lines = _series(trend)
    x = list(range(len(labels)))
    with plt.rc_context({"font.family": "DejaVu Sans", "font.size": 9}):
        fig, ax = plt.subplots(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI)
        try:
            width = 0.4
            for i, ((values, label), color) in enumerate(zip(bars, BAR_COLORS)):
                ax.bar([v + (i - 0.5) * width for v in x], values, width, label=label, color=color)
            ax.set_ylabel(_("Số văn bản"))
            ax.set_xticks(x, labels, rotation=45, ha="right")
            ax2 = ax.twinx()
            for (values, label), color in zip(lines, LINE_COLORS):
                ax2.plot(x, [v if v is not None else float("nan") for v in values], marker="o", label=label,
                         color=color)
            ax2.set_ylim(0, 1.05)
            ax2.yaxis.set_major_formatter(PercentFormatter(1.0))
            ax.set_title(title)
            h1, l1 = ax.get_legend_handles_labels()
            h2, l2 = ax2.get_legend_handles_labels()
            ax.legend(h1 + h2, l1 + l2, loc="upper left", fontsize=8, ncols=2, framealpha=0.9)
            fig.tight_layout()
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=DPI)
        finally:
            plt.close(fig)
    return buf.getvalue()


def _font(size: int, bold: bool = False):
    from PIL import ImageFont

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for path in (f"/usr/share/fonts/truetype/dejavu/{name}", name):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def _pillow_png(trend, title: str) -> bytes:
    from PIL import Image, ImageDraw

    labels, bars, lines = _series(trend)
    img = Image.new("RGB", (WIDTH, HEIGHT), "white")
    d = ImageDraw.Draw(img)
    small, normal, bold = _font(11), _font(12), _font(14, bold=True)
    left, right, top, bottom = 60, WIDTH - 55, 82, HEIGHT - 40
    d.text((WIDTH / 2, 10), title, font=bold, fill="black", anchor="mt")
    # Legend on one line under the title.
    x = left
    for (_values, label), color in list(zip(bars, BAR_COLORS)) + list(zip(lines, LINE_COLORS)):
        d.rectangle([x, 36, x + 12, 46], fill=color)
        d.text((x + 16, 41), label, font=small, fill="black", anchor="lm")
        x += 24 + d.textlength(label, font=small)
    d.rectangle([left, top, right, bottom], outline="#888888")
    peak = max([max(values, default=0) for values, _l in bars] + [1])
    step = max(1, -(-peak // 4))
    peak = step * 4
    for i in range(5):  # left axis (documents) and right axis (shares)
        y = bottom - (bottom - top) * i / 4
        d.line([left, y, right, y], fill="#e3e3e3")
        d.text((left - 6, y), str(step * i), font=small, fill="black", anchor="rm")
        d.text((right + 6, y), f"{25 * i}%", font=small, fill="black", anchor="lm")
    d.text((left - 6, top - 8), _("Số văn bản"), font=small, fill="#444444", anchor="lb")
    n = max(len(labels), 1)
    slot = (right - left) / n
    bar_w = slot * 0.35
    for i, label in enumerate(labels):
        cx = left + slot * (i + 0.5)
        for j, ((values, _l), color) in enumerate(zip(bars, BAR_COLORS)):
            h = (bottom - top) * values[i] / peak
            x0 = cx + (j - 1) * bar_w
            if h:
                d.rectangle([x0, bottom - h, x0 + bar_w, bottom], fill=color)
        d.text((cx, bottom + 6), label, font=small, fill="black", anchor="mt")
    for (values, _l), color in zip(lines, LINE_COLORS):
        points = [(left + slot * (i + 0.5), bottom - (bottom - top) * v / 1.0) for i, v in enumerate(values)
                  if v is not None]
        if len(points) > 1:
            d.line(points, fill=color, width=2)
        for px, py in points:
            d.ellipse([px - 3, py - 3, px + 3, py + 3], fill=color)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()
