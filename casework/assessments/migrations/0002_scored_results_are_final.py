"""Refuse, in the database, any change to an assessment's scored result or its deletion.

A result is computed once with the instrument version it names and never recomputed; the
client merge may still move a row to the surviving client (``client_id`` stays writable).
"""

from django.db import migrations

COLUMNS = "instrument_id, answers, total, band_code, band_label, result, administered_on"
PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION assessments_assessment_final() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'assessments_assessment: a scored result is final (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER assessments_assessment_no_rescore BEFORE UPDATE OF {COLUMNS}
    ON assessments_assessment FOR EACH ROW EXECUTE FUNCTION assessments_assessment_final();
CREATE TRIGGER assessments_assessment_no_delete BEFORE DELETE
    ON assessments_assessment FOR EACH ROW EXECUTE FUNCTION assessments_assessment_final();
"""
PG_REVERSE = """
DROP TRIGGER IF EXISTS assessments_assessment_no_rescore ON assessments_assessment;
DROP TRIGGER IF EXISTS assessments_assessment_no_delete ON assessments_assessment;
DROP FUNCTION IF EXISTS assessments_assessment_final();
"""
SQLITE_FORWARD = [
    f"""CREATE TRIGGER assessments_assessment_no_rescore BEFORE UPDATE OF {COLUMNS}
       ON assessments_assessment
       BEGIN SELECT RAISE(ABORT, 'assessments_assessment: a scored result is final'); END;""",
    """CREATE TRIGGER assessments_assessment_no_delete BEFORE DELETE ON assessments_assessment
       BEGIN SELECT RAISE(ABORT, 'assessments_assessment: a scored result is final'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS assessments_assessment_no_rescore;",
    "DROP TRIGGER IF EXISTS assessments_assessment_no_delete;",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
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
    dependencies = [("assessments", "0001_instruments_assessments_flags")]
    operations = [migrations.RunPython(forward, reverse)]
