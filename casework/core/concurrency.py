"""Optimistic concurrency for :class:`casework.core.models.VersionedModel` rows."""

from __future__ import annotations

from typing import Any

from django.db.models import F

from casework.core.exceptions import StaleVersion
from casework.core.models import VersionedModel


def parse_etag(value: str | None) -> int | None:
    """Read a version from an ``If-Match`` value (``"3"`` or ``3``); None if absent.

    ``If-Match`` uses the strong comparison (RFC 9110, section 13.1.1): a weak validator
    (``W/"3"``) never matches, so it comes back as -1, like any unreadable value, and the
    change is answered 412.
    """
    if not value:
        return None
    text = value.strip()
    if text.startswith("W/"):
        return -1
    text = text.strip('"')
    return int(text) if text.isdigit() and len(text) <= 18 else -1


def save_versioned(instance: VersionedModel, *, expected_version: int, fields: list[str]) -> None:
    """Write ``fields`` only if the row is still at ``expected_version``; bump the version.

    A conditional ``UPDATE ... WHERE version = expected`` decides the race in the database,
    so two concurrent writers cannot both succeed.
    """
    model = type(instance)
    values: dict[str, Any] = {name: getattr(instance, name) for name in fields}
    if "updated_at" in {f.name for f in model._meta.fields}:
        from django.utils import timezone

        instance.updated_at = timezone.now()
        values["updated_at"] = instance.updated_at
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        version=F("version") + 1, **values
    )
    if updated != 1:
        current = model._default_manager.filter(pk=instance.pk).values_list("version", flat=True)
        raise StaleVersion(current.first() or 0)
    instance.version = expected_version + 1
