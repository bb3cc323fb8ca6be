"""Refuse, in the database, any change to a signed plan version or to its contents.

Once the client has signed (or the version is recorded as not signed, with the reason) the
version, its needs, goals, objectives and interventions are read-only; a review makes the
next version. Like the audit trail's triggers, this holds whatever code runs.
"""

from django.db import migrations

VERSION_COLUMNS = (
    "number, status, review_due, reviewed_on, review_note, sections, signature_method, "
    "signature_image, signed_name, signed_on, not_signed_reason, signed_at, plan_id"
)
# child table -> SQL giving the signed_at of the version the row (OLD or NEW) belongs to
CHILDREN = {
    "plans_need": "(SELECT signed_at FROM plans_planversion WHERE id = {row}.version_id)",
    "plans_goal": "(SELECT signed_at FROM plans_planversion WHERE id = {row}.version_id)",
    "plans_objective": (
        "(SELECT v.signed_at FROM plans_planversion v JOIN plans_goal g ON g.version_id = v.id"
        " WHERE g.id = {row}.goal_id)"
    ),
    "plans_intervention": (
        "(SELECT v.signed_at FROM plans_planversion v JOIN plans_goal g ON g.version_id = v.id"
        " WHERE g.id = {row}.goal_id)"
    ),
}
MESSAGE = "a signed plan version is frozen"


def _sqlite() -> list[str]:
    statements = [
        f"""CREATE TRIGGER plans_planversion_frozen BEFORE UPDATE OF {VERSION_COLUMNS}
            ON plans_planversion WHEN OLD.signed_at IS NOT NULL
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
        f"""CREATE TRIGGER plans_planversion_frozen_delete BEFORE DELETE ON plans_planversion
            WHEN OLD.signed_at IS NOT NULL BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    ]
    for table, signed in CHILDREN.items():
        for op, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
            statements.append(
                f"""CREATE TRIGGER {table}_frozen_{op.lower()} BEFORE {op} ON {table}
                    WHEN {signed.format(row=row)} IS NOT NULL
                    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"""
            )
    return statements


def _sqlite_reverse() -> list[str]:
    names = ["plans_planversion_frozen", "plans_planversion_frozen_delete"]
    names += [f"{t}_frozen_{op}" for t in CHILDREN for op in ("insert", "update", "delete")]
    return [f"DROP TRIGGER IF EXISTS {name};" for name in names]


def _pg() -> str:
    sql = f"""
CREATE OR REPLACE FUNCTION plans_refuse_frozen() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE} (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER plans_planversion_frozen BEFORE UPDATE OF {VERSION_COLUMNS} ON plans_planversion
    FOR EACH ROW WHEN (OLD.signed_at IS NOT NULL) EXECUTE FUNCTION plans_refuse_frozen();
CREATE TRIGGER plans_planversion_frozen_delete BEFORE DELETE ON plans_planversion
    FOR EACH ROW WHEN (OLD.signed_at IS NOT NULL) EXECUTE FUNCTION plans_refuse_frozen();
"""
    for table, signed in CHILDREN.items():
        sql += f"""
CREATE OR REPLACE FUNCTION {table}_frozen() RETURNS trigger AS $$
BEGIN
    IF (TG_OP = 'INSERT' AND {signed.format(row="NEW")} IS NOT NULL)
       OR (TG_OP <> 'INSERT' AND {signed.format(row="OLD")} IS NOT NULL) THEN
        RAISE EXCEPTION '{MESSAGE} (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_frozen();
"""
    return sql


def _pg_reverse() -> str:
    sql = """
DROP TRIGGER IF EXISTS plans_planversion_frozen ON plans_planversion;
DROP TRIGGER IF EXISTS plans_planversion_frozen_delete ON plans_planversion;
DROP FUNCTION IF EXISTS plans_refuse_frozen();
"""
    for table in CHILDREN:
        sql += f"DROP TRIGGER IF EXISTS {table}_frozen ON {table};\n"
        sql += f"DROP FUNCTION IF EXISTS {table}_frozen();\n"
    return sql


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_pg(), params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in _sqlite():
            schema_editor.execute(statement)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_pg_reverse(), params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in _sqlite_reverse():
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_service_plans")]
    operations = [migrations.RunPython(forward, reverse)]
