"""The criteria set in words where the printout needs it: which criteria are relative (compared with the
other ranked units of the group) and what they give when nobody differs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from .model import RULE_TYPES, CriteriaSet, Criterion, format_number

# Messages users see (the tests use these constants rather than copies of the text).
RELATIVE_CRITERION = gettext_lazy("Tiêu chí %(c)s – %(n)s: chấm tương đối (%(rule)s), so với các đơn vị được xếp hạng "
                                  "trong cùng nhóm; khi không có chênh lệch (mọi đơn vị bằng nhau, chỉ có một đơn vị): "
                                  "%(no_spread)s.")
NO_SPREAD_REFERENCE = gettext_lazy("chấm theo giá trị tham chiếu %(r)s (giá trị / %(r)s × điểm tối đa, tối đa bằng "
                                   "điểm tối đa)")
NO_SPREAD_ABSOLUTE = gettext_lazy("giá trị 0 được 0 điểm, giá trị lớn hơn 0 được điểm tối đa")
NO_SPREAD_FULL = gettext_lazy("mọi đơn vị được điểm tối đa")
NO_SPREAD_ZERO = gettext_lazy("mọi đơn vị được 0 điểm")
NO_RELATIVE_CRITERIA = gettext_lazy("Mọi tiêu chí được chấm tuyệt đối (không so sánh giữa các đơn vị).")


def no_spread_text(crit: Criterion) -> str:
    rule = crit.no_spread_rule
    if rule == "full":
        return str(NO_SPREAD_FULL)
    if rule == "zero":
        return str(NO_SPREAD_ZERO)
    if crit.reference is not None:
        return str(NO_SPREAD_REFERENCE % {"r": format_number(crit.reference)})
    return str(NO_SPREAD_ABSOLUTE)


def relative_rules_text(cs: CriteriaSet) -> list[str]:
    """One line per relative criterion of the set (empty when every criterion is scored absolutely)."""
    return [str(RELATIVE_CRITERION % {"c": crit.code, "n": crit.name, "rule": RULE_TYPES[crit.rule],
                                      "no_spread": no_spread_text(crit)})
            for _cat, crit in cs.criteria() if crit.relative]
