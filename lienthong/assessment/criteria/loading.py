"""Reading a criteria set from its YAML form (``safe_load`` semantics only) and checking it: every problem
is collected and reported at once in a ``CriteriaSetError`` whose messages name the line and the field."""

from __future__ import annotations

import math
import re
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..indicators import INDICATORS, Indicator
from .model import (
    DEFAULT_PRECISION,
    EPS,
    MAX_PRECISION,
    MISSING_POLICIES,
    NO_SPREAD_RULES,
    NOT_APPLICABLE_POLICIES,
    RELATIVE_RULES,
    RULE_TYPES,
    VALUE_KINDS,
    Band,
    Category,
    CriteriaSet,
    CriteriaSetError,
    Criterion,
    Group,
    Option,
    Step,
    format_number,
)

SHIPPED_DIR = Path(__file__).resolve().parents[1] / "criteria_sets"
_CODE_RE = re.compile(r"^[A-Za-z0-9_.\-]+$")
_IMPORT_RE = re.compile(r"^import:[a-z0-9_.]+$")

# Messages users see (the tests use these constants rather than copies of the text). Every problem is AT a line
# and field; ``what`` names the kind of value or code in the messages that take it.
AT = gettext_lazy("Dòng %(line)s, trường '%(field)s': %(msg)s")
YAML_UNREADABLE = gettext_lazy("Dòng %(line)s, trường '(tệp)': tệp YAML không đọc được (%(problem)s).")
VALUE_UNREADABLE = gettext_lazy("Dòng %(line)s, trường '(tệp)': giá trị không đọc được (%(problem)s).")
NOT_A_MAPPING = gettext_lazy("phải là một bảng khóa: giá trị.")
FIELD_NOT_SUPPORTED = gettext_lazy("trường không được hỗ trợ trong %(where)s.")
OUTSIDE_ZERO_ONE = gettext_lazy("%(what)s %(v)s nằm ngoài khoảng 0–1.")
NEGATIVE = gettext_lazy("%(what)s %(v)s không được âm.")
ABOVE = gettext_lazy("%(what)s %(v)s vượt quá %(hi)s.")
UNKNOWN_CODE = gettext_lazy("mã %(what)s '%(x)s' không có trong bộ tiêu chí.")
DUPLICATE_CODE = gettext_lazy("mã %(what)s '%(code)s' trùng với mã ở dòng %(line)s.")
CATEGORY_SUM = gettext_lazy("tổng điểm tối đa các tiêu chí (%(sum)s) khác điểm của nhóm tiêu chí '%(c)s' (%(points)s).")
GROUP_SUM = gettext_lazy("tổng điểm các nhóm tiêu chí (%(total)s) khác điểm tối đa của nhóm đơn vị '%(g)s' (%(max)s).")
UNKNOWN_RULE = gettext_lazy("loại quy tắc chấm '%(rule)s' không được hỗ trợ; dùng một trong: %(rules)s.")
UNKNOWN_INDICATOR = gettext_lazy("mã chỉ số tự động '%(k)s' không tồn tại.")
BAD_SOURCE = gettext_lazy("nguồn dữ liệu '%(s)s' không hợp lệ; dùng self_report, indicator:<mã> hoặc import:<mã>.")
NOT_FOR_RULE = gettext_lazy("trường này không dùng với quy tắc '%(rule)s'.")
PER_ITEM_REQUIRED = gettext_lazy("quy tắc 'count_capped' cần số điểm mỗi mục (per_item).")
EXCLUDE_SELF_REPORTED = gettext_lazy(
    "'exclude' (bỏ tiêu chí thiếu số liệu khỏi điểm tối đa) chỉ dùng được khi mọi tiêu chí được đo tự động hoặc nhập "
    "từ hệ thống khác; tiêu chí đơn vị tự báo cáo thiếu số liệu phải được 0 điểm: %(codes)s.")
