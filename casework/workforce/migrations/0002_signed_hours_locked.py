"""Refuse UPDATE and DELETE of a signed supervised-hours entry in the database itself.

Once the named supervisor signs an entry it is evidence for a licence application; no
code path, admin shell or stray UPDATE may change it.
"""

from django.db import migrations

TABLE = "workforce_supervisedhours"
PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION workforce_signed_hours_locked() RETURNS trigger AS $$
BEGIN
    IF OLD.signed_at IS NOT NULL THEN
        RAISE EXCEPTION 'signed supervised hours are locked: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER workforce_signed_hours_no_update BEFORE UPDATE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION workforce_signed_hours_locked();
CREATE TRIGGER workforce_signed_hours_no_delete BEFORE DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION workforce_signed_hours_locked();
"""
PG_REVERSE = f"""
DROP TRIGGER IF EXISTS workforce_signed_hours_no_update ON {TABLE};
DROP TRIGGER IF EXISTS workforce_signed_hours_no_delete ON {TABLE};
DROP FUNCTION IF EXISTS workforce_signed_hours_locked();
"""
SQLITE_FORWARD = [
    f"""CREATE TRIGGER workforce_signed_hours_no_update BEFORE UPDATE ON {TABLE}
       WHEN OLD.signed_at IS NOT NULL
       BEGIN SELECT RAISE(ABORT, 'signed supervised hours are locked: UPDATE refused'); END;""",
    f"""CREATE TRIGGER workforce_signed_hours_no_delete BEFORE DELETE ON {TABLE}
       WHEN OLD.signed_at IS NOT NULL
       BEGIN SELECT RAISE(ABORT, 'signed supervised hours are locked: DELETE refused'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS workforce_signed_hours_no_update;",
    "DROP TRIGGER IF EXISTS workforce_signed_hours_no_delete;",
]


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
    dependencies = [("workforce", "0001_initial")]
    operations = [migrations.RunPython(forward, reverse)]
