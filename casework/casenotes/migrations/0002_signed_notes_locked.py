"""Signed notes, addenda and co-signatures are locked in the database itself; notes search.

A signed note is evidence for an audit, a billing review or a court (CMS, Medicare Program
Integrity Manual, Pub. 100-08, ch. 3, 3.3.2.5, 2013: amendments must keep all original
content). No code path, shell or stray UPDATE may change or delete one: the triggers below
refuse it, as the audit table's do. Addenda and co-signatures are never changed at all.

On SQLite the migration also builds the FTS5 index of the notes' text, kept by triggers.
"""

from django.db import migrations

NOTE = "casenotes_casenote"
ADDENDUM = "casenotes_noteaddendum"
COSIGN = "casenotes_notecosignature"

PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION casenotes_signed_locked() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'signed' THEN
        RAISE EXCEPTION 'signed case notes are locked: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER casenotes_signed_no_update BEFORE UPDATE ON {NOTE}
    FOR EACH ROW EXECUTE FUNCTION casenotes_signed_locked();
CREATE TRIGGER casenotes_signed_no_delete BEFORE DELETE ON {NOTE}
    FOR EACH ROW EXECUTE FUNCTION casenotes_signed_locked();
CREATE OR REPLACE FUNCTION casenotes_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER casenotes_addendum_no_change BEFORE UPDATE OR DELETE ON {ADDENDUM}
    FOR EACH ROW EXECUTE FUNCTION casenotes_append_only();
CREATE TRIGGER casenotes_cosign_no_change BEFORE UPDATE OR DELETE ON {COSIGN}
    FOR EACH ROW EXECUTE FUNCTION casenotes_append_only();
"""
PG_REVERSE = f"""
DROP TRIGGER IF EXISTS casenotes_signed_no_update ON {NOTE};
DROP TRIGGER IF EXISTS casenotes_signed_no_delete ON {NOTE};
DROP TRIGGER IF EXISTS casenotes_addendum_no_change ON {ADDENDUM};
DROP TRIGGER IF EXISTS casenotes_cosign_no_change ON {COSIGN};
DROP FUNCTION IF EXISTS casenotes_signed_locked();
DROP FUNCTION IF EXISTS casenotes_append_only();
"""
SQLITE_FORWARD = [
    f"""CREATE TRIGGER casenotes_signed_no_update BEFORE UPDATE ON {NOTE}
       WHEN OLD.status = 'signed'
       BEGIN SELECT RAISE(ABORT, 'signed case notes are locked: UPDATE refused'); END;""",
    f"""CREATE TRIGGER casenotes_signed_no_delete BEFORE DELETE ON {NOTE}
       WHEN OLD.status = 'signed'
       BEGIN SELECT RAISE(ABORT, 'signed case notes are locked: DELETE refused'); END;""",
    f"""CREATE TRIGGER casenotes_addendum_no_update BEFORE UPDATE ON {ADDENDUM}
       BEGIN SELECT RAISE(ABORT, 'addenda are append-only: UPDATE refused'); END;""",
    f"""CREATE TRIGGER casenotes_addendum_no_delete BEFORE DELETE ON {ADDENDUM}
       BEGIN SELECT RAISE(ABORT, 'addenda are append-only: DELETE refused'); END;""",
    f"""CREATE TRIGGER casenotes_cosign_no_update BEFORE UPDATE ON {COSIGN}
       BEGIN SELECT RAISE(ABORT, 'co-signatures are append-only: UPDATE refused'); END;""",
    f"""CREATE TRIGGER casenotes_cosign_no_delete BEFORE DELETE ON {COSIGN}
       BEGIN SELECT RAISE(ABORT, 'co-signatures are append-only: DELETE refused'); END;""",
    f"""CREATE VIRTUAL TABLE casenotes_note_fts USING fts5(
        search_text, content='{NOTE}', content_rowid='id', tokenize='porter unicode61')""",
    f"""CREATE TRIGGER casenotes_fts_insert AFTER INSERT ON {NOTE} BEGIN
        INSERT INTO casenotes_note_fts(rowid, search_text) VALUES (new.id, new.search_text);
       END;""",  # noqa: S608 - constants
    f"""CREATE TRIGGER casenotes_fts_delete AFTER DELETE ON {NOTE} BEGIN
        INSERT INTO casenotes_note_fts(casenotes_note_fts, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
       END;""",  # noqa: S608 - constants
    f"""CREATE TRIGGER casenotes_fts_update AFTER UPDATE OF search_text ON {NOTE} BEGIN
        INSERT INTO casenotes_note_fts(casenotes_note_fts, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        INSERT INTO casenotes_note_fts(rowid, search_text) VALUES (new.id, new.search_text);
       END;""",  # noqa: S608 - constants
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {name};"
    for name in (
        "casenotes_signed_no_update",
        "casenotes_signed_no_delete",
        "casenotes_addendum_no_update",
        "casenotes_addendum_no_delete",
        "casenotes_cosign_no_update",
        "casenotes_cosign_no_delete",
        "casenotes_fts_insert",
        "casenotes_fts_delete",
        "casenotes_fts_update",
    )
] + ["DROP TABLE IF EXISTS casenotes_note_fts;"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)  # the SQL has a literal %
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_REVERSE, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("casenotes", "0001_initial")]
    operations = [migrations.RunPython(forward, reverse)]
