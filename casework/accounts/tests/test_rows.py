"""``ModelRows`` loads an instance exactly as the ORM does: every field, every type."""

from __future__ import annotations

from typing import Any

from django.db import connection, models

from casework.accounts.models import ApiToken, User
from casework.accounts.rows import ModelRows
from casework.api.tests.helpers import expire, token_for


def loaded(model: type[models.Model], pk: int) -> models.Model:
    rows: ModelRows[Any] = ModelRows(model, "x")
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {rows.columns} FROM {table} x WHERE x.id = %s", [pk])  # noqa: S608
        return rows.load(cursor.fetchone(), connection)


def field_values(instance: models.Model) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def assert_loads_as_the_orm(instance: models.Model) -> None:
    model = type(instance)
    by_orm = model._base_manager.get(pk=instance.pk)
    by_rows = loaded(model, instance.pk)
    assert field_values(by_rows) == field_values(by_orm)
    assert {k: type(v) for k, v in field_values(by_rows).items()} == {
        k: type(v) for k, v in field_values(by_orm).items()
    }
    assert not by_rows._state.adding
    assert by_rows._state.db == by_orm._state.db


def test_a_user_loads_as_the_orm_loads_it(cm_health):
    assert_loads_as_the_orm(User.objects.get(pk=cm_health.pk))


def test_a_token_with_dates_loads_as_the_orm_loads_it(cm_health):
    raw = token_for(cm_health, expires_days=3)
    expire(cm_health, raw)
    token = ApiToken.objects.get(prefix=raw[:10])
    assert token.expires_at is not None
    assert_loads_as_the_orm(token)


def test_a_client_loads_as_the_orm_loads_it(client_health):
    assert client_health.date_of_birth is not None
    assert_loads_as_the_orm(client_health)
