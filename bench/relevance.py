#!/usr/bin/env python
"""Benchmark: search relevance on a judged query set (issue 17).

Builds a fresh test database (as the test suite does: DATABASE_URL's server, a ``test_`` database; SQLite in
memory), a small province, and the corpus of ``bench/relevance/corpus.py`` registered as incoming documents of
one agency through the real services (PDF attachment, extracted text set as the extraction step would set it,
search index). Then runs every query of ``bench/relevance/queries.py`` as that agency's clerk and prints, per
query class and overall, nDCG@10 (gain 2^grade − 1), precision@5 (documents graded ≥ 1 among the first five,
over min(5, number of such documents)) and MRR (first document graded ≥ 1).

Usage:  .venv/bin/python bench/relevance.py [--verbose]
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/lt_x .venv/bin/python bench/relevance.py
Targets (issue 17): nDCG@10 ≥ 0.90 overall, precision@5 ≥ 0.95 for queries typed with diacritics.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "relevance"))  # corpus.py, queries.py
import benchenv  # noqa: E402,F401  (settings module and root on the path)

benchenv.default_database("relevance.sqlite3")


def ndcg(grades: list[int], ideal: list[int], k: int = 10) -> float:
    def dcg(values):
        return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(values[:k]))

    best = dcg(sorted(ideal, reverse=True))
    return dcg(grades) / best if best else 1.0


def precision(grades: list[int], relevant: int, k: int = 5) -> float:
    return sum(1 for g in grades[:k] if g >= 1) / min(k, relevant) if relevant else 1.0


def reciprocal_rank(grades: list[int]) -> float:
    return next((1 / (i + 1) for i, g in enumerate(grades) if g >= 1), 0.0)


def build(specs):
    import datetime as dt

    from corpus import ISSUERS
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lienthong.agencies.models import AdministrativeLevel
    from lienthong.documents import services
    from lienthong.documents.models import DocumentFile
    from lienthong.search import services as search_services
    from lienthong.testing.builders import doc_input, make_agency, make_province, tiny_pdf

    province = make_province()
    tinh = AdministrativeLevel.objects.get(code="tinh")
    agencies = {"ubnd": province.agencies["ubnd"], "stttt": province.agencies["stttt"],
                "huyen": province.agencies["huyen"]}
    for n, issuer in enumerate(ISSUERS):
        if issuer.key not in agencies:
            agencies[issuer.key] = make_agency(issuer.name, issuer.abbreviation, tinh, parent=province.agencies["ubnd"],
                                               code=f"000.00.{60 + n}.H30")
    clerk = province.users["clerk.vp"]
    by_doc = {}
    pdf = tiny_pdf("van ban")
    issuer_names = {i.key: i for i in ISSUERS}
    for spec in specs:
        doc = services.document_register_incoming(
            actor=clerk, agency=province.agencies["vp"],
            data=doc_input(spec.type_code, spec.subject, issued_on=dt.date(spec.year, 3, 5),
                           signer_name=spec.signer, signer_position=issuer_names[spec.issuer].signer_position,
                           files=[SimpleUploadedFile("van-ban.pdf", pdf, content_type="application/pdf")]),
            number_symbol=spec.number_symbol, issuer_agency=agencies[spec.issuer], today=dt.date(2025, 12, 1))
        DocumentFile.objects.filter(document=doc).update(extracted_text=spec.body)
        by_doc[doc.pk] = spec
    search_services.index_documents(document_ids=list(by_doc))
    return clerk, by_doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--verbose", action="store_true", help="print every query with its first results")
    args = parser.parse_args()

    import django

    django.setup()
    from corpus import generate
    from django.db import connection
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases
    from queries import queries

    from lienthong.search.selectors import search_documents

    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        specs = generate()
        started = time.monotonic()
        clerk, by_doc = build(specs)
        built = time.monotonic() - started
        rows = defaultdict(list)
        for q in queries(specs):
            hits = search_documents(user=clerk, query=q.text, limit=10)
            grades = [q.judge(by_doc[h.document.pk]) for h in hits]
            all_grades = [q.judge(s) for s in specs]
            relevant = sum(1 for g in all_grades if g >= 1)
            scores = (ndcg(grades, all_grades), precision(grades, relevant), reciprocal_rank(grades))
            for cls in (q.cls, "with diacritics" if q.accented else "without diacritics", "all"):
                rows[cls].append(scores)
            if args.verbose:
                print(f"{q.cls:12} {q.text!r:34} nDCG {scores[0]:.2f} P@5 {scores[1]:.2f} grades {grades}")
        print(f"Database: {connection.vendor}; {len(specs)} documents, registered and indexed in {built:.1f} s; "
              f"{len(rows['all'])} queries")
        print("| Query class | Queries | nDCG@10 | P@5 | MRR |\n|---|---|---|---|---|")
        order = ["topic", "topic_ascii", "type", "agency", "number", "signer", "with diacritics",
                 "without diacritics", "all"]
        for cls in order:
            values = rows[cls]
            if values:
                means = [sum(v[i] for v in values) / len(values) for i in range(3)]
                print(f"| {cls} | {len(values)} | {means[0]:.3f} | {means[1]:.3f} | {means[2]:.3f} |")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
