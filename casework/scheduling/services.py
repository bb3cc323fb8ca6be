"""Every change to tasks and appointments, each audited in its own transaction.

Reminders are rows (:class:`TaskReminder`) sent by a background task at their time
(``scheduling.tasks``); a task whose due time moves gets new reminder rows, and a reminder
whose task is done, or was made for an older due time, is skipped when it fires.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework.accounts.access import access_for
from casework.accounts.models import Program, User
from casework.audit.models import AuditAction
from casework.audit.services import diff, record, snapshot
from casework.clients.models import Client, Enrollment
from casework.core.concurrency import save_versioned
from casework.core.exceptions import Conflict, PermissionDenied
from casework.scheduling.models import (
    Appointment,
    Attendance,
    Priority,
    Task,
    TaskKind,
    TaskReminder,
    TaskStatus,
)

TASK_FIELDS = (
    "title",
    "details",
    "assignee_id",
    "due_at",
    "priority",
    "recurrence",
    "checklist",
    "reminder_minutes",
    "appointment_id",
    "goal_id",
    "referral_id",
)
TASK_EDITABLE = frozenset(TASK_FIELDS) - {"assignee_id", "appointment_id"} | {"assignee"}
DEFAULT_REMINDERS = [24 * 60, 60]
MAX_OCCURRENCE_LOOKAHEAD = 400  # occurrences checked when finding the next one


def _audit(actor: Any, action: str, target: Task | Appointment, kind: str, **extra: Any) -> None:
    record(
        actor=actor,
        action=action,
        target_type=kind,
        target_id=target.pk,
        client_id=target.client_id,
        organization_id=target.organization_id,
        **extra,
    )


def check_recurrence(rule: str, start: datetime) -> None:
    """Refuse an RRULE that does not parse (RFC 5545, as python-dateutil reads it)."""
    if not rule:
        return
    if "\n" in rule or rule.upper().startswith(("DTSTART", "RRULE:")):
        raise ValidationError({"recurrence": "Give only the rule, e.g. FREQ=WEEKLY;COUNT=4."})
    try:
        rrulestr(rule, dtstart=start)
    except (ValueError, TypeError) as error:
        raise ValidationError({"recurrence": f"Not a valid repeat rule: {error}."}) from None


def next_occurrence(rule: str, series_start: datetime, due_at: datetime) -> datetime | None:
    """The rule's first occurrence after ``due_at``, the rule counted from ``series_start``."""
    if not rule:
        return None
    # Counted in local time, so a weekly 9:00 stays 9:00 across daylight-saving changes.
    start = timezone.localtime(series_start).replace(microsecond=0)
    after = timezone.localtime(due_at).replace(microsecond=0)
    return rrulestr(rule, dtstart=start).after(after)


def _check_checklist(items: Any) -> list[dict[str, Any]]:
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ValidationError({"checklist": "A list of {text, done} items."})
    clean = [
        {"text": str(i.get("text", "")).strip()[:200], "done": bool(i.get("done"))} for i in items
    ]
    return [i for i in clean if i["text"]]


def _check_assignee(assignee: User, program: Program | None) -> None:
    if not assignee.is_active:
        raise ValidationError({"assignee": "This person's account is disabled."})
    if program is not None and not access_for(assignee).has_program_role(program.pk):
        raise ValidationError({"assignee": f"{assignee} does not work in {program.name}."})


def _check_reminders(minutes: Any) -> list[int]:
    if not isinstance(minutes, list) or not all(isinstance(m, int) for m in minutes):
        raise ValidationError({"reminder_minutes": "A list of minutes before the due time."})
    if any(m < 0 or m > 60 * 24 * 30 for m in minutes):
        raise ValidationError({"reminder_minutes": "Between 0 minutes and 30 days before."})
    return sorted(set(minutes), reverse=True)


def schedule_reminders(task: Task) -> list[TaskReminder]:
    """Make the task's future reminder rows for its current due time; send each at its time."""
    now = timezone.now()
    made = []
    for minutes in task.reminder_minutes or []:
        when = task.due_at - timedelta(minutes=minutes)
        if when < now - timedelta(minutes=1):
            continue
        reminder, created = TaskReminder.objects.get_or_create(
            task=task, remind_at=when, defaults={"due_at": task.due_at}
        )
        if created:
            made.append(reminder)
            transaction.on_commit(partial(_enqueue_reminder, reminder.pk, when))
    return made


def _enqueue_reminder(reminder_id: int, when: datetime) -> None:
    from casework.scheduling import tasks

    run_after = when if when > timezone.now() else None
    job = tasks.send_task_reminder.using(queue_name=tasks.REMINDER_QUEUE)
    if run_after is not None:
        if not job.get_backend().supports_defer:
            # The immediate backend (tests, a worker-less demo) cannot wait; the reminder
            # row stays unsent rather than arriving early.
            return
        job = job.using(run_after=run_after)
    job.enqueue(reminder_id)


