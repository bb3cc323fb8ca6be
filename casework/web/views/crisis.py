"""The client's caseload panel (crisis banner, tasks, appointments, notes) and the crisis
workflow: report in two clicks, resolve."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casework.caseload.crisis import crisis_report, crisis_resolve, safety_plan_for
from casework.caseload.models import CrisisEvent
from casework.casenotes.permissions import notes_visible_on
from casework.clients.assignment import may_hand_over
from casework.clients.models import Client, Enrollment
from casework.core import exceptions as domain
from casework.scheduling.models import Appointment, Attendance, Task, TaskStatus
from casework.scheduling.permissions import STAFF_BASES
from casework.web.forms import add_service_errors
from casework.web.forms_caseload import CrisisForm, ResolveForm
from casework.web.gates import load_client
from casework.web.views.tasks import writable_programs


def panel_context(user: Any, client: Client) -> dict[str, Any]:
    staff = client.access_basis in STAFF_BASES
    now = timezone.now()
    crises = list(CrisisEvent.objects.open().filter(client_id=client.pk)) if staff else []
    return {
        "client": client,
        "staff": staff,
        "crises": crises,
        "tasks": list(
            Task.objects.filter(client_id=client.pk, status=TaskStatus.OPEN)
            .select_related("assignee")
            .order_by("due_at")[:10]
        )
        if staff
        else [],
        "appointments": list(
            Appointment.objects.filter(
                client_id=client.pk, starts_at__gte=now, attendance=Attendance.SCHEDULED
            )
            .select_related("worker")
            .order_by("starts_at")[:5]
        )
        if staff
        else [],
        "notes": list(
            notes_visible_on(client).select_related("author").order_by("-service_at", "-id")[:5]
        ),
        "can_write": bool(writable_programs(user, client)),
        "can_hand_over": staff
        and any(
            may_hand_over(user, e)
            for e in Enrollment.objects.open().filter(client_id=client.pk).select_related("program")
        ),
        "safety_plan": safety_plan_for(client.pk) if staff and crises else None,
        "now": now,
    }


@login_required
@require_GET
def client_caseload_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The panel inside the client page (htmx), or as its own page without JavaScript."""
    client = load_client(request.user, pk, audit=False)
    context = panel_context(request.user, client)
    if getattr(request, "htmx", False):
        return render(request, "caseload/_client_panel.html", context)
    return render(request, "caseload/client_panel.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def crisis_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    client = load_client(request.user, pk, write=True, audit=False)
    programs = writable_programs(request.user, client)
    if not programs:
        raise PermissionDenied("You do not work in a program this client is enrolled in.")
    form = CrisisForm(request.POST or None, programs=programs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            crisis_report(
                actor=request.user,
                client=client,
                program=data["program"],
                kind=data["kind"],
                severity=data["severity"],
                what_happened=data["what_happened"],
                actions_taken=data.get("actions_taken", ""),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.warning(
                request,
                "Crisis reported. The supervisor and on-call contact were alerted; a follow-up "
                "task is due within 24 hours and a re-assessment within 72.",
            )
            return redirect("web:client_detail", pk=client.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "caseload/crisis_form.html", {"client": client, "form": form}, status=status
    )


@login_required
@require_POST
def crisis_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    client_id = CrisisEvent.objects.filter(pk=pk).values_list("client_id", flat=True).first()
    if client_id is None:
        raise Http404("No such crisis.")
    client = load_client(request.user, client_id, write=True, audit=False)
    crisis = CrisisEvent.objects.get(pk=pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say how the crisis was resolved.")
        return redirect("web:client_caseload_panel", pk=client.pk)
    try:
        crisis_resolve(
            actor=request.user, crisis=crisis, resolution=form.cleaned_data["resolution"]
        )
        messages.success(request, "Crisis resolved.")
    except domain.Conflict as conflict:
        messages.error(request, str(conflict))
    return redirect("web:client_detail", pk=client.pk)