GROUP_MAX_ZERO = gettext_lazy("điểm tối đa của nhóm đơn vị phải lớn hơn 0.")
WHAT_UNIT_GROUP = gettext_lazy("nhóm đơn vị")
WHAT_CRITERION = gettext_lazy("tiêu chí")
WHAT_THRESHOLD = gettext_lazy("ngưỡng")
WHAT_TARGET_RATIO = gettext_lazy("chỉ tiêu tỷ lệ")
WHAT_PER_ITEM = gettext_lazy("điểm mỗi mục")
WHAT_STEP_POINTS = gettext_lazy("điểm của bậc")


class _Node:
    """A YAML node with its line, and its value built with the safe constructor."""

    def __init__(self, node, loader):
        self.node, self.loader = node, loader

    @property
    def line(self) -> int:
        return self.node.start_mark.line + 1

    @property
    def value(self):
        return self.loader.construct_object(self.node, deep=True)

    def is_mapping(self) -> bool:
        import yaml

        return isinstance(self.node, yaml.MappingNode)

    def is_sequence(self) -> bool:
        import yaml

        return isinstance(self.node, yaml.SequenceNode)

    def items(self):
        for k, v in self.node.value:
            yield _Node(k, self.loader), _Node(v, self.loader)

    def children(self):
        return [_Node(n, self.loader) for n in self.node.value]


class _Reader:
    def __init__(self, indicators: dict[str, Indicator]):
        self.errors: list[str] = []
        self.indicators = indicators

    def err(self, line: int, field_name: str, message: str) -> None:
        self.errors.append(AT % {
            "line": line, "field": field_name, "msg": message})

    def mapping(self, node: _Node, where: str, allowed: set[str], required: set[str]) -> dict[str, _Node] | None:
        if not node.is_mapping():
            self.err(node.line, where, str(NOT_A_MAPPING))
            return None
        out: dict[str, _Node] = {}
        for k, v in node.items():
            key = k.value
            if not isinstance(key, str) or key not in allowed:
                self.err(k.line, str(key), FIELD_NOT_SUPPORTED % {"where": where})
                continue
            if key in out:
                self.err(k.line, key, _("trường bị lặp."))
            out[key] = v
        for key in sorted(required - out.keys()):
            self.err(node.line, key, _("thiếu trường bắt buộc trong %(where)s.") % {"where": where})
        return out

    def text(self, m: dict, key: str, default: str = "", *, code: bool = False) -> str:
        if key not in m:
            return default
        v = m[key].value
        if not isinstance(v, str) or not v.strip():
            self.err(m[key].line, key, _("phải là chuỗi ký tự không rỗng."))
            return default
        if code and not _CODE_RE.match(v):
            self.err(m[key].line, key, _("mã '%(v)s' chỉ được gồm chữ không dấu, số, '_', '-', '.'.") % {"v": v})
        return v

    def number(self, m: dict, key: str, default=None, *, lo=None, hi=None, what=None):
        if key not in m:
            return default
        what = what or _("giá trị")
        v = m[key].value
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            self.err(m[key].line, key, _("phải là một số."))
            return default
        if lo is not None and v < lo or hi is not None and v > hi:
            if lo == 0 and hi == 1:
                message = str(OUTSIDE_ZERO_ONE)
            elif lo is not None and v < lo:
                message = str(NEGATIVE) if lo == 0 else _("%(what)s %(v)s phải ≥ %(lo)s.")
            else:
                message = str(ABOVE)
            self.err(m[key].line, key, message % {
                "what": what, "v": format_number(v), "lo": "" if lo is None else format_number(lo),
                "hi": "" if hi is None else format_number(hi)})
            return default
        return v

    def boolean(self, m: dict, key: str, default: bool = False) -> bool:
        if key not in m:
            return default
        v = m[key].value
        if not isinstance(v, bool):
            self.err(m[key].line, key, _("phải là true hoặc false."))
            return default
        return v

    def choice(self, m: dict, key: str, allowed, default: str) -> str:
        if key not in m:
            return default
        v = m[key].value
        if v not in allowed:
            self.err(m[key].line, key, _("giá trị '%(v)s' không hợp lệ; chọn một trong: %(allowed)s.") % {
                "v": v, "allowed": ", ".join(allowed)})
            return default
        return v

    def codes(self, m: dict, key: str, known: set[str], what: str) -> tuple[str, ...] | None:
        if key not in m:
            return None
        v = m[key].value
        if not isinstance(v, list) or not v or not all(isinstance(x, str) for x in v):
            self.err(m[key].line, key, _("phải là danh sách mã %(what)s.") % {"what": what})
            return None
        for x in v:
            if x not in known:
                self.err(m[key].line, key,
                         UNKNOWN_CODE % {"what": what, "x": x})
        return tuple(v)

    def strings(self, m: dict, key: str) -> tuple[str, ...]:
        if key not in m:
            return ()
        v = m[key].value
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            self.err(m[key].line, key, _("phải là danh sách chuỗi ký tự."))
            return ()
        return tuple(v)

    def seq(self, m: dict, key: str) -> list[_Node]:
        if key not in m:
            return []
        node = m[key]
        if not node.is_sequence():
            self.err(node.line, key, _("phải là một danh sách."))
            return []
        return node.children()


