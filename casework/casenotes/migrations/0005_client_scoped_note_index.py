"""SQLite: the notes' FTS5 index holds each word joined to its note's client (``42xrent``).

Search is always within one client. Migration 0004 matched the client column together with
the words, but a prefix longer than the prefix indexes (``"medication"*``) still merged the
lists of every note in the database holding a word that starts so before the client filter
cut them down: 228 ms for one search at 1M clients. With the client in each term, a search
reads that client's terms only (decision 0110). The index is contentless (it stores no copy
of the text); the triggers compute the terms with ``casenotes_terms_v1``, registered on
every SQLite connection by the app. PostgreSQL is unchanged.
"""

from django.db import migrations

from casework.casenotes.search import TERMS_FUNCTION, client_terms

NOTE = "casenotes_casenote"
FTS = "casenotes_note_fts"
TERMS_NEW = f"{TERMS_FUNCTION}(new.client_id, new.search_text)"
TERMS_OLD = f"{TERMS_FUNCTION}(old.client_id, old.search_text)"

DROP = [
    "DROP TRIGGER IF EXISTS casenotes_fts_insert",
    "DROP TRIGGER IF EXISTS casenotes_fts_delete",
    "DROP TRIGGER IF EXISTS casenotes_fts_update",
    f"DROP TABLE IF EXISTS {FTS}",
]
CREATE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(terms, content='', tokenize='porter unicode61')",
    f"""CREATE TRIGGER casenotes_fts_insert AFTER INSERT ON {NOTE} BEGIN
        INSERT INTO {FTS}(rowid, terms) VALUES (new.id, {TERMS_NEW});
       END;""",  # noqa: S608 - constants
    f"""CREATE TRIGGER casenotes_fts_delete AFTER DELETE ON {NOTE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, terms) VALUES ('delete', old.id, {TERMS_OLD});
       END;""",  # noqa: S608 - constants
    f"""CREATE TRIGGER casenotes_fts_update AFTER UPDATE OF search_text, client_id ON {NOTE}
       BEGIN
        INSERT INTO {FTS}({FTS}, rowid, terms) VALUES ('delete', old.id, {TERMS_OLD});
        INSERT INTO {FTS}(rowid, terms) VALUES (new.id, {TERMS_NEW});
       END;""",  # noqa: S608 - constants
    # Every note already saved (a contentless index has no 'rebuild').
    f"INSERT INTO {FTS}(rowid, terms) SELECT id, {TERMS_FUNCTION}(client_id, search_text) "  # noqa: S608
    f"FROM {NOTE}",
]


def _previous() -> list[str]:
    # Migration 0004's index: the client as a column, prefix indexes of 2-4 letters.
    columns = "search_text, client_id"
    new, old = "new.id, new.search_text, new.client_id", "old.id, old.search_text, old.client_id"
    return [
        f"""CREATE VIRTUAL TABLE {FTS} USING fts5({columns}, content='{NOTE}',
            content_rowid='id', tokenize='porter unicode61', prefix='2 3 4')""",
        f"""CREATE TRIGGER casenotes_fts_insert AFTER INSERT ON {NOTE} BEGIN
            INSERT INTO {FTS}(rowid, {columns}) VALUES ({new});
           END;""",  # noqa: S608 - constants
        f"""CREATE TRIGGER casenotes_fts_delete AFTER DELETE ON {NOTE} BEGIN
            INSERT INTO {FTS}({FTS}, rowid, {columns}) VALUES ('delete', {old});
           END;""",  # noqa: S608 - constants
        f"""CREATE TRIGGER casenotes_fts_update AFTER UPDATE OF {columns} ON {NOTE} BEGIN
            INSERT INTO {FTS}({FTS}, rowid, {columns}) VALUES ('delete', {old});
            INSERT INTO {FTS}(rowid, {columns}) VALUES ({new});
           END;""",  # noqa: S608 - constants
        f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",  # noqa: S608 - constants
    ]


def _run(schema_editor, statements):
    if schema_editor.connection.vendor != "sqlite":
        return
    # The app registers the function on each new connection; this one may predate it.
    schema_editor.connection.ensure_connection()
    schema_editor.connection.connection.create_function(
        TERMS_FUNCTION, 2, client_terms, deterministic=True
    )
    for statement in statements:
        schema_editor.execute(statement)


def forward(apps, schema_editor):
    _run(schema_editor, DROP + CREATE)


def reverse(apps, schema_editor):
    _run(schema_editor, DROP + _previous())


class Migration(migrations.Migration):
    dependencies = [("casenotes", "0004_h15_search_by_client")]
    operations = [migrations.RunPython(forward, reverse)]
