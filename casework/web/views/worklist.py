"""The "Today" worklist, and the supervisor's team caseloads with bulk reassignment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casework.accounts.access import access_for
from casework.accounts.models import Program
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.caseload import workload
from casework.caseload.crisis import crisis_counts
from casework.caseload.models import ProgramCaseloadSettings, Transfer, TransferStatus
from casework.caseload.worklist import KIND_LABELS, WorklistItem, build_worklist
from casework.clients.models import Enrollment
from casework.core import exceptions as domain
from casework.scheduling.models import Task, TaskStatus
from casework.web.forms import add_service_errors
from casework.web.forms_caseload import LoadWeightsForm, ReassignForm
from casework.web.gates import signed_in_user


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _items(request: HttpRequest) -> tuple[list[WorklistItem], dict[str, Any]]:
    source = request.GET if request.method == "GET" else request.POST
    program, client = _int(source.get("program")), _int(source.get("client"))
    kind = source.get("kind", "") if source.get("kind", "") in KIND_LABELS else ""
    items = build_worklist(
        request.user, program_id=program, client_id=client, kinds=[kind] if kind else []
    )
    filters = {"program": program, "client": client, "kind": kind}
    record(
        actor=request.user,
        action=AuditAction.LIST,
        target_type="worklist",
        details={"client_ids": sorted({i.client_id for i in items if i.client_id})},
    )
    return items, filters


def _context(request: HttpRequest) -> dict[str, Any]:
    items, filters = _items(request)
    access = access_for(request.user)
    counts: dict[str, int] = {}
    for item in items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    return {
        "items": items,
        "filters": filters,
        "counts": [(KIND_LABELS.get(kind, kind), n) for kind, n in counts.items()],
        "kinds": KIND_LABELS,
        "programs": Program.objects.filter(pk__in=access.program_ids).order_by("name"),
        "is_supervisor": bool(access.supervised_program_ids),
        "attendance_buttons": [
            ("attended", "Attended", ""),
            ("no_show", "No-show", "usa-button--secondary"),
        ],
    }


@login_required
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    return render(request, "caseload/worklist.html", _context(request))


def worklist_response(request: HttpRequest) -> HttpResponse:
    """After an action taken from the worklist: the refreshed list (htmx) or the page."""
    if getattr(request, "htmx", False):
        return render(request, "caseload/_worklist_items.html", _context(request))
    return redirect("web:worklist")


def _supervised(request: HttpRequest) -> frozenset[int]:
    programs = access_for(request.user).supervised_program_ids
    if not programs:
        raise PermissionDenied("Team caseloads are for supervisors.")
    return programs


@login_required
@require_GET
def team_caseloads(request: HttpRequest) -> HttpResponse:
    programs = _supervised(request)
    loads = workload.team_loads(programs)
    enrollments = (
        Enrollment.objects.open()
        .filter(program_id__in=programs)
        .select_related("client", "program", "primary_case_manager")
        .order_by("primary_case_manager__full_name", "client__family_name", "id")[:500]
    )
    tasks = (
        Task.objects.filter(program_id__in=programs, status=TaskStatus.OPEN)
        .select_related("assignee", "client")
        .order_by("assignee__full_name", "due_at")[:500]
    )
    pending_transfers = list(
        Transfer.objects.filter(program_id__in=programs, status=TransferStatus.PENDING)
        .select_related("client", "program", "from_user", "to_user")
        .order_by("requested_at")[:200]
    )
    shown = {e.client_id for e in enrollments} | {t.client_id for t in pending_transfers}
    record(
        actor=request.user,
        action=AuditAction.LIST,
        target_type="team_caseloads",
        details={"client_ids": sorted(shown)},
    )
    chart = {  # drawn by web/bar-chart.js
        "labels": [w.name for w in loads],
        "datasets": [
            {
                "label": "Weighted load",
                "data": [float(w.weighted) for w in loads],
                "color": "#005ea2",
            },
            {"label": "Clients", "data": [w.clients for w in loads], "color": "#97d4ea"},
            {
                "label": "Overdue tasks",
                "data": [w.overdue_tasks for w in loads],
                "color": "#d54309",
            },
        ],
    }
    context = {
        "loads": loads,
        "chart": chart,
        "enrollments": enrollments,
        "tasks": tasks,
        "workers": workload.team_workers(programs),
        "crises": crisis_counts(programs),
        "transfers": pending_transfers,
    }
    return render(request, "caseload/team.html", context)


@login_required
@require_POST
def team_reassign(request: HttpRequest) -> HttpResponse:
    programs = _supervised(request)
    what = request.POST.get("what")
    form = ReassignForm(
        request.POST,
        choices=[(i, i) for i in request.POST.getlist("ids") if i.isdigit()],
        workers=_team_queryset(programs),
    )
    if not form.is_valid() or what not in ("clients", "tasks"):
        messages.error(request, "Choose what to move and who receives it.")
        return redirect("web:team_caseloads")
    to, ids = form.cleaned_data["to"], form.cleaned_data["ids"]
    actor = signed_in_user(request)
    try:
        if what == "clients":
            moved = workload.clients_reassign(
                actor=actor, enrollment_ids=ids, to=to, reason=request.POST.get("reason", "")
            )
        else:
            moved = workload.team_tasks_reassign(actor=actor, task_ids=ids, to=to)
    except (ValidationError, domain.StaleVersion) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("web:team_caseloads")
    messages.success(request, f"Moved {moved} {what} to {to.full_name}.")
    return redirect("web:team_caseloads")


def _team_queryset(programs: frozenset[int]) -> Any:
    from casework.accounts.models import User

    return User.objects.filter(pk__in=[u.pk for u in workload.team_workers(programs)])


@login_required
@require_http_methods(["GET", "POST"])
def team_weights(request: HttpRequest) -> HttpResponse:
    """The load weights of the programs the caller supervises or administers."""
    programs = list(workload.weights_editable_programs(request.user))
    if not programs:
        raise PermissionDenied("Load weights are set by the program's supervisors and admins.")
    source = request.POST if request.method == "POST" else request.GET
    wanted = _int(source.get("program"))
    program = next((p for p in programs if p.pk == wanted), programs[0])
    row = ProgramCaseloadSettings.objects.filter(program=program).first()
    current = workload.load_weights(row)
    initial = (
        {"client_weight": current.client}
        | {f"crisis_{k}": v for k, v in current.crisis.items()}
        | {f"flag_{k}": v for k, v in current.flag.items()}
    )
    form = LoadWeightsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            workload.load_weights_save(
                actor=signed_in_user(request),
                program=program,
                client_weight=data["client_weight"],
                crisis={k: data[f"crisis_{k}"] for k in workload.DEFAULT_SEVERITY_WEIGHTS},
                flag={k: data[f"flag_{k}"] for k in workload.DEFAULT_FLAG_WEIGHTS},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Load weights of {program.name} saved.")
            return redirect(f"{reverse('web:team_weights')}?program={program.pk}")
    context = {"programs": programs, "program": program, "form": form, "settings_row": row}
    status = 422 if request.method == "POST" else 200
    return render(request, "caseload/weights.html", context, status=status)