_SET_KEYS = {"code", "name", "version", "year", "proposal", "derived_from", "groups", "classification",
             "missing_value_policy", "not_applicable_policy", "categories", "notes", "precision"}
_GROUP_KEYS = {"code", "name", "max_points", "enabled"}
_BAND_KEYS = {"label", "min", "min_points"}
_CAT_KEYS = {"code", "name", "points", "applies_to", "criteria", "proposal"}
_CRIT_KEYS = {"code", "name", "rule", "max", "source", "evidence", "applies_to", "target", "value_kind",
              "per_item", "steps", "options", "note", "proposal", "no_spread", "reference"}


def load_criteria_set(text: str, *, indicators: dict[str, Indicator] | None = None) -> CriteriaSet:
    """Parse and check a criteria set. Raises ``CriteriaSetError`` listing every problem found."""
    import yaml

    r = _Reader(INDICATORS if indicators is None else indicators)
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise CriteriaSetError([YAML_UNREADABLE % {
            "line": line, "problem": getattr(exc, "problem", exc)}]) from exc
    finally:
        loader.dispose()
    if root is None:
        raise CriteriaSetError([_("Dòng 1, trường 'criteria_set': tệp rỗng.")])
    try:
        return _load(r, _Node(root, loader))
    except yaml.YAMLError as exc:  # a tag the safe constructor refuses (e.g. !!python/object)
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise CriteriaSetError([*r.errors, VALUE_UNREADABLE % {
            "line": line, "problem": getattr(exc, "problem", exc)}]) from exc


