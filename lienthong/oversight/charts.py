"""The drill-down's month-by-month chart as a PNG (900 × 380 px): issued and received documents per
month as bars, the shares sent electronically, signed and valid, and of active users as lines.

matplotlib (Agg backend, DejaVu Sans) draws it, imported only when a chart is asked for."""

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
        SHARES, (_("Tỷ lệ gửi điện tử"), _("Tỷ lệ ký số hợp lệ"), _("Tỷ lệ người dùng hoạt động")), strict=True)]
    return labels, bars, lines


def trend_png(trend, title: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import PercentFormatter

    labels, bars, lines = _series(trend)
    x = list(range(len(labels)))
    with plt.rc_context({"font.family": "DejaVu Sans", "font.size": 9}):
        fig, ax = plt.subplots(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI)
        try:
            width = 0.4
            for i, ((values, label), color) in enumerate(zip(bars, BAR_COLORS, strict=True)):
                ax.bar([v + (i - 0.5) * width for v in x], values, width, label=label, color=color)
            ax.set_ylabel(_("Số văn bản"))
            ax.set_xticks(x, labels, rotation=45, ha="right")
            ax2 = ax.twinx()
            for (values, label), color in zip(lines, LINE_COLORS, strict=True):
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
