"""Criteria sets for the yearly IT-application ranking, as plain versioned data.

A criteria set has unit groups (each with its own maximum), categories (with points) and criteria
(a rule type with its parameters, the evidence needed, the data source and the groups it applies to).
``load_criteria_set`` reads the YAML form (``safe_load`` semantics only) and checks it; every problem is
collected and reported at once in a ``CriteriaSetError`` whose messages name the line and the field.
``dump_criteria_set`` writes it back; ``load_criteria_set(dump_criteria_set(cs)) == cs``.

Layout (see ``criteria_sets/mic-2017-default.yaml``)::

    criteria_set:
      code: ...; name: ...; version: 1; year: 2017; proposal: true
      groups: [{code, name, max_points, enabled}]
      classification: {bands: [{label, min (share of max), min_points: {group: points}}]}
      missing_value_policy: zero | exclude | error
      not_applicable_policy: rescale | zero
      precision: 2      # decimals of the printed total: ranks and classes use the total rounded to them
      categories:
        - {code, name, points, applies_to: [group...], criteria: [
             {code, name, rule, max, source, evidence, applies_to, <rule parameters>}]}

Rule parameters: ``target`` and ``value_kind`` (target_ratio), ``per_item`` (count_capped),
``steps`` (``[{min: number, points}]`` thresholds or ``[{when: code, points}]`` choices),
``options`` (best_of: ``[{code, name, points}]``); ``no_spread`` (``absolute`` default, ``full``, ``zero``)
and ``reference`` (the value read as full marks when nobody differs) for the relative rules ``ratio_to_best``,
``minmax``, ``zscore_minmax``.
"""

from .describing import NO_RELATIVE_CRITERIA, no_spread_text, relative_rules_text
from .dumping import criteria_set_as_dict, dump_criteria_set
from .loading import SHIPPED_DIR, load_criteria_set, load_shipped
from .model import (
    DEFAULT_PRECISION,
    EPS,
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
    round_shown,
)

__all__ = ["DEFAULT_PRECISION", "EPS", "MISSING_POLICIES", "NO_RELATIVE_CRITERIA", "NO_SPREAD_RULES",
           "NOT_APPLICABLE_POLICIES", "RELATIVE_RULES", "RULE_TYPES", "SHIPPED_DIR", "VALUE_KINDS", "Band",
           "Category", "CriteriaSet", "CriteriaSetError", "Criterion", "Group", "Option", "Step",
           "criteria_set_as_dict", "dump_criteria_set", "format_number", "load_criteria_set", "load_shipped",
           "no_spread_text", "relative_rules_text", "round_shown"]