def _load(r: _Reader, root: _Node) -> CriteriaSet:
    top = r.mapping(root, _("tệp"), {"criteria_set"}, {"criteria_set"})
    if not top or "criteria_set" not in top:
        raise CriteriaSetError(r.errors)
    m = r.mapping(top["criteria_set"], "criteria_set", _SET_KEYS, {"code", "name", "version", "groups", "categories"})
    if m is None:
        raise CriteriaSetError(r.errors)

    seen_codes: dict[str, int] = {}

    def unique(node_map: dict, what: str) -> str:
        code = r.text(node_map, "code", code=True)
        if code:
            if code in seen_codes:
                r.err(node_map["code"].line, "code", DUPLICATE_CODE % {
                    "what": what, "code": code, "line": seen_codes[code]})
            else:
                seen_codes[code] = node_map["code"].line
        return code

    code = r.text(m, "code", code=True)
    version = r.number(m, "version", 1, lo=1, what=_("phiên bản"))
    if not isinstance(version, int):
        r.err(m["version"].line, "version", _("phiên bản phải là số nguyên."))
        version = 1
    year = r.number(m, "year", None, lo=2000, hi=2100, what=_("năm"))
    precision = r.number(m, "precision", DEFAULT_PRECISION, lo=0, hi=MAX_PRECISION, what=_("số chữ số thập phân"))
    if not isinstance(precision, int):
        r.err(m["precision"].line, "precision", _("số chữ số thập phân phải là số nguyên."))
        precision = DEFAULT_PRECISION

    # groups
    groups: list[Group] = []
    group_lines: dict[str, int] = {}
    for gnode in r.seq(m, "groups"):
        gm = r.mapping(gnode, "groups", _GROUP_KEYS, {"code", "name", "max_points"})
        if gm is None:
            continue
        gcode = unique(gm, str(WHAT_UNIT_GROUP))
        g = Group(code=gcode, name=r.text(gm, "name"),
                  max_points=r.number(gm, "max_points", 0, lo=0, what=_("điểm tối đa")),
                  enabled=r.boolean(gm, "enabled", True))
        groups.append(g)
        if "max_points" in gm and g.max_points == 0:
            r.err(gm["max_points"].line, "max_points", str(GROUP_MAX_ZERO))
        group_lines[gcode] = (gm["max_points"].line if "max_points" in gm
                              else gm["code"].line if "code" in gm else gnode.line)
    if "groups" in m and not groups:
        r.err(m["groups"].line, "groups", _("phải có ít nhất một nhóm đơn vị."))
    known_groups = {g.code for g in groups}

    # classification
    bands: list[Band] = []
    if "classification" in m:
        cm = r.mapping(m["classification"], "classification", {"bands"}, {"bands"}) or {}
        for bnode in r.seq(cm, "bands"):
            bm = r.mapping(bnode, "bands", _BAND_KEYS, {"label", "min"})
            if bm is None:
                continue
            min_points: list[tuple[str, float]] = []
            if "min_points" in bm:
                pm = bm["min_points"]
                if not pm.is_mapping():
                    r.err(pm.line, "min_points", _("phải là bảng mã nhóm: điểm."))
                else:
                    for k, v in pm.items():
                        gk = k.value
                        if gk not in known_groups:
                            r.err(k.line, "min_points",
                                  _("mã nhóm đơn vị '%(g)s' không có trong bộ tiêu chí.") % {"g": gk})
                            continue
                        pts = r.number({gk: v}, gk, None, lo=0, what=_("ngưỡng điểm"))
                        if pts is not None:
                            min_points.append((gk, pts))
            bands.append(Band(label=r.text(bm, "label"),
                              min=r.number(bm, "min", 0, lo=0, hi=1, what=str(WHAT_THRESHOLD)),
                              min_points=tuple(min_points)))
        labels = [b.label for b in bands]
        if len(set(labels)) != len(labels):
            r.err(m["classification"].line, "bands", _("tên các mức xếp loại bị trùng."))
        if bands and [b.min for b in bands] != sorted((b.min for b in bands), reverse=True):
            r.err(m["classification"].line, "bands", _("các mức xếp loại phải xếp theo ngưỡng giảm dần."))
        if bands and bands[-1].min != 0:
            r.err(m["classification"].line, "bands", _("mức xếp loại cuối cùng phải có ngưỡng 0."))

    # categories and criteria
    categories: list[Category] = []
    for cnode in r.seq(m, "categories"):
        cm = r.mapping(cnode, "categories", _CAT_KEYS, {"code", "name", "points", "criteria"})
        if cm is None:
            continue
        ccode = unique(cm, _("nhóm tiêu chí"))
        capplies = r.codes(cm, "applies_to", known_groups, str(WHAT_UNIT_GROUP))
        crits = []
        for knode in r.seq(cm, "criteria"):
            km = r.mapping(knode, "criteria", _CRIT_KEYS, {"code", "name", "rule", "max"})
            if km is not None:
                crits.append(_criterion(r, km, unique, known_groups, capplies))
        points = r.number(cm, "points", 0, lo=0, what=_("điểm"))
        if crits and "points" in cm and abs(sum(c.max for c in crits) - points) > EPS:
            r.err(cm["points"].line, "points",
                  CATEGORY_SUM % {
                      "sum": format_number(sum(c.max for c in crits)), "c": ccode, "points": format_number(points)})
        if "criteria" in cm and not crits:
            r.err(cm["criteria"].line, "criteria", _("nhóm tiêu chí phải có ít nhất một tiêu chí."))
        categories.append(Category(code=ccode, name=r.text(cm, "name"), points=points, criteria=tuple(crits),
                                   applies_to=capplies, proposal=r.boolean(cm, "proposal")))

    cs = CriteriaSet(
        code=code, name=r.text(m, "name"), version=version, year=year, groups=tuple(groups),
        categories=tuple(categories), bands=tuple(bands), proposal=r.boolean(m, "proposal"),
        derived_from=r.strings(m, "derived_from"),
        missing_value_policy=r.choice(m, "missing_value_policy", MISSING_POLICIES, "zero"),
        not_applicable_policy=r.choice(m, "not_applicable_policy", NOT_APPLICABLE_POLICIES, "rescale"),
        notes=r.text(m, "notes"), precision=precision,
    )
    if cs.missing_value_policy == "exclude":
        self_reported = [c.code for _cat, c in cs.criteria() if c.source == "self_report"]
        if self_reported:
            r.err(m["missing_value_policy"].line, "missing_value_policy",
                  EXCLUDE_SELF_REPORTED % {"codes": ", ".join(self_reported)})
    # each group's maximum must be the sum of what applies to it
    for g in groups:
        total = cs.group_maximum(g.code)
        if categories and abs(total - g.max_points) > EPS:
            r.err(group_lines[g.code], "max_points",
                  GROUP_SUM % {
                      "total": format_number(total), "g": g.code, "max": format_number(g.max_points)})
    for b in bands:
        for gk, pts in b.min_points:
            gmax = cs.group(gk).max_points
            if pts > gmax + EPS:
                r.err(m["classification"].line, "min_points",
                      _("ngưỡng %(pts)s của mức '%(band)s' vượt điểm tối đa của nhóm '%(g)s' (%(max)s).") % {
                          "pts": format_number(pts), "band": b.label, "g": gk, "max": format_number(gmax)})
    if r.errors:
        raise CriteriaSetError(r.errors)
    return cs


