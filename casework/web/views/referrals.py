"""Referral pages of the referring side, and the actions both sides share (status, messages).

The receiving side's pages are in ``partner``; both go through ``access_referral``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from casework.accounts.access import access_for
from casework.accounts.models import Program
from casework.clients.models import Enrollment
from casework.core import exceptions as domain
from casework.core.exceptions import StaleVersion
from casework.referrals import services
from casework.referrals.clocks import clock_programs, overdue_for
from casework.referrals.lifecycle import next_statuses
from casework.referrals.models import Referral, Side, Status
from casework.referrals.permissions import access_referral, referred_by_staff
from casework.resources.models import Service
from casework.web.forms import add_service_errors
from casework.web.forms_referrals import MessageForm, ReferralForm, ScheduleForm, TransitionForm
from casework.web.gates import load_client, signed_in_user

OUTCOME_CHOICES = {"true": True, "false": False}


def load_referral(user: Any, pk: int, *, side: str = "", write: bool = False) -> Referral:
    return access_referral(user, pk, side=side, write=write)


def _referring_programs(user: Any, client: Any) -> Any:
    """Programs the user writes in where the client is enrolled (or all of an org admin's)."""
    access = access_for(user)
    enrolled = Enrollment.objects.filter(client_id=client.pk).values("program_id")
    return Program.objects.filter(pk__in=enrolled).filter(
        Q(pk__in=access.write_program_ids) | Q(organization_id__in=access.admin_org_ids)
    )


def _service(value: str) -> Service | None:
    if not value:
        return None
    return Service.objects.select_related("organization").filter(pk=value).first()


@login_required
@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest, pk: int) -> HttpResponse:
    client = load_client(request.user, pk, write=True)
    programs = _referring_programs(request.user, client)
    internal = Program.objects.filter(organization_id=client.organization_id, is_active=True)
    form = ReferralForm(
        request.POST or None,
        request.FILES or None,
        programs=programs,
        internal=internal,
        initial={
            "service": request.GET.get("service", ""),
            "need_category": request.GET.get("need", ""),
            "intervention": request.GET.get("intervention", ""),
            "send": True,
        },
    )
    service = _service(request.POST.get("service") or request.GET.get("service", ""))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_create(
                actor=request.user,
                client=client,
                program=data["program"],
                service=None if data["recipient_program"] else service,
                recipient_program=data["recipient_program"],
                reason=data["reason"],
                urgency=data["urgency"],
                need_category=data["need_category"],
                need=data["need"],
                shared_categories=data["shared_categories"],
                due_date=data["due_date"],
                attachments=[data["attachment"]] if data["attachment"] else [],
                send=data["send"],
                intervention_key=data["intervention"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Referral {referral.pk} {'sent' if data['send'] else 'saved'}."
            )
            return redirect("web:referral_detail", pk=referral.pk)
    context = {"client": client, "form": form, "service": service}
    return render(request, "directory/referral_form.html", context)


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    """The worker's referrals: overdue first, then open, then recently closed."""
    user = signed_in_user(request)
    mine = (
        referred_by_staff(user)
        .filter(referred_by=user)
        .select_related("client", "service", "recipient_organization", "recipient_program")
    )
    context = {
        "overdue": overdue_for(user),
        "open": mine.filter(status__in=[s for s in Status.values if s in _OPEN])[:100],
        "closed": mine.exclude(status__in=list(_OPEN))[:50],
        "sets_clocks": bool(clock_programs(user)),
        "here": "referral_list",
    }
    return render(request, "directory/referral_list.html", context)


_OPEN = {"draft", "requested", "accepted", "in-progress", "on-hold"}


def detail_context(request: HttpRequest, referral: Referral) -> dict[str, Any]:
    """What both sides' detail pages show besides the client: history, thread, actions."""
    return {
        "referral": referral,
        "history": referral.history.select_related("changed_by"),
        "thread": referral.messages.select_related("author"),
        "attachments": referral.attachments.all(),
        "moves": [(s, Status(s).label) for s in next_statuses(referral.status, referral.sides)],
        "transition_form": TransitionForm(initial={"version": referral.version}),
        "message_form": MessageForm(),
        "schedule_form": ScheduleForm(),
        "can_schedule": Side.RECEIVER in referral.sides
        and referral.status in ("accepted", "in-progress", "on-hold"),
    }


@login_required
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = load_referral(request.user, pk, side=Side.REFERRER)
    context = detail_context(request, referral) | {"client": referral.client}
    return render(request, "directory/referral_detail.html", context)


def _back(request: HttpRequest, referral: Referral) -> HttpResponse:
    if Side.REFERRER in referral.sides or not referral.sides:
        return redirect("web:referral_detail", pk=referral.pk)
    return redirect("web:partner_referral", pk=referral.pk)


def _outcome(data: dict[str, Any]) -> services.Outcome:
    return services.Outcome(
        service_delivered=data.get("service_delivered"),
        enrolled=data.get("enrolled"),
        note=data.get("outcome_note") or "",
    )


@login_required
@require_POST
def referral_transition(request: HttpRequest, pk: int) -> HttpResponse:
    referral = load_referral(request.user, pk, write=True)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a status you may set.")
        return _back(request, referral)
    data = form.cleaned_data
    try:
        services.referral_transition(
            actor=request.user,
            referral=referral,
            to=data["to"],
            reason=data["reason"],
            outcome=_outcome(data),
            expected_version=data["version"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except StaleVersion:
        messages.error(request, "Someone changed this referral first; review it and try again.")
    else:
        messages.success(request, f"Referral marked {Status(data['to']).label.lower()}.")
    return _back(request, referral)


@login_required
@require_POST
def referral_message(request: HttpRequest, pk: int) -> HttpResponse:
    referral = load_referral(request.user, pk, write=True)
    form = MessageForm(request.POST)
    if form.is_valid():
        services.referral_message_post(
            actor=request.user, referral=referral, body=form.cleaned_data["body"]
        )
        messages.success(request, "Message sent.")
    else:
        messages.error(request, "Write a message first.")
    return _back(request, referral)


@login_required
@require_POST
def referral_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    referral = load_referral(request.user, pk, side=Side.RECEIVER, write=True)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the appointment's date and time.")
        return _back(request, referral)
    try:
        services.referral_schedule(
            actor=request.user, referral=referral, when=form.cleaned_data["when"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Appointment saved; the referring worker was told.")
    return _back(request, referral)


@login_required
def referral_metrics(request: HttpRequest) -> HttpResponse:
    """Outcome measures of the referrals the caller's organization sent (supervisors and
    org admins: their programs' or organization's)."""
    from casework.referrals.metrics import outcome_table

    access = access_for(request.user)
    scope = Q(organization_id__in=access.admin_org_ids) | Q(
        referring_program_id__in=access.supervised_program_ids
    )
    if not (access.admin_org_ids or access.supervised_program_ids):
        raise domain.PermissionDenied("Supervisors and organization admins see referral outcomes.")
    referrals = Referral.objects.filter(scope)
    by = "organization" if request.GET.get("by") == "organization" else "service"
    rows = outcome_table(referrals, by=by)
    shown = rows[:15]
    chart = {  # drawn by web/bar-chart.js; the table below has the same figures
        "labels": [r.label for r in shown],
        "datasets": [
            {"label": "Completion rate (%)", "color": "#19681b", "axis": "rate",
             "data": [r.completion_rate for r in shown]},
            {"label": "Median hours to accept", "color": "#2e6276", "axis": "hours",
             "data": [r.median_hours_to_accept for r in shown]},
            {"label": "Median hours to complete", "color": "#6f4e1e", "axis": "hours",
             "data": [r.median_hours_to_complete for r in shown]},
        ],
        "axes": {
            "rate": {"position": "left", "min": 0, "max": 100, "title": "%"},
            "hours": {"position": "right", "min": 0, "grid": False, "title": "hours"},
        },
    }  # fmt: skip
    context = {"rows": rows, "by": by, "chart": chart, "here": "referral_metrics"}
    return render(request, "directory/referral_metrics.html", context)


@login_required
def referral_attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """A document sent with the referral, for either side (audited)."""
    referral = load_referral(request.user, pk)
    # A missing attachment is a domain NotFound: the one error mapping answers 404.
    handle, name = services.attachment_open(
        actor=request.user, referral=referral, attachment_id=attachment_id
    )
    return FileResponse(handle, as_attachment=True, filename=name)
