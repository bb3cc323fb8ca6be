"""The billing export (CSV or XLSX) for supervisors and admins, and the printable
continuity-of-care summary of one client."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from casework.accounts.access import access_for
from casework.accounts.models import Program, Role, User
from casework.caseload import continuity
from casework.casenotes.billing import RULE_SOURCES
from casework.casenotes.exports import (
    COLUMNS,
    billable_notes,
    billing_export_record,
    billing_rows,
    to_csv,
    to_xlsx,
)
from casework.clients.permissions import reads_whole_record
from casework.web.gates import load_client


def billing_program_ids(user: Any) -> frozenset[int]:
    """Programs whose billing the user may export: those they supervise or administer,
    and every program of an organization they administer."""
    access = access_for(user)
    ids = set(access.supervised_program_ids)
    ids |= {p for p, roles in access.program_roles.items() if Role.PROGRAM_ADMIN in roles}
    if access.admin_org_ids:
        ids |= set(
            Program.objects.filter(organization_id__in=access.admin_org_ids).values_list(
                "pk", flat=True
            )
        )
    return frozenset(ids)


class BillingForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    program = forms.ModelChoiceField(label="Program", queryset=Program.objects.none())
    worker = forms.ModelChoiceField(
        label="Worker", queryset=User.objects.none(), required=False, empty_label="Everyone"
    )
    format = forms.ChoiceField(
        label="Format", choices=[("csv", "CSV"), ("xlsx", "Excel (XLSX)")], initial="csv"
    )

    def __init__(self, *args: Any, program_ids: frozenset[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programs = self.fields["program"]
        workers = self.fields["worker"]
        assert isinstance(programs, forms.ModelChoiceField)
        assert isinstance(workers, forms.ModelChoiceField)
        programs.queryset = Program.objects.filter(pk__in=program_ids).order_by("name")
        workers.queryset = (
            User.objects.filter(memberships__program_id__in=program_ids)
            .distinct()
            .order_by("full_name")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The end date is before the start date.")
        if start and end and (end - start).days > 366:
            self.add_error("end", "Export at most one year at a time.")
        return data


@login_required
@require_GET
def billing_export(request: HttpRequest) -> HttpResponse:
    """The export form; with a valid query, the file (only signed notes count)."""
    program_ids = billing_program_ids(request.user)
    if not program_ids:
        raise PermissionDenied("Billing exports are for supervisors and administrators.")
    today = timezone.localdate()
    initial = {"start": today.replace(day=1), "end": today}
    form = BillingForm(request.GET or None, program_ids=program_ids, initial=initial)
    if not request.GET or not form.is_valid():
        context = {"form": form, "columns": COLUMNS, "sources": RULE_SOURCES.values()}
        return render(request, "caseload/billing.html", context, status=422 if request.GET else 200)
    data = form.cleaned_data
    worker = data.get("worker")
    notes = list(
        billable_notes(
            program_ids=[data["program"].pk],
            start=data["start"],
            end=data["end"],
            worker_id=worker.pk if worker else None,
        )
    )
    rows = billing_rows(notes)
    fmt = data["format"]
    query = {k: str(getattr(v, "pk", v)) for k, v in data.items() if v not in (None, "")}
    billing_export_record(actor=request.user, notes=notes, fmt=fmt, query=query)
    name = f"billing-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}"
    if fmt == "xlsx":
        xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(to_xlsx(rows), content_type=xlsx)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    else:
        response = HttpResponse(to_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _recipient(request: HttpRequest, client_id: int) -> tuple[Any, Any]:
    """The care-team member the summary is prepared for (``?for=``), and the consent that
    allows it; an outsider no consent covers is refused (403)."""
    wanted = request.GET.get("for", "")
    return continuity.recipient_for(client_id, int(wanted) if wanted.isdigit() else None)


def _day(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


@login_required
@require_GET
def continuity_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable summary: demographics, team, plans in force, recent assessment scores,
    and signed notes in a date range."""
    client = load_client(request.user, pk, audit=False)
    if not reads_whole_record(client):
        raise PermissionDenied("The continuity-of-care summary is for the client's own staff.")
    recipient, consent = _recipient(request, client.pk)
    today = timezone.localdate()
    start = _day(request.GET.get("start"), today - timedelta(days=90))
    end = _day(request.GET.get("end"), today)
    context = continuity.continuity_summary(
        actor=request.user,
        client=client,
        start=start,
        end=end,
        recipient=recipient,
        consent=consent,
    )
    return render(request, "caseload/continuity_summary.html", context)
