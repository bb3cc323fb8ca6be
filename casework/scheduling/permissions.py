"""Gates for tasks and appointments.

A task or appointment about a client is reached through the client's gate, and only by the
client's own staff (a consent recipient sees no one's to-do list). A free-standing task is
its assignee's and its creator's alone. Hidden and missing are the same 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from casework.accounts.access import access_for
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.clients.permissions import access_client
from casework.core.exceptions import NotFound, PermissionDenied
from casework.scheduling.models import Appointment, Task, TaskQuerySet

STAFF_BASES = frozenset({"program", "organization", "break_glass"})


def _pk(value: object, what: str) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise NotFound(what) from None


def _viewed(user: Any, kind: str, target: Task | Appointment) -> None:
    record(
        actor=user,
        action=AuditAction.VIEW,
        target_type=kind,
        target_id=target.pk,
        client_id=target.client_id,
        organization_id=target.organization_id,
    )


def access_task(user: Any, task_id: object, *, write: bool = False, audit: bool = True) -> Task:
    """A task the user may see (and, with ``write``, change); NotFound when hidden or missing.

    Reads are audited as a view of the task unless ``audit=False``.
    """
    pk = _pk(task_id, "task")
    task = Task.objects.select_related("client", "assignee", "program").filter(pk=pk).first()
    if task is None:
        raise NotFound("task")
    if task.client_id is None:
        if user.pk not in (task.assignee_id, task.created_by_id):
            raise NotFound("task")
        if audit:
            _viewed(user, "task", task)
        return task
    client = access_client(user, task.client_id, audit=False)
    if client.access_basis not in STAFF_BASES:
        raise NotFound("task")
    task.client = client
    access = access_for(user)
    if write and not (
        task.assignee_id == user.pk
        or (task.program_id and access.can_write_in_program(task.program_id))
    ):
        raise PermissionDenied("You can see this task but not change it.")
    if audit:
        _viewed(user, "task", task)
    return task


def tasks_visible_to(user: Any) -> TaskQuerySet:
    """Tasks assigned to the user, plus tasks on clients of the programs they work or lead in."""
    access = access_for(user)
    return Task.objects.filter(
        Q(assignee_id=access.user_id)
        | Q(created_by_id=access.user_id, client__isnull=True)
        | Q(program_id__in=access.program_ids)
        | Q(organization_id__in=access.org_wide_org_ids, client__isnull=False)
    )


def access_appointment(
    user: Any, appointment_id: object, *, write: bool = False, audit: bool = True
) -> Appointment:
    """An appointment of a client the user's staff role reaches; NotFound when hidden."""
    pk = _pk(appointment_id, "appointment")
    appointment = Appointment.objects.select_related("worker", "program").filter(pk=pk).first()
    if appointment is None:
        raise NotFound("appointment")
    client = access_client(user, appointment.client_id, write=write, audit=False)
    if client.access_basis not in STAFF_BASES:
        raise NotFound("appointment")
    appointment.client = client
    if write and not (
        appointment.worker_id == user.pk
        or access_for(user).can_write_in_program(appointment.program_id)
    ):
        raise PermissionDenied("You can see this appointment but not change it.")
    if audit:
        _viewed(user, "appointment", appointment)
    return appointment
