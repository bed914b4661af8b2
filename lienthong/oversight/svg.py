"""The dashboard's trend chart as inline SVG, drawn on the server (no script, no image request, no matplotlib):
the province's shares sent electronically, signed and valid, and completed on time, month by month.

The SVG scales with its container (``viewBox``); the months are written mm/yyyy and the shares as whole
percentages, so the chart reads the same in both languages."""

from __future__ import annotations

import datetime as dt
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 34, 14, 58
COLORS = ("#2f6fae", "#2e8b57", "#d9822b")
SERIES = ("sent_electronically_share", "digital_sign_valid_share", "on_time_share")


def trend_svg(points: list[tuple[dt.date, object]]) -> SafeString:
    """``points``: (month, a row with the three shares) in month order → ``<svg>`` markup."""
    labels = (_("Gửi điện tử"), _("Ký số hợp lệ"), _("Đúng hạn"))
    n = len(points)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return TOP + plot_h * (1 - v)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-label="{escape(_("Xu hướng các tỷ lệ của toàn tỉnh theo tháng"))}" class="trend-svg">']
    for pct in (0, 25, 50, 75, 100):
        yy = y(pct / 100)
        parts.append(f'<line x1="{LEFT}" y1="{yy:.1f}" x2="{WIDTH - RIGHT}" y2="{yy:.1f}" stroke="#dde3ea"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end" font-size="11" '
                     f'fill="#555">{pct}%</text>')
    for i, (month, _row) in enumerate(points):
        parts.append(f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="11" '
                     f'fill="#555">{month.strftime("%m/%Y")}</text>')
    for (key, label, color) in zip(SERIES, labels, COLORS, strict=True):
        coords = [(x(i), y(v)) for i, (_m, row) in enumerate(points) if (v := getattr(row, key)) is not None]
        if len(coords) > 1:
            pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in coords)
            parts.append(f'<polyline points="{pts}" fill="none" stroke="{color}" stroke-width="2.5"/>')
        for a, b in coords:
            parts.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="3" fill="{color}">'
                         f'<title>{escape(label)}</title></circle>')
    lx = LEFT
    for label, color in zip(labels, COLORS, strict=True):
        parts.append(f'<rect x="{lx}" y="{HEIGHT - 20}" width="14" height="4" fill="{color}"/>')
        parts.append(f'<text x="{lx + 18}" y="{HEIGHT - 15}" font-size="12" fill="#222">{escape(label)}</text>')
        lx += 30 + 8 * len(label)
    parts.append("</svg>")
    return mark_safe("".join(parts))
