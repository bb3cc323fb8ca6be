"""Refuse in the database any change to the evidence linked to a locked competency review.

The records a review cites are part of what both signed: once locked, no link may be
added, changed or removed (the same rule migration 0006 applies to the ratings).
"""

from django.db import migrations

EVIDENCE = "workforce_reviewevidence"
REVIEW = "workforce_competencyreview"

PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION workforce_evidence_locked() RETURNS trigger AS $$
DECLARE
    locked_review bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN locked_review := NEW.review_id; ELSE locked_review := OLD.review_id; END IF;
    IF EXISTS (SELECT 1 FROM {REVIEW} WHERE id = locked_review AND locked_at IS NOT NULL) THEN
        RAISE EXCEPTION 'the evidence of a signed competency review is locked: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER workforce_evidence_no_change BEFORE INSERT OR UPDATE OR DELETE ON {EVIDENCE}
    FOR EACH ROW EXECUTE FUNCTION workforce_evidence_locked();
"""  # noqa: S608
PG_REVERSE = f"""
DROP TRIGGER IF EXISTS workforce_evidence_no_change ON {EVIDENCE};
DROP FUNCTION IF EXISTS workforce_evidence_locked();
"""
_LOCKED = f"(SELECT locked_at FROM {REVIEW} WHERE id = {{row}}.review_id) IS NOT NULL"  # noqa: S608
SQLITE_FORWARD = [
    f"""CREATE TRIGGER workforce_evidence_no_{op.lower()} BEFORE {op} ON {EVIDENCE}
    WHEN {_LOCKED.format(row=row)}
    BEGIN SELECT RAISE(ABORT, 'the evidence of a signed review is locked: {op} refused'); END;"""
    for op, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD"))
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS workforce_evidence_no_{op};" for op in ("insert", "update", "delete")
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
    dependencies = [("workforce", "0007_h12_review_evidence")]
    operations = [migrations.RunPython(forward, reverse)]
