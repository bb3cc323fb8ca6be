"""SQLite: the notes' FTS5 index also holds each note's client, and prefixes of 2-4 letters.

Search is always within one client. With the words alone, the index matched every client's
notes before the client filter applied: a common word cost a pass over most notes of the
database. Now the client id is an indexed column, matched together with the words
(``client_id:"42" AND "rent"*``), and the prefix indexes answer ``"rent"*`` from one list,
so one client's notes are found without reading the others'. PostgreSQL is unchanged (its
search reads only the client's rows through the client index).
"""

from django.db import migrations

NOTE = "casenotes_casenote"
FTS = "casenotes_note_fts"


def _index(prefix: str) -> list[str]:
    columns = "search_text, client_id" if prefix else "search_text"
    values_new = "new.id, new.search_text" + (", new.client_id" if prefix else "")
    values_old = "old.id, old.search_text" + (", old.client_id" if prefix else "")
    options = f", prefix='{prefix}'" if prefix else ""
    watched = "search_text, client_id" if prefix else "search_text"
    return [
        f"""CREATE VIRTUAL TABLE {FTS} USING fts5(
            {columns}, content='{NOTE}', content_rowid='id',
            tokenize='porter unicode61'{options})""",
        f"""CREATE TRIGGER casenotes_fts_insert AFTER INSERT ON {NOTE} BEGIN
            INSERT INTO {FTS}(rowid, {columns}) VALUES ({values_new});
           END;""",  # noqa: S608 - constants
        f"""CREATE TRIGGER casenotes_fts_delete AFTER DELETE ON {NOTE} BEGIN
            INSERT INTO {FTS}({FTS}, rowid, {columns}) VALUES ('delete', {values_old});
           END;""",  # noqa: S608 - constants
        f"""CREATE TRIGGER casenotes_fts_update AFTER UPDATE OF {watched} ON {NOTE} BEGIN
            INSERT INTO {FTS}({FTS}, rowid, {columns}) VALUES ('delete', {values_old});
            INSERT INTO {FTS}(rowid, {columns}) VALUES ({values_new});
           END;""",  # noqa: S608 - constants
        f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",  # noqa: S608 - constants
    ]


DROP = [
    "DROP TRIGGER IF EXISTS casenotes_fts_insert",
    "DROP TRIGGER IF EXISTS casenotes_fts_delete",
    "DROP TRIGGER IF EXISTS casenotes_fts_update",
    f"DROP TABLE IF EXISTS {FTS}",
]


def _run(schema_editor, statements):
    if schema_editor.connection.vendor == "sqlite":
        for statement in statements:
            schema_editor.execute(statement)


def forward(apps, schema_editor):
    _run(schema_editor, DROP + _index("2 3 4"))


def reverse(apps, schema_editor):
    _run(schema_editor, DROP + _index(""))


class Migration(migrations.Migration):
    dependencies = [("casenotes", "0003_attachments")]
    operations = [migrations.RunPython(forward, reverse)]