@transaction.atomic
def task_create(
    *,
    actor: Any,
    title: str,
    due_at: datetime,
    assignee: User | None = None,
    client: Client | None = None,
    program: Program | None = None,
    data: Mapping[str, Any] | None = None,
    kind: str = TaskKind.GENERAL,
) -> Task:
    """A task on a client of ``program`` (the actor must write there), or free-standing."""
    data = dict(data or {})
    assignee = assignee or actor
    if client is not None:
        if program is None:
            raise ValidationError({"program": "Choose the program the task belongs to."})
        if not access_for(actor).can_write_in_program(program.pk, program.organization_id):
            raise PermissionDenied(f"You cannot add tasks in {program.name}.")
        if not Enrollment.objects.filter(client_id=client.pk, program_id=program.pk).exists():
            raise ValidationError({"program": "The client is not enrolled in this program."})
    elif program is not None:
        raise ValidationError({"program": "A task without a client has no program."})
    _check_assignee(assignee, program)
    check_recurrence(data.get("recurrence", ""), due_at)
    task = Task(
        organization_id=client.organization_id if client else None,
        client=client,
        program=program,
        kind=kind,
        title=title,
        assignee=assignee,
        created_by=actor,
        due_at=due_at,
        details=data.get("details", ""),
        priority=data.get("priority", Priority.NORMAL),
        recurrence=data.get("recurrence", ""),
        series_start=due_at if data.get("recurrence") else None,
        checklist=_check_checklist(data.get("checklist", [])),
        reminder_minutes=_check_reminders(data.get("reminder_minutes", DEFAULT_REMINDERS)),
        appointment_id=data.get("appointment_id"),
        goal_id=data.get("goal_id"),
        referral_id=data.get("referral_id"),
    )
    task.full_clean()
    task.save()
    _audit(actor, AuditAction.CREATE, task, "task", changes=diff({}, snapshot(task, TASK_FIELDS)))
    schedule_reminders(task)
    return task


@transaction.atomic
def task_update(*, actor: Any, task: Task, expected_version: int, data: Mapping[str, Any]) -> Task:
    """Change an open task's fields; a new due time gets new reminders."""
    unknown = set(data) - TASK_EDITABLE
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Unknown field."))
    if task.status != TaskStatus.OPEN:
        raise Conflict("This task is closed; open a new one instead.")
    before = snapshot(task, TASK_FIELDS)
    if "assignee" in data:
        _check_assignee(data["assignee"], task.program)
    if "checklist" in data:
        data = {**data, "checklist": _check_checklist(data["checklist"])}
    if "reminder_minutes" in data:
        data = {**data, "reminder_minutes": _check_reminders(data["reminder_minutes"])}
    for name, value in data.items():
        setattr(task, name, value)
    check_recurrence(task.recurrence, task.due_at)
    task.full_clean()
    changes = diff(before, snapshot(task, TASK_FIELDS))
    if not changes:
        return task
    fields = [("assignee_id" if n == "assignee" else n) for n in data]
    save_versioned(task, expected_version=expected_version, fields=fields)
    _audit(actor, AuditAction.UPDATE, task, "task", changes=changes)
    if "due_at" in changes or "reminder_minutes" in changes:
        schedule_reminders(task)
    return task


@transaction.atomic
def task_complete(*, actor: Any, task: Task, cancel: bool = False) -> Task | None:
    """Close a task (done, or cancelled); a repeating one opens its next occurrence.

    Answers the next occurrence, if any.
    """
    if task.status != TaskStatus.OPEN:
        raise Conflict("This task is already closed.")
    now = timezone.now()
    task.status = TaskStatus.CANCELLED if cancel else TaskStatus.DONE
    task.completed_at, task.completed_by = now, actor
    save_versioned(
        task, expected_version=task.version, fields=["status", "completed_at", "completed_by"]
    )
    _audit(actor, AuditAction.UPDATE, task, "task", changes={"status": ["open", task.status]})
    start = task.series_start or task.due_at
    when = None if cancel else next_occurrence(task.recurrence, start, task.due_at)
    if when is None:
        return None
    follow = Task.objects.create(
        **{f.name: getattr(task, f.name) for f in Task._meta.concrete_fields if f.name in _COPIED},
        due_at=when,
        series_start=start,
        previous=task,
        created_by=actor,
        checklist=[{"text": i["text"], "done": False} for i in task.checklist],
    )
    _audit(actor, AuditAction.CREATE, follow, "task", details={"repeats": task.pk})
    schedule_reminders(follow)
    return follow


_COPIED = frozenset(
    {
        "organization",
        "client",
        "program",
        "kind",
        "title",
        "details",
        "assignee",
        "priority",
        "recurrence",
        "reminder_minutes",
        "goal_id",
        "referral_id",
    }
)