def _criterion(r: _Reader, km: dict, unique, known_groups: set[str], capplies) -> Criterion:
    code = unique(km, str(WHAT_CRITERION))
    rule = r.text(km, "rule")
    if rule and rule not in RULE_TYPES:
        r.err(km["rule"].line, "rule", UNKNOWN_RULE % {"rule": rule, "rules": ", ".join(RULE_TYPES)})
        rule = ""
    mx = r.number(km, "max", 0, lo=0, what=_("điểm tối đa"))
    applies = r.codes(km, "applies_to", known_groups, str(WHAT_UNIT_GROUP))
    if applies and capplies:
        for gk in applies:
            if gk not in capplies:
                r.err(km["applies_to"].line, "applies_to",
                      _("nhóm đơn vị '%(g)s' không thuộc phạm vi áp dụng của nhóm tiêu chí.") % {"g": gk})
    source = r.text(km, "source", "self_report")
    indicator = None
    if source.startswith("indicator:"):
        key = source.split(":", 1)[1]
        indicator = r.indicators.get(key)
        if indicator is None:
            r.err(km["source"].line, "source", UNKNOWN_INDICATOR % {"k": key})
    elif source != "self_report" and not _IMPORT_RE.match(source):
        r.err(km["source"].line, "source", BAD_SOURCE % {"s": source})

    kw = {}
    for key in ("target", "value_kind", "per_item", "steps", "options", "no_spread", "reference"):
        if key in km and not _rule_uses(rule, key):
            r.err(km[key].line, key, NOT_FOR_RULE % {"rule": rule})
    if rule == "target_ratio":
        kw["value_kind"] = r.choice(km, "value_kind", VALUE_KINDS, "ratio")
        if "target" not in km:
            r.err(km["rule"].line, "target", _("quy tắc 'target_ratio' cần chỉ tiêu (target)."))
        elif kw["value_kind"] == "ratio":
            kw["target"] = r.number(km, "target", None, lo=0, hi=1, what=str(WHAT_TARGET_RATIO))
        else:
            kw["target"] = r.number(km, "target", None, lo=0, what=_("chỉ tiêu"))
        if kw.get("target") == 0:
            r.err(km["target"].line, "target", _("chỉ tiêu phải lớn hơn 0."))
    if rule in RELATIVE_RULES:
        if "no_spread" in km:
            kw["no_spread"] = r.choice(km, "no_spread", NO_SPREAD_RULES, "absolute")
        kw["reference"] = r.number(km, "reference", None, lo=0, what=_("giá trị tham chiếu"))
        if kw["reference"] == 0:
            r.err(km["reference"].line, "reference", _("giá trị tham chiếu phải lớn hơn 0."))
            kw["reference"] = None
    if rule == "count_capped":
        if "per_item" not in km:
            r.err(km["rule"].line, "per_item", str(PER_ITEM_REQUIRED))
        kw["per_item"] = r.number(km, "per_item", None, lo=0, what=str(WHAT_PER_ITEM))
    if rule == "steps":
        kw["steps"] = _steps(r, km, mx)
    if rule == "best_of":
        kw["options"] = _options(r, km, mx)
    if indicator is not None and rule in ("ratio", "target_ratio") and indicator.kind != "ratio" \
            and kw.get("value_kind", "ratio") == "ratio":
        r.err(km["source"].line, "source", _("chỉ số '%(k)s' là số đếm, không phải tỷ lệ 0–1.") % {"k": indicator.key})
    return Criterion(code=code, name=r.text(km, "name"), rule=rule, max=mx, source=source,
                     evidence=r.text(km, "evidence"), applies_to=applies, note=r.text(km, "note"),
                     proposal=r.boolean(km, "proposal"), **kw)


