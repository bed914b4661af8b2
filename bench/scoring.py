#!/usr/bin/env python
"""Benchmark: the ranking's scoring engine (issue 5, scope 6 and 10).

Scores 1 000 units × 60 criteria (three groups; every rule type, relative rules included; a few exempted
criteria and missing values so that rescaling and the missing-value policy run) and prints a Markdown
table against the target (< 1 s). Also times loading a criteria set from YAML and scoring 1 000 units with
the shipped default set. Pure Python, no database. One warm-up run is not counted.

Usage:  .venv/bin/python bench/scoring.py [--iterations 10] [--units 1000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchenv  # noqa: E402, F401  (the checkout on sys.path; database, media and var as the application takes them)

from lienthong.assessment.criteria import (  # noqa: E402
    Band,
    Category,
    CriteriaSet,
    Criterion,
    Group,
    Option,
    Step,
    dump_criteria_set,
    load_criteria_set,
    load_shipped,
)
from lienthong.assessment.engine import Unit, score  # noqa: E402

GROUPS = ("so_nganh", "ubnd_huyen", "nganh_doc")


def synthetic_set(n_criteria: int = 60) -> CriteriaSet:
    kinds = ["ratio", "ratio_to_best", "target_ratio", "steps", "steps_choice", "boolean", "count_capped",
             "best_of", "manual", "minmax", "zscore_minmax", "ratio"]
    cats = []
    per_cat = 10
    for c in range(n_criteria // per_cat):
        crits = []
        for i in range(per_cat):
            kind = kinds[(c * per_cat + i) % len(kinds)]
            code = f"C{c}.{i}"
            if kind == "target_ratio":
                crit = Criterion(code, code, kind, 5, target=0.6, value_kind="ratio")
            elif kind == "steps":
                crit = Criterion(code, code, kind, 5, steps=(Step(5, min=4), Step(3, min=2), Step(1, min=1)))
            elif kind == "steps_choice":
                steps = (Step(5, when="a"), Step(2, when="b"), Step(0, when="c"))
                crit = Criterion(code, code, "steps", 5, steps=steps)
            elif kind == "count_capped":
                crit = Criterion(code, code, kind, 5, per_item=1)
            elif kind == "best_of":
                crit = Criterion(code, code, kind, 5, options=(Option("x", 5), Option("y", 3), Option("z", 1)))
            else:
                crit = Criterion(code, code, kind, 5)
            crits.append(crit)
        cats.append(Category(f"C{c}", f"C{c}", 50, tuple(crits)))
    mx = 50 * len(cats)
    return CriteriaSet(code="bench", name="bench", version=1, groups=tuple(Group(g, g, mx) for g in GROUPS),
                       categories=tuple(cats),
                       bands=(Band("Xuất sắc", .9), Band("Tốt", .8), Band("Khá", .7), Band("TB", .5), Band("Yếu", 0)))


def value_for(crit: Criterion, rnd: random.Random):
    r = crit.rule
    if r in ("ratio", "target_ratio"):
        return rnd.random()
    if r in ("ratio_to_best", "minmax", "zscore_minmax"):
        return rnd.uniform(0, 500)
    if r == "steps":
        return rnd.choice([s.when for s in crit.steps]) if crit.steps_are_choices else rnd.randint(0, 5)
    if r == "boolean":
        return rnd.random() < 0.7
    if r == "count_capped":
        return rnd.randint(0, 8)
    if r == "best_of":
        return rnd.sample([o.code for o in crit.options], rnd.randint(0, 2))
    return rnd.uniform(0, crit.max)


def inputs(cs: CriteriaSet, n_units: int, seed: int = 1):
    rnd = random.Random(seed)
    crits = [c for _, c in cs.criteria()]
    units, values = [], {}
    for i in range(n_units):
        na = frozenset(rnd.sample([c.code for c in crits], 4)) if i % 10 == 0 else frozenset()
        units.append(Unit(f"u{i:04d}", GROUPS[i % 3], not_applicable=na))
        values[f"u{i:04d}"] = {c.code: value_for(c, rnd) for c in crits if rnd.random() > 0.02}  # ~2 % missing
    return units, values


def timed(fn, iterations: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(iterations):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def p95(values):
    values = sorted(values)
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--iterations", type=int, default=10)
    ap.add_argument("--units", type=int, default=1000)
    args = ap.parse_args()

    cs = synthetic_set(60)
    units, values = inputs(cs, args.units)
    mic = load_shipped("mic-2017-default")
    mic_units, mic_values = inputs(mic, args.units, seed=2)
    mic_text = dump_criteria_set(load_shipped("dti-haugiang-2022"))

    rows = [
        (f"score {args.units} units × {sum(1 for _ in cs.criteria())} criteria (all rule types)", 1.0,
         timed(lambda: score(cs, units, values), args.iterations)),
        (f"score {args.units} units × {sum(1 for _ in mic.criteria())} criteria (mic-2017-default)", 1.0,
         timed(lambda: score(mic, mic_units, mic_values), args.iterations)),
        ("load + validate dti-haugiang-2022 (57 criteria, YAML)", None,
         timed(lambda: load_criteria_set(mic_text), args.iterations)),
    ]
    print(f"Scoring engine, {args.iterations} runs after one warm-up (Python {sys.version.split()[0]})\n")
    print("| metric | target | p50 | p95 | result |")
    print("|---|---|---|---|---|")
    for name, target, times in rows:
        med, hi = statistics.median(times), p95(times)
        verdict = "—" if target is None else ("OK" if hi < target else "OVER")
        goal = f"< {target:g} s" if target else "—"
        print(f"| {name} | {goal} | {med * 1000:.0f} ms | {hi * 1000:.0f} ms | {verdict} |")


if __name__ == "__main__":
    main()