@transaction.atomic
def tasks_reassign(
    *, actor: Any, tasks: Iterable[Task], assignee: User, details: Any = None
) -> int:
    """Give open tasks to ``assignee`` (a supervisor's bulk move); each move audited."""
    moved = 0
    for task in tasks:
        if task.status != TaskStatus.OPEN or task.assignee_id == assignee.pk:
            continue
        _check_assignee(assignee, task.program)
        old = task.assignee_id
        task.assignee = assignee
        save_versioned(task, expected_version=task.version, fields=["assignee_id"])
        _audit(
            actor,
            AuditAction.UPDATE,
            task,
            "task",
            changes={"assignee_id": [old, assignee.pk]},
            details=details,
        )
        moved += 1
    return moved


# --- Appointments -------------------------------------------------------------------------------

APPOINTMENT_FIELDS = (
    "worker_id",
    "provider",
    "mode",
    "place",
    "purpose",
    "starts_at",
    "duration_minutes",
    "attendance",
)


def double_bookings(
    worker_id: int, starts_at: datetime, minutes: int, exclude: int | None = None
) -> list[Appointment]:
    """The worker's other live appointments overlapping this time: the double-booking warning."""
    ends_at = starts_at + timedelta(minutes=minutes)
    rows = Appointment.objects.overlapping(worker_id, starts_at, ends_at)
    if exclude:
        rows = rows.exclude(pk=exclude)
    return list(rows.order_by("starts_at")[:5])


@transaction.atomic
def appointment_create(
    *,
    actor: Any,
    client: Client,
    program: Program,
    worker: User,
    data: Mapping[str, Any],
) -> Appointment:
    """Book an appointment; overlapping ones do not stop it (the caller warns first)."""
    if not access_for(actor).can_write_in_program(program.pk, program.organization_id):
        raise PermissionDenied(f"You cannot book appointments in {program.name}.")
    if not Enrollment.objects.filter(client_id=client.pk, program_id=program.pk).exists():
        raise ValidationError({"program": "The client is not enrolled in this program."})
    _check_assignee(worker, program)
    unknown = set(data) - set(APPOINTMENT_FIELDS) - {"worker_id"}
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Unknown field."))
    appointment = Appointment(
        organization_id=client.organization_id,
        client=client,
        program=program,
        worker=worker,
        created_by=actor,
        **{k: v for k, v in data.items() if k != "worker_id"},
    )
    appointment.ends_at = appointment.starts_at + timedelta(minutes=appointment.duration_minutes)
    appointment.full_clean()
    appointment.save()
    _audit(
        actor,
        AuditAction.CREATE,
        appointment,
        "appointment",
        changes=diff({}, snapshot(appointment, APPOINTMENT_FIELDS)),
    )
    return appointment


@transaction.atomic
def appointments_reassign(
    *, actor: Any, appointments: Iterable[Appointment], worker: User, details: Any = None
) -> int:
    """Give scheduled (not yet held) appointments to ``worker``, each move audited."""
    moved = 0
    for appointment in appointments:
        if appointment.attendance != Attendance.SCHEDULED or appointment.worker_id == worker.pk:
            continue
        _check_assignee(worker, appointment.program)
        old = appointment.worker_id
        appointment.worker = worker
        save_versioned(appointment, expected_version=appointment.version, fields=["worker_id"])
        _audit(
            actor,
            AuditAction.UPDATE,
            appointment,
            "appointment",
            changes={"worker_id": [old, worker.pk]},
            details=details,
        )
        moved += 1
    return moved


@transaction.atomic
def appointment_record_attendance(
    *, actor: Any, appointment: Appointment, attendance: str, expected_version: int
) -> tuple[Appointment, Task | None]:
    """Record what happened; a no-show opens a follow-up task for the worker, due next day."""
    if attendance not in Attendance.values or attendance == Attendance.SCHEDULED:
        raise ValidationError({"attendance": "Choose what happened."})
    old = appointment.attendance
    if old != Attendance.SCHEDULED:
        raise Conflict(f"Attendance is already recorded ({appointment.get_attendance_display()}).")
    appointment.attendance = attendance
    save_versioned(appointment, expected_version=expected_version, fields=["attendance"])
    _audit(
        actor,
        AuditAction.UPDATE,
        appointment,
        "appointment",
        changes={"attendance": [old, attendance]},
    )
    follow_up = None
    if attendance == Attendance.NO_SHOW:
        follow_up = task_create(
            actor=actor,
            title="Follow up on a missed appointment",
            due_at=timezone.now() + timedelta(days=1),
            assignee=appointment.worker,
            client=appointment.client,
            program=appointment.program,
            kind=TaskKind.NO_SHOW_FOLLOW_UP,
            data={
                "priority": Priority.HIGH,
                "appointment_id": appointment.pk,
                "details": "The client did not come. Reach out and rebook.",
            },
        )
    return appointment, follow_up