def _rule_uses(rule: str, key: str) -> bool:
    if key in ("no_spread", "reference"):
        return rule in RELATIVE_RULES or not rule
    return {"target": "target_ratio", "value_kind": "target_ratio", "per_item": "count_capped",
            "steps": "steps", "options": "best_of"}[key] == rule or not rule


def _steps(r: _Reader, km: dict, mx: float) -> tuple[Step, ...]:
    nodes = r.seq(km, "steps")
    if not nodes:
        r.err(km["rule"].line, "steps", _("quy tắc 'steps' cần danh sách bậc (steps)."))
        return ()
    out = []
    for n in nodes:
        sm = r.mapping(n, "steps", {"min", "when", "points", "label"}, {"points"})
        if sm is None:
            continue
        if ("min" in sm) == ("when" in sm):
            r.err(n.line, "steps", _("mỗi bậc cần đúng một trong hai: 'min' (ngưỡng số) hoặc 'when' (mã lựa chọn)."))
            continue
        pts = r.number(sm, "points", 0, lo=0, hi=mx, what=str(WHAT_STEP_POINTS))
        if "min" in sm:
            out.append(Step(points=pts, min=r.number(sm, "min", 0, lo=0, what=str(WHAT_THRESHOLD)),
                            label=r.text(sm, "label")))
        else:
            out.append(Step(points=pts, when=r.text(sm, "when", code=True), label=r.text(sm, "label")))
    if out and len({s.when is None for s in out}) > 1:
        r.err(km["steps"].line, "steps", _("không trộn bậc theo ngưỡng số ('min') với bậc theo lựa chọn ('when')."))
    keys = [s.min if s.when is None else s.when for s in out]
    if len(set(keys)) != len(keys):
        r.err(km["steps"].line, "steps", _("các bậc bị trùng ngưỡng hoặc mã lựa chọn."))
    return tuple(out)


def _options(r: _Reader, km: dict, mx: float) -> tuple[Option, ...]:
    nodes = r.seq(km, "options")
    if not nodes:
        r.err(km["rule"].line, "options", _("quy tắc 'best_of' cần danh sách phương án (options)."))
        return ()
    out = []
    for n in nodes:
        om = r.mapping(n, "options", {"code", "name", "points"}, {"code", "points"})
        if om is not None:
            out.append(Option(code=r.text(om, "code", code=True), name=r.text(om, "name"),
                              points=r.number(om, "points", 0, lo=0, hi=mx, what=_("điểm của phương án"))))
    codes = [o.code for o in out]
    if len(set(codes)) != len(codes):
        r.err(km["options"].line, "options", _("mã phương án bị trùng."))
    return tuple(out)



def load_shipped(name: str) -> CriteriaSet:
    """One of the criteria sets shipped in ``criteria_sets/`` (``mic-2017-default``, ``dti-haugiang-2022``)."""
    path = SHIPPED_DIR / f"{name}.yaml"
    return load_criteria_set(path.read_text(encoding="utf-8"))
