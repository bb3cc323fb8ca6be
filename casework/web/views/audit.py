"""The audit trail for auditors and org admins: filter, page through, export as CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from casework.accounts.auth_audit import scoped_events
from casework.audit.labels import event_label
from casework.audit.models import AuditAction, AuditEvent
from casework.audit.services import record
from casework.clients.permissions import redact_audit_addresses
from casework.core.csvsafe import safe_row
from casework.web.forms import AuditFilterForm
from casework.web.gates import audit_org_ids
from casework.web.paging import paginate

PAGE_SIZE = 50
CSV_COLUMNS = (
    "occurred_at",
    "actor",
    "action",
    "description",
    "target_type",
    "target_id",
    "client_id",
    "organization_id",
    "channel",
    "ip",
    "request_id",
    "user_agent",
    "changes",
    "details",
)


def _start_of(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filtered_events(org_ids: frozenset[int], filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    rows = scoped_events(org_ids)
    if "client" in filters:
        rows = rows.filter(client_id=filters["client"])
    if "user" in filters:
        rows = rows.filter(actor_label__iexact=filters["user"].strip())
    if "action" in filters:
        rows = rows.filter(action=filters["action"])
    if "date_from" in filters:
        rows = rows.filter(occurred_at__gte=_start_of(filters["date_from"]))
    if "date_to" in filters:
        rows = rows.filter(occurred_at__lt=_start_of(filters["date_to"] + timedelta(days=1)))
    return rows


def _record_read(request: HttpRequest, action: str, filters: dict[str, Any], **extra: Any) -> None:
    client_id = filters.get("client")
    record(
        actor=request.user,
        action=action,
        target_type="audit_trail",
        client_id=client_id,
        details={"filters": {k: str(v) for k, v in filters.items()}, **extra},
    )


@login_required
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    org_ids = audit_org_ids(request.user)
    form = AuditFilterForm(request.GET)
    filters = form.filters()
    rows = filtered_events(org_ids, filters).select_related("actor")
    page = paginate(request, rows, size=PAGE_SIZE)
    redact_audit_addresses(request.user, list(page.items))
    _record_read(request, AuditAction.LIST, filters, page=page.number)
    context = {"form": form, "page": page, "query": request.GET.urlencode()}
    return render(request, "web/audit/list.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _redacted(rows: QuerySet[AuditEvent], user: Any, size: int = 2000) -> Iterator[AuditEvent]:
    batch: list[AuditEvent] = []
    for event in rows.iterator(chunk_size=size):
        batch.append(event)
        if len(batch) == size:
            redact_audit_addresses(user, batch)
            yield from batch
            batch = []
    redact_audit_addresses(user, batch)
    yield from batch


def _csv_rows(rows: QuerySet[AuditEvent], user: Any) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for event in _redacted(rows, user):
        yield writer.writerow(
            safe_row(
                [
                    event.occurred_at.isoformat(),
                    event.actor_label,
                    event.action,
                    event_label(event),
                    event.target_type,
                    event.target_id,
                    event.client_id or "",
                    event.organization_id or "",
                    event.channel,
                    event.ip or "",
                    event.request_id,
                    event.user_agent,
                    event.changes or "",
                    event.details or "",
                ]
            )
        )


@login_required
@require_GET
def audit_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    org_ids = audit_org_ids(request.user)
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "web/audit/list.html", {"form": form, "page": None}, status=400)
    filters = form.filters()
    _record_read(request, AuditAction.EXPORT, filters, format="csv")
    rows = filtered_events(org_ids, filters)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(
        _csv_rows(rows, request.user), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="casework-audit-{stamp}.csv"'
    return response
