"""The report charts as PNG (matplotlib, Agg, DejaVu Sans: full Vietnamese coverage), imported only here.

``scores_png``: each group's units by index, best first (one panel per group).
``categories_png``: a heat map per group, units × categories, category index in %.
``change_png``: change of each unit's index from last year, in percentage points.
Long groups are cut at ``MAX_UNITS`` units per panel (the report tables still list everyone).
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from .data import CampaignReport

DPI = 110
WIDTH_IN = 8.6
MAX_UNITS = 30
GROUP_COLORS = ("#2f6fae", "#d9822b", "#2e8b57", "#8e44ad", "#b03a2e")
CLASS_COLORS = {"Xuất sắc": "#1b7f3b", "Tốt": "#2f6fae", "Khá": "#d9a22b", "Trung bình": "#d9822b", "Yếu": "#b03a2e"}


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    return plt


def _save(fig, plt) -> bytes:
    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="png", dpi=DPI)
    finally:
        plt.close(fig)
    return buf.getvalue()


def _margins(fig, *, top_in: float, bottom_in: float, left: float, right: float, gap_in: float) -> None:
    """Fixed margins (tight_layout costs a second full draw, seconds for a province-sized chart)."""
    height = fig.get_figheight()
    axes = fig.get_axes()
    panels = max(1, sum(1 for ax in axes if ax.get_label() != "<colorbar>"))
    fig.subplots_adjust(left=left, right=right, top=1 - top_in / height, bottom=bottom_in / height,
                        hspace=gap_in * panels / max(0.1, height - top_in - bottom_in - gap_in * (panels - 1)))


def _label(name: str, width: int = 34) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def _empty(plt, text: str) -> bytes:
    with plt.rc_context({"font.family": "DejaVu Sans", "font.size": 10}):
        fig, ax = plt.subplots(figsize=(WIDTH_IN, 1.4), dpi=DPI)
        ax.axis("off")
        ax.text(0.5, 0.5, text, ha="center", va="center", color="#555")
        return _save(fig, plt)


def scores_png(report: CampaignReport) -> bytes:
    plt = _plt()
    groups = [g for g in report.groups if g.rows]
    if not groups:
        return _empty(plt, _("Chưa có đơn vị nào được xếp hạng."))
    from matplotlib.ticker import PercentFormatter

    heights = [max(2, min(len(g.rows), MAX_UNITS)) * 0.27 + 0.1 for g in groups]
    total = sum(heights) + 0.9 + 0.35 + 0.75 * (len(groups) - 1)  # axes + top, bottom margins and gaps (inches)
    with plt.rc_context({"font.family": "DejaVu Sans", "font.size": 8.5}):
        fig, axes = plt.subplots(len(groups), 1, figsize=(WIDTH_IN, total), dpi=DPI,
                                 gridspec_kw={"height_ratios": heights}, squeeze=False)
        for ax, g in zip(axes[:, 0], groups, strict=True):
            rows = g.rows[:MAX_UNITS]
            names = [f"{r.rank or '–'}. {_label(r.short_name)}" for r in rows]
            values = [r.index or 0 for r in rows]
            colors = [CLASS_COLORS.get(r.class_label, "#7f8c8d") for r in rows]
            y = list(range(len(rows)))
            ax.barh(y, values, color=colors, height=0.7)
            ax.set_yticks(y, names)
            ax.set_ylim(max(2, len(rows)) - 0.5, -0.5)  # best on top; one unit keeps a normal bar height
            ax.set_xlim(0, 1.08)
            ax.xaxis.set_major_formatter(PercentFormatter(1.0))
            for yi, r in zip(y, rows, strict=True):
                ax.text((r.index or 0) + 0.01, yi,
                        f"{(r.index or 0) * 100:.1f}".replace(".", ",") + f" · {r.class_label}",
                        va="center", fontsize=7.5)
            title = f"{g.name} ({len(g.rows)})"
            if len(g.rows) > MAX_UNITS:
                title += " – " + _("%(n)s đơn vị đầu") % {"n": MAX_UNITS}
            ax.set_title(title, loc="left", fontsize=9.5, fontweight="bold")
            ax.grid(axis="x", color="#ddd", linewidth=0.6)
            ax.set_axisbelow(True)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
        fig.suptitle(_("Chỉ số ứng dụng CNTT theo nhóm đơn vị, năm %(y)s") % {"y": report.year}, fontsize=11)
        _margins(fig, top_in=0.9, bottom_in=0.35, left=0.3, right=0.97, gap_in=0.75)
        return _save(fig, plt)


def categories_png(report: CampaignReport) -> bytes:
    plt = _plt()
    groups = [g for g in report.groups if g.rows and g.categories]
    if not groups:
        return _empty(plt, _("Chưa có đơn vị nào được xếp hạng."))
    heights = [max(1.5, min(len(g.rows), MAX_UNITS)) * 0.27 for g in groups]
    total = sum(heights) + 1.3 + 0.2 + 1.0 * (len(groups) - 1)
    with plt.rc_context({"font.family": "DejaVu Sans", "font.size": 8.5}):
        fig, axes = plt.subplots(len(groups), 1, figsize=(WIDTH_IN, total), dpi=DPI,
                                 gridspec_kw={"height_ratios": heights}, squeeze=False)
        image = None
        for ax, g in zip(axes[:, 0], groups, strict=True):
            rows = g.rows[:MAX_UNITS]
            matrix = [[(r.categories.get(c.code) or {}).get("index") for c in g.categories] for r in rows]
            data = [[v if v is not None else float("nan") for v in line] for line in matrix]
            image = ax.imshow(data, aspect="auto", cmap="RdYlGn", vmin=0, vmax=1)
            ax.set_xticks(range(len(g.categories)), [c.code for c in g.categories])
            ax.xaxis.tick_top()
            ax.set_yticks(range(len(rows)), [_label(r.short_name, 30) for r in rows])
            for i, line in enumerate(matrix):
                for j, v in enumerate(line):
                    if v is not None:
                        ax.text(j, i, f"{v * 100:.0f}", ha="center", va="center", fontsize=7,
                                color="#000" if 0.25 < v < 0.85 else "#fff")
            ax.set_title(g.name, loc="left", fontsize=9.5, fontweight="bold", pad=16)
        fig.suptitle(_("Chỉ số từng nhóm tiêu chí của đơn vị (%%), năm %(y)s") % {"y": report.year}, fontsize=11)
        _margins(fig, top_in=1.3, bottom_in=0.2, left=0.27, right=0.92, gap_in=1.0)
        if image is not None:
            cax = fig.add_axes((0.945, 0.15, 0.015, 0.7))
            bar = fig.colorbar(image, cax=cax)
            bar.set_ticks([0, 0.5, 0.7, 1], labels=["0", "50", "70", "100"])
        return _save(fig, plt)


def change_png(report: CampaignReport) -> bytes:
    plt = _plt()
    rows = [(g, r) for g in report.groups for r in g.rows[:MAX_UNITS] if r.change_index is not None]
    if not rows:
        return _empty(plt, _("Chưa có kết quả năm trước của cùng bộ tiêu chí để so sánh."))
    with plt.rc_context({"font.family": "DejaVu Sans", "font.size": 8.5}):
        fig, ax = plt.subplots(figsize=(WIDTH_IN, max(2, len(rows)) * 0.27 + 1.1), dpi=DPI)
        values = [r.change_index * 100 for _g, r in rows]
        names = [_label(r.short_name) for _g, r in rows]
        colors = ["#2e8b57" if v >= 0 else "#b03a2e" for v in values]
        y = list(range(len(rows)))
        ax.barh(y, values, color=colors, height=0.7)
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.axvline(0, color="#333", linewidth=0.8)
        span = max(5.0, max(abs(v) for v in values) * 1.25)
        ax.set_xlim(-span, span)
        for yi, v in zip(y, values, strict=True):
            ax.text(v + (0.3 if v >= 0 else -0.3), yi, f"{v:+.1f}".replace(".", ","), va="center",
                    ha="left" if v >= 0 else "right", fontsize=7.5)
        # group separators
        start = 0
        for g in report.groups:
            n = sum(1 for gg, _r in rows if gg is g)
            if n:
                ax.text(span * 0.98, start - 0.6, g.name, ha="right", va="bottom", fontsize=8, color="#555",
                        style="italic")
                if start:
                    ax.axhline(start - 0.5, color="#bbb", linewidth=0.6)
                start += n
        ax.set_xlabel(_("Thay đổi chỉ số so với năm %(y)s (điểm phần trăm)") % {"y": report.year - 1})
        ax.grid(axis="x", color="#ddd", linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.set_title(_("Thay đổi chỉ số so với năm trước, năm %(y)s") % {"y": report.year}, fontsize=11)
        _margins(fig, top_in=0.45, bottom_in=0.55, left=0.3, right=0.97, gap_in=0)
        return _save(fig, plt)


CHARTS = {"chi-so-theo-nhom": scores_png, "nhom-tieu-chi": categories_png, "thay-doi": change_png}
