"""Full-text machinery for ``search_searchentry``, different per database vendor.

SQLite: an FTS5 table with external content (the rows of ``search_searchentry``). Text is folded and
tokenised in Python, so the tokenizer keeps diacritics (``remove_diacritics 0``) and only splits.

PostgreSQL: the ``unaccent`` and ``pg_trgm`` extensions (both trusted: a database owner may create
them), a ``vn`` text search configuration (simple + unaccent), two generated tsvector columns, a GIN
index on the folded one and a trigram index on the normalised số/ký hiệu.

The SQL is written out here rather than imported, so that later changes to the app cannot change what
this migration did. Both directions are implemented; going back keeps the extensions.
"""

from django.db import migrations

TABLE = "search_searchentry"

SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE search_fts USING fts5(scope, number, subject, meta, body, subject_x, meta_x, body_x, "
    f"content='{TABLE}', content_rowid='document_id', "
    "tokenize=\"unicode61 remove_diacritics 0 categories 'L* N* Co M*'\")",
    # Rows already present (none on a fresh database) are indexed now.
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = ["DROP TABLE IF EXISTS search_fts"]

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'vn') THEN
            CREATE TEXT SEARCH CONFIGURATION vn (COPY = simple);
            ALTER TEXT SEARCH CONFIGURATION vn ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
        END IF;
    END $$""",
    f"""ALTER TABLE {TABLE}
        ADD COLUMN tsv_fold tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('vn'::regconfig, number), 'A')
            || setweight(to_tsvector('vn'::regconfig, subject), 'B')
            || setweight(to_tsvector('vn'::regconfig, meta), 'C')
            || setweight(to_tsvector('vn'::regconfig, body), 'D')) STORED,
        ADD COLUMN tsv_exact tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('simple'::regconfig, subject_x), 'B')
            || setweight(to_tsvector('simple'::regconfig, meta_x), 'C')
            || setweight(to_tsvector('simple'::regconfig, body_x), 'D')) STORED""",
    f"CREATE INDEX search_entry_tsv_fold ON {TABLE} USING gin (tsv_fold)",
    f"CREATE INDEX search_entry_number_trgm ON {TABLE} USING gin (number_norm gin_trgm_ops)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS search_entry_number_trgm",
    "DROP INDEX IF EXISTS search_entry_tsv_fold",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS tsv_exact, DROP COLUMN IF EXISTS tsv_fold",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS vn",
]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_REVERSE),
    "postgresql": (POSTGRES_FORWARD, POSTGRES_REVERSE),
}


def _run(schema_editor, forward: bool) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise RuntimeError(f"Full-text search is not implemented for database vendor {vendor!r}")
    for sql in STATEMENTS[vendor][0 if forward else 1]:
        schema_editor.execute(sql, params=None)


def create_fulltext(apps, schema_editor):
    _run(schema_editor, forward=True)


def drop_fulltext(apps, schema_editor):
    _run(schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_entry")]

    operations = [migrations.RunPython(create_fulltext, drop_fulltext, elidable=False)]
