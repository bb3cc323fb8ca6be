"""Task pages: my tasks, a new task (on a client or free-standing), one task, completing it.

Completing from the worklist is an htmx post that answers the refreshed worklist, so the
list updates in place; without JavaScript the same post redirects back.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casework.accounts.access import access_for
from casework.accounts.models import Membership, Program, User
from casework.clients.models import Client, Enrollment
from casework.core import exceptions as domain
from casework.scheduling import services
from casework.scheduling.models import Task, TaskStatus
from casework.scheduling.permissions import access_task
from casework.web.forms import add_service_errors
from casework.web.forms_caseload import TaskForm
from casework.web.gates import load_client, signed_in_user
from casework.web.paging import paginate


def load_task(user: Any, pk: object, *, write: bool = False) -> Task:
    return access_task(user, pk, write=write)


def writable_programs(user: Any, client: Client) -> Any:
    """Programs the user writes in where the client is enrolled."""
    access = access_for(user)
    enrolled = Enrollment.objects.filter(client_id=client.pk).values("program_id")
    writable = [p for p in access.program_ids if access.can_write_in_program(p)]
    return Program.objects.filter(pk__in=writable).filter(pk__in=enrolled).order_by("name")


def colleagues(programs: Any, user: Any) -> Any:
    """Active staff of these programs (the user included): who a task can be given to."""
    ids = Membership.objects.active().filter(program__in=programs).values("user_id")
    return User.objects.filter(Q(pk__in=ids) | Q(pk=user.pk), is_active=True).order_by("full_name")


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    show = request.GET.get("show", "open")
    rows = Task.objects.filter(assignee=user).select_related("client")
    rows = (
        rows.filter(status=TaskStatus.OPEN)
        if show == "open"
        else rows.exclude(status=TaskStatus.OPEN)
    )
    rows = rows.order_by("due_at", "id") if show == "open" else rows.order_by("-completed_at")
    page = paginate(request, rows, size=50)
    return render(request, "caseload/task_list.html", {"page": page, "show": show})


def _create(request: HttpRequest, client: Client | None, programs: Any) -> HttpResponse:
    user = signed_in_user(request)
    assignees = colleagues(programs, user) if client else User.objects.filter(pk=user.pk)
    form = TaskForm(request.POST or None, assignees=assignees, initial={"assignee": user.pk})
    if request.method == "POST" and form.is_valid():
        program = programs[0] if client else None
        chosen = request.POST.get("program")
        if client and chosen:
            program = next((p for p in programs if str(p.pk) == chosen), None)
            if program is None:
                raise Http404("No such program.")
        try:
            task = services.task_create(
                actor=user,
                title=form.cleaned_data["title"],
                due_at=form.cleaned_data["due_at"],
                assignee=form.cleaned_data["assignee"],
                client=client,
                program=program,
                data=form.service_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Task added.")
            return redirect("web:task_detail", pk=task.pk)
    context = {"form": form, "client": client, "programs": programs}
    return render(request, "caseload/task_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest) -> HttpResponse:
    """A free-standing task of one's own."""
    return _create(request, None, Program.objects.none())


@login_required
@require_http_methods(["GET", "POST"])
def client_task_create(request: HttpRequest, pk: int) -> HttpResponse:
    client = load_client(request.user, pk, write=True, audit=False)
    programs = writable_programs(request.user, client)
    if not programs:
        raise PermissionDenied("You do not work in a program this client is enrolled in.")
    return _create(request, client, programs)


@login_required
@require_http_methods(["GET", "POST"])
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One task; posting ``check`` ticks or unticks a checklist step."""
    task = load_task(request.user, pk, write=request.method == "POST")
    if request.method == "POST":
        index = request.POST.get("check", "")
        if index.isdigit() and int(index) < len(task.checklist):
            checklist = [dict(i) for i in task.checklist]
            checklist[int(index)]["done"] = not checklist[int(index)]["done"]
            try:
                services.task_update(
                    actor=request.user,
                    task=task,
                    expected_version=int(request.POST.get("version", "0") or 0),
                    data={"checklist": checklist},
                )
            except (domain.StaleVersion, domain.Conflict):
                messages.error(request, "The task changed meanwhile; here it is now.")
        return redirect("web:task_detail", pk=task.pk)
    return render(request, "caseload/task_detail.html", {"task": task, "client": task.client})


@login_required
@require_POST
def task_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark done (or ``cancel``); from the worklist, answer the refreshed list (htmx)."""
    task = load_task(request.user, pk, write=True)
    try:
        follow = services.task_complete(
            actor=request.user, task=task, cancel=request.POST.get("cancel") == "1"
        )
    except domain.Conflict as conflict:
        messages.error(request, str(conflict))
        follow = None
    else:
        done = "cancelled" if request.POST.get("cancel") == "1" else "done"
        repeat = f" The next one is due {follow.due_at:%b %-d}." if follow else ""
        messages.success(request, f"Task marked {done}.{repeat}")
    if request.POST.get("next") == "worklist":
        from casework.web.views.worklist import worklist_response

        return worklist_response(request)
    return redirect("web:task_detail", pk=task.pk)
