"""``bound_cursor``: the per-request statements are bound (and prepared) by PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.core.db import bound_cursor
from casework.core.tests.test_settings import run_python

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def _prepared_audit_inserts() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements"
            " WHERE statement LIKE 'INSERT INTO \"audit_auditevent\"%%'"
        )
        return cursor.fetchone()[0]


@postgres_only
@pytest.mark.django_db
def test_the_audit_insert_is_prepared_once_it_repeats():
    assert connection.settings_dict["OPTIONS"]["prepare_threshold"] == 2
    for _ in range(3):
        record(actor=None, action=AuditAction.VIEW, target_type="client", target_id=1)
    # Prepared once on this connection, then reused (not once per call).
    assert _prepared_audit_inserts() == 1


@pytest.mark.django_db
def test_statements_are_captured_like_any_other():
    with CaptureQueriesContext(connection) as captured, bound_cursor() as cursor:
        cursor.execute("SELECT %s + 1", [41])
        assert cursor.fetchone()[0] == 42
    assert captured.captured_queries
    assert "SELECT" in captured.captured_queries[-1]["sql"]


@pytest.mark.django_db
def test_errors_are_djangos():
    with pytest.raises(DatabaseError), bound_cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table_anywhere WHERE id = %s", [1])


@postgres_only
@pytest.mark.django_db
def test_times_come_back_in_the_connection_time_zone():
    with bound_cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz", [datetime(2026, 12, 4, 12, 0, tzinfo=UTC)])
        value = cursor.fetchone()[0]
    assert value == datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    assert value.utcoffset().total_seconds() == 0


def _database_options(tmp_path, setting: str | None) -> dict:
    """The database OPTIONS the settings build for PostgreSQL with this CASEWORK_DB_PREPARE."""
    env = {"CASEWORK_DATABASE_URL": "postgres://postgres@127.0.0.1:5432/casework"}
    if setting is not None:
        env["CASEWORK_DB_PREPARE"] = setting
    code = (
        "import json, casework.settings as s; print(json.dumps(s.DATABASES['default']['OPTIONS']))"
    )
    done = run_python(tmp_path, "-c", code, **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize(("setting", "threshold"), [(None, 2), ("true", 2), ("false", None)])
def test_preparing_follows_the_setting(tmp_path, setting, threshold):
    assert _database_options(tmp_path, setting).get("prepare_threshold") == threshold


@pytest.mark.parametrize(("setting", "options"), [(None, True), ("false", False)])
def test_prepared_statements_run_the_generic_plan_only_when_prepared(tmp_path, setting, options):
    """Behind a pooler that cannot keep prepared statements, no session setting is sent."""
    sent = _database_options(tmp_path, setting).get("options", "")
    assert ("plan_cache_mode=force_generic_plan" in sent) is options


@postgres_only
@pytest.mark.django_db
def test_a_prepared_statement_is_planned_once_and_django_queries_are_not_prepared():
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_generic_plan"
    for _ in range(4):
        with bound_cursor() as cursor:
            cursor.execute("SELECT count(*) FROM audit_auditevent WHERE id = %s", [1])
        with connection.cursor() as cursor:  # Django's own: client-side binding
            cursor.execute("SELECT count(*) FROM audit_auditevent WHERE id > %s", [1])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            ["SELECT count(*) FROM audit_auditevent%"],
        )
        prepared = cursor.fetchall()
    # Prepared after two runs; each later run reused the one generic plan.
    assert [(sql.endswith("id = $1"), generic, custom) for sql, generic, custom in prepared] == [
        (True, 2, 0)
    ]
