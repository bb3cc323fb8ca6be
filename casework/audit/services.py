"""Writing the audit trail. Every service that reads or changes client data calls ``record``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from casework.audit.models import AuditAction, AuditEvent
from casework.core import context
from casework.core.db import bound_cursor

# Fields whose values never enter the trail, only the fact that they changed.
REDACTED_FIELDS = frozenset({"password", "ssn", "ssn_encrypted", "key_hash"})


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose values differ; protected ones redacted."""
    changes: dict[str, list[Any]] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new or (_empty(old) and _empty(new)):
            continue
        if name in REDACTED_FIELDS:
            changes[name] = ["[redacted]", "[redacted]"]
        else:
            changes[name] = [_jsonable(old), _jsonable(new)]
    return changes


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in fields}


def record(
    *,
    actor: Any,
    action: AuditAction | str,
    target_type: str,
    target_id: object = "",
    client_id: int | None = None,
    organization_id: int | None = None,
    changes: Mapping[str, list[Any]] | None = None,
    details: Mapping[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one audit row, stamped with the current request's id, IP and user agent.

    Call it inside the same transaction as the change it describes, so that the change and
    its record commit or roll back together.
    """
    ctx = context.current()
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        actor=user,
        actor_label=actor_label or (user.email if user is not None else ""),
        action=str(action),
        target_type=target_type,
        target_id=str(target_id or ""),
        client_id=client_id,
        organization_id=organization_id,
        changes={k: _jsonable(v) for k, v in (changes or {}).items()},
        details={k: _jsonable(v) for k, v in (details or {}).items()},
        request_id=ctx.request_id,
        ip=ctx.ip,
        user_agent=ctx.user_agent,
        channel=ctx.channel,
    )
    _append(event)
    return event


def _append(event: AuditEvent) -> None:
    """Insert ``event`` as ``event.save()`` would, with a statement built once per process.

    The trail takes a row on every client read, and compiling the INSERT through the ORM
    cost more than running it. Audit rows are only ever inserted (the model refuses any
    other save), and no signal receivers listen to them.
    """
    with transaction.mark_for_rollback_on_error(), bound_cursor() as cursor:
        db = cursor.db
        params = [
            field.get_db_prep_save(field.pre_save(event, True), db) for field in _INSERTED_FIELDS
        ]
        cursor.execute(_insert_sql(db), params)
        event.pk = cursor.fetchone()[0]
    event._state.adding = False
    event._state.db = db.alias


_INSERTED_FIELDS = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
_INSERT_SQL: dict[str, str] = {}


def _insert_sql(backend: BaseDatabaseWrapper) -> str:
    """``INSERT INTO audit_auditevent (...) VALUES (...) RETURNING id`` for this backend."""
    sql = _INSERT_SQL.get(backend.vendor)
    if sql is None:
        quote = backend.ops.quote_name
        columns = ", ".join(quote(field.column) for field in _INSERTED_FIELDS)
        values = ", ".join(["%s"] * len(_INSERTED_FIELDS))
        table, pk = quote(AuditEvent._meta.db_table), quote(AuditEvent._meta.pk.column)
        sql = f"INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING {pk}"  # noqa: S608
        _INSERT_SQL[backend.vendor] = sql
    return sql
