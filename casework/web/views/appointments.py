"""Appointments (book with a double-booking warning, record attendance), the day and week
calendars of a worker or a team, and the private iCalendar feed."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casework.accounts.access import access_for
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.caseload.workload import team_workers
from casework.core import exceptions as domain
from casework.scheduling import calendar as feeds
from casework.scheduling import services
from casework.scheduling.models import Appointment, Attendance
from casework.scheduling.permissions import access_appointment
from casework.web.forms import add_service_errors
from casework.web.forms_caseload import AppointmentForm
from casework.web.gates import load_client, signed_in_user
from casework.web.views.tasks import colleagues, writable_programs


def load_appointment(user: Any, pk: object, *, write: bool = False) -> Appointment:
    return access_appointment(user, pk, write=write)


@login_required
@require_http_methods(["GET", "POST"])
def appointment_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Book; an overlap with the worker's other appointments asks for confirmation first."""
    client = load_client(request.user, pk, write=True, audit=False)
    programs = writable_programs(request.user, client)
    if not programs:
        raise PermissionDenied("You do not work in a program this client is enrolled in.")
    user = signed_in_user(request)
    form = AppointmentForm(
        request.POST or None,
        programs=programs,
        workers=colleagues(programs, user),
        initial={"worker": user.pk, "program": programs[0].pk},
    )
    clashes: list[Appointment] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        clashes = services.double_bookings(
            data["worker"].pk, data["starts_at"], data["duration_minutes"]
        )
        if not clashes or data.get("book_anyway"):
            try:
                appointment = services.appointment_create(
                    actor=user,
                    client=client,
                    program=data["program"],
                    worker=data["worker"],
                    data=form.service_data(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Appointment booked.")
                return redirect("web:appointment_detail", pk=appointment.pk)
        form.data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict
        form.data["book_anyway"] = "on"  # type: ignore[index]  # confirming books it
    context = {"client": client, "form": form, "clashes": clashes}
    return render(request, "caseload/appointment_form.html", context)


@login_required
@require_GET
def appointment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = load_appointment(request.user, pk)
    context = {
        "appointment": appointment,
        "client": appointment.client,
        "outcomes": [c for c in Attendance.choices if c[0] != Attendance.SCHEDULED],
    }
    return render(request, "caseload/appointment_detail.html", context)


@login_required
@require_POST
def appointment_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Record attended, no-show, cancelled or rescheduled; a no-show opens a follow-up task."""
    appointment = load_appointment(request.user, pk, write=True)
    try:
        _, follow_up = services.appointment_record_attendance(
            actor=request.user,
            appointment=appointment,
            attendance=request.POST.get("attendance", ""),
            expected_version=appointment.version,
        )
    except (ValidationError, domain.Conflict) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        extra = " A follow-up task is due tomorrow." if follow_up else ""
        messages.success(request, f"Recorded: {appointment.get_attendance_display()}.{extra}")
    if request.POST.get("next") == "worklist":
        from casework.web.views.worklist import worklist_response

        return worklist_response(request)
    return redirect("web:appointment_detail", pk=appointment.pk)


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


@login_required
@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    """Day or week view of one's own appointments, or (supervisors) the team's."""
    user = signed_in_user(request)
    view = "day" if request.GET.get("view") == "day" else "week"
    try:
        day = date.fromisoformat(request.GET.get("day", "")) if request.GET.get("day") else None
    except ValueError:
        day = None
    day = day or timezone.localdate()
    start = day if view == "day" else _week_start(day)
    days = [start + timedelta(days=i) for i in range(1 if view == "day" else 7)]
    supervised = access_for(user).supervised_program_ids
    team = request.GET.get("team") == "1" and bool(supervised)
    worker_ids = [w.pk for w in team_workers(supervised)] if team else [user.pk]
    first = timezone.make_aware(datetime.combine(days[0], datetime.min.time()))
    rows = (
        Appointment.objects.filter(
            worker_id__in=worker_ids,
            starts_at__gte=first,
            starts_at__lt=first + timedelta(days=len(days)),
        )
        .select_related("client", "worker")
        .order_by("starts_at")
    )
    by_day: dict[date, list[Appointment]] = {d: [] for d in days}
    for appt in rows:
        by_day.setdefault(timezone.localdate(appt.starts_at), []).append(appt)
    record(
        actor=user,
        action=AuditAction.LIST,
        target_type="calendar",
        details={"client_ids": sorted({a.client_id for a in rows})},
    )
    step = timedelta(days=1 if view == "day" else 7)
    context = {
        "view": view,
        "days": [(d, by_day.get(d, [])) for d in days],
        "previous": (start - step).isoformat(),
        "next": (start + step).isoformat(),
        "team": team,
        "can_team": bool(supervised),
        "feed": feeds.feed_of(user),
    }
    return render(request, "caseload/calendar.html", context)


@login_required
@require_POST
def calendar_feed(request: HttpRequest) -> HttpResponse:
    """Create (or replace) or revoke one's private feed URL; the URL is shown once."""
    user = signed_in_user(request)
    if request.POST.get("action") == "revoke":
        feeds.feed_revoke(actor=user)
        messages.success(
            request, "Your calendar feed is turned off; the old address no longer works."
        )
        return redirect("web:calendar")
    raw = feeds.feed_create(actor=user)
    url = request.build_absolute_uri(f"/calendar/feed/{raw}.ics")
    messages.success(request, f"Your private calendar address (shown once; keep it secret): {url}")
    return redirect("web:calendar")


@require_GET
def calendar_feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed: no sign-in, the secret URL is the key; initials only, no details."""
    user = feeds.feed_user(token)
    if user is None:
        raise Http404("No such calendar.")
    body = feeds.feed_ics(user)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
