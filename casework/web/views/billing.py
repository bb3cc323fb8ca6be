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
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.casenotes.billing import RULE_SOURCES
from casework.casenotes.exports import (
    COLUMNS,
    billable_notes,
    billing_export_record,
    billing_rows,
    to_csv,
    to_xlsx,
)
from casework.casenotes.permissions import notes_visible_on
from casework.clients.models import Enrollment
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
    from casework.caseload.careteam import check_may_share
    from casework.caseload.models import CareTeamMember

    wanted = request.GET.get("for", "")
    if not wanted.isdigit():
        return None, None
    member = CareTeamMember.objects.filter(
        pk=int(wanted), client_id=client_id, ended_at__isnull=True
    ).first()
    if member is None:
        return None, None
    # A refusal is a domain PermissionDenied: the one error mapping answers 403.
    return member, check_may_share(member)


SCORES_SHOWN = 10


def continuity_plans(enrollments: Any, shared: set[str] | None) -> list[dict[str, Any]]:
    """The service plan in force of each of these enrollments: its newest signed version
    (else the newest draft, marked so), with goals, objectives and interventions. For an
    outside recipient (``shared``: the categories their consent releases) only when the
    consent releases general information, as plans carry no narrower category."""
    from casework.plans.models import PlanVersion
    from casework.plans.sections import TITLES

    if shared is not None and "general" not in shared:
        return []
    rows = []
    for enrollment in enrollments:
        versions = PlanVersion.objects.filter(plan__enrollment_id=enrollment.pk).order_by("-number")
        version = versions.filter(signed_at__isnull=False).first() or versions.first()
        if version is None:
            continue
        goals = version.goals.prefetch_related("objectives", "interventions").order_by("id")
        rows.append(
            {
                "program": enrollment.program,
                "version": version,
                "signed": version.signed_at is not None,
                "goals": list(goals),
                "sections": [TITLES.get(k, k) for k in sorted(version.sections or {})],
            }
        )
    return rows


def continuity_scores(client_id: int, shared: set[str] | None) -> list[Any]:
    """The client's newest assessment scores; for an outside recipient only those whose
    categories their consent releases."""
    from casework.assessments.models import Assessment

    rows = (
        Assessment.objects.filter(client_id=client_id)
        .select_related("instrument")
        .order_by("-administered_on", "-id")
    )
    found = []
    for assessment in rows[: SCORES_SHOWN * 5]:
        if shared is not None and not set(assessment.categories or ["general"]) <= shared:
            continue
        found.append(assessment)
        if len(found) == SCORES_SHOWN:
            break
    return found


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
    notes = list(
        notes_visible_on(client)
        .signed()
        .filter(service_at__date__gte=start, service_at__date__lte=end)
        .select_related("author")
        .order_by("service_at")[:200]
    )
    access = access_for(request.user)
    team = (
        Enrollment.objects.filter(client_id=client.pk)
        .filter(program_id__in=access.program_ids)
        .select_related("program", "primary_case_manager")
    )
    if access.org_wide_org_ids:
        team = Enrollment.objects.filter(client_id=client.pk).select_related(
            "program", "primary_case_manager"
        )
    shared = set(consent.categories or []) if consent else None
    plans = continuity_plans(team, shared)
    scores = continuity_scores(client.pk, shared)
    record(
        actor=request.user,
        action=AuditAction.EXPORT,
        target_type="continuity_summary",
        client_id=client.pk,
        organization_id=client.organization_id,
        details={
            "note_ids": [n.pk for n in notes],
            "plan_versions": [p["version"].pk for p in plans],
            "assessment_ids": [a.pk for a in scores],
            "start": start,
            "end": end,
            "for_member": recipient.pk if recipient else None,
            "consent": consent.pk if consent else None,
        },
    )
    context = {
        "client": client,
        "notes": notes,
        "team": team,
        "plans": plans,
        "scores": scores,
        "start": start,
        "end": end,
        "recipient": recipient,
        "consent": consent,
    }
    return render(request, "caseload/continuity_summary.html", context)
