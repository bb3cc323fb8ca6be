"""Directory curation: who may curate, editing a service, verifying it, and what is stale.

Curators are org admins of any agency and platform staff: the directory is shared by every
agency, and carries no client data. Each change writes an audit row.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from casework.accounts.access import access_for
from casework.audit.models import AuditAction
from casework.audit.services import diff, record, snapshot
from casework.core.exceptions import PermissionDenied
from casework.resources.models import Service

EDITABLE = (
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "status",
    "application_process",
    "fees_description",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "alert",
)


def is_curator(user: Any) -> bool:
    return bool(getattr(user, "is_staff", False) or access_for(user).admin_org_ids)


def is_directory_reader(user: Any) -> bool:
    """Agency staff (any program role, org admins, auditors). Partners are not."""
    access = access_for(user)
    return bool(access.program_roles or access.org_wide_org_ids or is_curator(user))


def check_curator(user: Any) -> None:
    if not is_curator(user):
        raise PermissionDenied("Only directory curators (organization admins) edit the directory.")


def service_update(*, actor: Any, service: Service, data: Mapping[str, Any]) -> Service:
    """Change the curated fields of a service; marks it verified by the actor, now."""
    check_curator(actor)
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Not an editable field."))
    before = snapshot(service, EDITABLE)
    for name, value in data.items():
        setattr(service, name, value)
    low, high = service.minimum_age, service.maximum_age
    if low is not None and high is not None and low > high:
        raise ValidationError({"maximum_age": "The maximum age is below the minimum age."})
    service.full_clean(exclude=["organization", "program", "last_verified_by"])
    service.last_modified = service.last_verified_at = timezone.now()
    service.last_verified_by = actor
    with transaction.atomic():
        service.save()
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            target_type="directory_service",
            target_id=service.pk,
            changes=diff(before, snapshot(service, EDITABLE)),
        )
    return service


def service_verify(*, actor: Any, service: Service) -> Service:
    """Record that a curator checked the listing with the provider today."""
    check_curator(actor)
    service.last_verified_at = timezone.now()
    service.last_verified_by = actor
    with transaction.atomic():
        service.save(update_fields=["last_verified_at", "last_verified_by"])
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            target_type="directory_service",
            target_id=service.pk,
            details={"verified": True},
        )
    return service


def stale_services(*, days: int | None = None) -> QuerySet[Service]:
    """Active listings not verified in ``days`` (``CASEWORK_DIRECTORY_VERIFY_DAYS``), oldest
    first; never-verified ones lead."""
    days = days or settings.CASEWORK_DIRECTORY_VERIFY_DAYS
    cutoff = timezone.now() - datetime.timedelta(days=days)
    return (
        Service.objects.exclude(status="defunct")
        .filter(Q(last_verified_at__isnull=True) | Q(last_verified_at__lt=cutoff))
        .select_related("organization")
        .order_by("last_verified_at", "name")
    )
