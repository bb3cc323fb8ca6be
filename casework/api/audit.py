"""``GET /audit-events``: the audit trail, for auditors and org admins of the organization.

Only rows about the caller's organizations, and their staff's own events (sign-ins, token
use), are shown; everyone but auditors and org admins gets 403.
Reading the trail is itself recorded.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from casework.accounts.access import access_for
from casework.accounts.auth_audit import scoped_events
from casework.accounts.models import User
from casework.api.pagination import Page, PageParams, paginate
from casework.api.types import Id, InputSchema, Text254
from casework.audit.labels import event_label
from casework.audit.models import AuditAction, AuditEvent
from casework.audit.services import record
from casework.clients.permissions import redact_audit_addresses
from casework.core.exceptions import PermissionDenied

router = Router(tags=["audit"])


class AuditEventFilters(InputSchema, PageParams):
    client: Id | None = Field(None, description="Events about this client (id).")
    actor: Text254 = Field("", description="Events by the user with this email.")
    action: AuditAction | None = None
    since: datetime | None = Field(None, description="At or after this time (ISO 8601).")
    until: datetime | None = Field(None, description="Before this time (ISO 8601).")


class AuditEventOut(Schema):
    id: int
    occurred_at: datetime
    actor_id: int | None
    actor_label: str
    action: str
    label: str = Field(description='The action in plain words, e.g. "Viewed the client record".')
    target_type: str
    target_id: str
    client_id: int | None
    organization_id: int | None
    changes: dict[str, Any]
    details: dict[str, Any]
    request_id: str
    ip: str | None
    user_agent: str
    channel: str

    @staticmethod
    def resolve_label(event: AuditEvent) -> str:
        return event_label(event)


def _aware(moment: datetime, field: str) -> datetime:
    """``moment`` in UTC (naive times are in the server's zone); 422 if it cannot be stored."""
    try:
        aware = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
        return aware.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValidationError({field: "This time is out of range."}) from None


def _scoped(organization_ids: frozenset[int]) -> Any:
    """The same rule as the web UI's audit pages (``accounts.auth_audit.scoped_events``)."""
    return scoped_events(organization_ids)


def _filtered(organization_ids: frozenset[int], filters: AuditEventFilters) -> Any:
    events = _scoped(organization_ids)
    if filters.client is not None:
        events = events.filter(client_id=filters.client)
    if filters.actor:
        actors = User.objects.filter(email__iexact=filters.actor).values("pk")
        events = events.filter(actor_id__in=actors)
    if filters.action is not None:
        events = events.filter(action=filters.action)
    if filters.since is not None:
        events = events.filter(occurred_at__gte=_aware(filters.since, "since"))
    if filters.until is not None:
        events = events.filter(occurred_at__lt=_aware(filters.until, "until"))
    return events.order_by("-occurred_at", "-id")


@router.get("/audit-events", response=Page[AuditEventOut], summary="Read the audit trail")
def audit_events_list(request: HttpRequest, filters: Query[AuditEventFilters]) -> dict[str, Any]:
    """Audit events of the caller's organizations, newest first (auditors and org admins)."""
    organization_ids = access_for(request.user).org_wide_org_ids
    if not organization_ids:
        record(
            actor=request.user,
            action=AuditAction.DENIED,
            target_type="audit_event_list",
            details={"reason": "not an auditor or org admin"},
        )
        raise PermissionDenied("Only auditors and organization admins may read the audit trail.")
    page = paginate(request, _filtered(organization_ids, filters), filters)
    redact_audit_addresses(request.user, list(page["results"]))
    query = filters.model_dump(exclude_defaults=True, mode="json")
    record(
        actor=request.user,
        action=AuditAction.SEARCH if query else AuditAction.LIST,
        target_type="audit_event_list",
        organization_id=next(iter(organization_ids)) if len(organization_ids) == 1 else None,
        details={"query": query, "event_ids": [e.pk for e in page["results"]]},
    )
    return page
