"""Refuse in the database any change to a locked competency review, its ratings, or a
framework version.

A review signed by both the staff member and the supervisor is a performance record;
a framework version is what past reviews were rated against. No code path, admin shell or
stray UPDATE may change either (editing the framework inserts a new version).
"""

from django.db import migrations

REVIEW = "workforce_competencyreview"
RATING = "workforce_competencyrating"
FRAMEWORK = "workforce_competencyframework"

PG_FORWARD = """
CREATE OR REPLACE FUNCTION workforce_review_locked() RETURNS trigger AS $$
BEGIN
    IF OLD.locked_at IS NOT NULL THEN
        RAISE EXCEPTION 'a signed competency review is locked: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION workforce_rating_locked() RETURNS trigger AS $$
DECLARE
    review_id bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN review_id := NEW.review_id; ELSE review_id := OLD.review_id; END IF;
    IF EXISTS (SELECT 1 FROM workforce_competencyreview WHERE id = review_id AND locked_at IS NOT NULL) THEN
        RAISE EXCEPTION 'the ratings of a signed competency review are locked: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION workforce_framework_frozen() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'a competency framework version never changes: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER workforce_review_no_change BEFORE UPDATE OR DELETE ON workforce_competencyreview
    FOR EACH ROW EXECUTE FUNCTION workforce_review_locked();
CREATE TRIGGER workforce_rating_no_change BEFORE INSERT OR UPDATE OR DELETE ON workforce_competencyrating
    FOR EACH ROW EXECUTE FUNCTION workforce_rating_locked();
CREATE TRIGGER workforce_framework_no_change BEFORE UPDATE OR DELETE ON workforce_competencyframework
    FOR EACH ROW EXECUTE FUNCTION workforce_framework_frozen();
"""
PG_REVERSE = f"""
DROP TRIGGER IF EXISTS workforce_review_no_change ON {REVIEW};
DROP TRIGGER IF EXISTS workforce_rating_no_change ON {RATING};
DROP TRIGGER IF EXISTS workforce_framework_no_change ON {FRAMEWORK};
DROP FUNCTION IF EXISTS workforce_review_locked();
DROP FUNCTION IF EXISTS workforce_rating_locked();
DROP FUNCTION IF EXISTS workforce_framework_frozen();
"""
_LOCKED = f"(SELECT locked_at FROM {REVIEW} WHERE id = {{row}}.review_id) IS NOT NULL"  # noqa: S608
SQLITE_FORWARD = [
    *(
        f"""CREATE TRIGGER workforce_review_no_{op.lower()} BEFORE {op} ON {REVIEW}
        WHEN OLD.locked_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'a signed competency review is locked: {op} refused'); END;"""
        for op in ("UPDATE", "DELETE")
    ),
    *(
        f"""CREATE TRIGGER workforce_rating_no_{op.lower()} BEFORE {op} ON {RATING}
        WHEN {_LOCKED.format(row=row)}
        BEGIN SELECT RAISE(ABORT, 'the ratings of a signed review are locked: {op} refused');
        END;"""
        for op, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD"))
    ),
    *(
        f"""CREATE TRIGGER workforce_framework_no_{op.lower()} BEFORE {op} ON {FRAMEWORK}
        BEGIN SELECT RAISE(ABORT, 'a framework version never changes: {op} refused'); END;"""
        for op in ("UPDATE", "DELETE")
    ),
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {name};"
    for name in (
        "workforce_review_no_update",
        "workforce_review_no_delete",
        "workforce_rating_no_insert",
        "workforce_rating_no_update",
        "workforce_rating_no_delete",
        "workforce_framework_no_update",
        "workforce_framework_no_delete",
    )
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
    dependencies = [("workforce", "0005_h12_staff_development")]
    operations = [migrations.RunPython(forward, reverse)]
