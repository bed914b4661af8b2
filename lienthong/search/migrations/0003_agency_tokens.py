"""Index every token together with its agency: "a12_quyet" (SQLite) or "a12zquyet" (PostgreSQL).

Measured on 1,000,000 documents (busiest agency 27,000): with plain tokens a common word made every
query pay for the word's whole posting list (half a million rows for "tỉnh"), in FTS5's bm25 document
frequency and in PostgreSQL's GIN bitmap, before the agency filter cut it down. With agency tokens a
posting list holds one agency's documents, and the agency filter needs neither the ``scope`` column
nor an agency index.

SQLite: the FTS5 table becomes contentless and is rebuilt from ``search_searchentry``.
PostgreSQL: the generated tsvector columns are recreated with prefixed lexemes.
Going back restores migration 0002's objects (and the scope tokens).
"""

from django.db import migrations

TABLE = "search_searchentry"
COLUMNS = ("number", "subject", "meta", "body", "subject_x", "meta_x", "body_x")


def _prefixed(column, separator):
    prefix = f"'a' || agency_id || '{separator}'"
    return f"CASE WHEN {column} = '' THEN '' ELSE {prefix} || replace({column}, ' ', ' ' || {prefix}) END"


def _tsvectors(transform):
    fold = " || ".join(f"setweight(to_tsvector('vn'::regconfig, {transform(c)}), '{w}')"
                       for c, w in (("number", "A"), ("subject", "B"), ("meta", "C"), ("body", "D")))
    exact = " || ".join(f"setweight(to_tsvector('simple'::regconfig, {transform(c)}), '{w}')"
                        for c, w in (("subject_x", "B"), ("meta_x", "C"), ("body_x", "D")))
    return [
        "DROP INDEX IF EXISTS search_entry_tsv_fold",
        f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS tsv_exact, DROP COLUMN IF EXISTS tsv_fold",
        f"ALTER TABLE {TABLE} ADD COLUMN tsv_fold tsvector GENERATED ALWAYS AS ({fold}) STORED, "
        f"ADD COLUMN tsv_exact tsvector GENERATED ALWAYS AS ({exact}) STORED",
        f"CREATE INDEX search_entry_tsv_fold ON {TABLE} USING gin (tsv_fold)",
    ]


STATEMENTS = {
    "sqlite": (
        [
            "DROP TABLE IF EXISTS search_fts",
            f"CREATE VIRTUAL TABLE search_fts USING fts5({', '.join(COLUMNS)}, content='', "
            "tokenize=\"unicode61 remove_diacritics 0 categories 'L* N* Co M*' tokenchars '_'\")",
            f"INSERT INTO search_fts(rowid, {', '.join(COLUMNS)}) "
            f"SELECT document_id, {', '.join(_prefixed(c, '_') for c in COLUMNS)} FROM {TABLE}",
        ],
        [
            "DROP TABLE IF EXISTS search_fts",
            f"UPDATE {TABLE} SET scope = 'a' || agency_id || ' d' || direction || ' y' || year",
            f"CREATE VIRTUAL TABLE search_fts USING fts5(scope, {', '.join(COLUMNS)}, "
            f"content='{TABLE}', content_rowid='document_id', "
            "tokenize=\"unicode61 remove_diacritics 0 categories 'L* N* Co M*'\")",
            "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
        ],
    ),
    "postgresql": (
        _tsvectors(lambda c: _prefixed(c, "z").replace("agency_id", "agency_id::text")),
        _tsvectors(lambda c: c),
    ),
}


def _run(schema_editor, forward):
    for sql in STATEMENTS[schema_editor.connection.vendor][0 if forward else 1]:
        schema_editor.execute(sql, params=None)


def agency_tokens(apps, schema_editor):
    _run(schema_editor, forward=True)


def plain_tokens(apps, schema_editor):
    _run(schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext_indexes")]

    operations = [
        migrations.RunPython(agency_tokens, plain_tokens, elidable=False),
        migrations.RemoveField(model_name="searchentry", name="scope"),
        migrations.RemoveIndex(model_name="searchentry", name="search_entry_scope"),
    ]
