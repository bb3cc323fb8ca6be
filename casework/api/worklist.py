"""The worklist, tasks, appointments and crises over the API.

``GET /worklist`` answers the same items, reasons and order as the "Today" page (both call
``build_worklist``). Objects load through their gates; errors are problem+json.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Header, Query, Router, Schema, Status
from pydantic import Field

from casework.accounts.models import User
from casework.api.concurrency import check_version, require_if_match, set_etag
from casework.api.lookups import program_for_caller
from casework.api.types import Id, InputSchema, NonBlank200, NonBlank4000, PatchSchema, Text200
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.caseload.crisis import crisis_report, crisis_resolve
from casework.caseload.models import CrisisEvent, CrisisKind
from casework.caseload.worklist import KIND_LABELS, build_worklist
from casework.clients.permissions import access_client
from casework.core.exceptions import NotFound
from casework.scheduling import services as scheduling
from casework.scheduling.models import AppointmentMode, Task
from casework.scheduling.permissions import STAFF_BASES, access_appointment, access_task

router = Router(tags=["worklist, tasks, appointments, crises"])

ORDERING = "severity (critical first), then due time (earliest first), then client risk"


class WorklistItemOut(Schema):
    kind: str
    kind_label: str
    severity: int
    severity_label: str
    title: str
    reason: str
    order_reason: str
    due_at: datetime | None
    client_id: int | None
    client_name: str
    client_risk: int
    program_id: int | None
    object_id: int
    action_url: str
    action_label: str


class WorklistOut(Schema):
    ordering: str
    items: list[WorklistItemOut]


class WorklistFilters(InputSchema):
    program: Id | None = None
    client: Id | None = None
    kind: Literal[tuple(KIND_LABELS)] | None = None  # type: ignore[valid-type]  # the kinds


@router.get("/worklist", response=WorklistOut, operation_id="worklist_get")
def worklist_get(request: HttpRequest, filters: Query[WorklistFilters]) -> dict[str, Any]:
    """The caller's worklist, with each item's reason and the reason for its place."""
    items = build_worklist(
        request.user,
        program_id=filters.program,
        client_id=filters.client,
        kinds=[filters.kind] if filters.kind else [],
    )
    record(
        actor=request.user,
        action=AuditAction.LIST,
        target_type="worklist",
        details={"client_ids": sorted({i.client_id for i in items if i.client_id})},
    )
    return {"ordering": ORDERING, "items": items}


def _person(request: HttpRequest, user_id: int | None, field: str) -> User:
    """The caller when ``user_id`` is None, else that active user (the service checks they
    work in the program); an unknown id is a 422 on ``field``."""
    if user_id is None:
        assert isinstance(request.user, User)  # the API authenticates every call
        return request.user
    person = User.objects.filter(pk=user_id, is_active=True).first()
    if person is None:
        raise ValidationError({field: "No such person."})
    return person


# --- Tasks ------------------------------------------------------------------------------------


class TaskOut(Schema):
    id: int
    version: int
    kind: str
    title: str
    details: str
    client_id: int | None
    program_id: int | None
    assignee_id: int
    due_at: datetime
    priority: int
    status: str
    recurrence: str
    checklist: list[dict[str, Any]]
    reminder_minutes: list[int]
    appointment_id: int | None
    goal_id: int | None
    referral_id: int | None
    completed_at: datetime | None


class ChecklistItem(InputSchema):
    text: str = Field(..., max_length=200)
    done: bool = False


class TaskCreateIn(InputSchema):
    title: NonBlank200
    due_at: datetime
    client_id: Id | None = None
    program_id: Id | None = Field(None, description="Required with client_id.")
    assignee_id: Id | None = Field(None, description="Yourself if omitted.")
    priority: int = Field(2, ge=1, le=4, description="1 low, 2 normal, 3 high, 4 urgent.")
    details: str = Field("", max_length=4000)
    recurrence: str = Field("", max_length=200, description="RFC 5545 RRULE, e.g. FREQ=WEEKLY")
    checklist: list[ChecklistItem] = []
    reminder_minutes: list[int] = Field([1440, 60], description="Minutes before due.")
    goal_id: Id | None = None
    referral_id: Id | None = None


class TaskPatchIn(PatchSchema):
    """Only the fields sent change; none of them may be ``null``."""

    title: NonBlank200 | None = None
    due_at: datetime | None = None
    priority: int | None = Field(None, ge=1, le=4)
    details: str | None = Field(None, max_length=4000)
    checklist: list[ChecklistItem] | None = None
    reminder_minutes: list[int] | None = None


class CompleteIn(InputSchema):
    cancel: bool = False


@router.post("/tasks", response={201: TaskOut}, operation_id="tasks_create")
def tasks_create(request: HttpRequest, payload: TaskCreateIn, response: HttpResponse) -> Any:
    client = program = None
    if payload.client_id is not None:
        client = access_client(request.user, payload.client_id, write=True, audit=False)
        if payload.program_id is None:
            raise ValidationError({"program_id": "Required for a task on a client."})
        program = program_for_caller(request.user, payload.program_id)
    assignee = _person(request, payload.assignee_id, "assignee_id")
    data = payload.model_dump(exclude={"title", "due_at", "client_id", "program_id", "assignee_id"})
    task = scheduling.task_create(
        actor=request.user,
        title=payload.title,
        due_at=payload.due_at,
        assignee=assignee,
        client=client,
        program=program,
        data=data,
    )
    set_etag(response, task)
    return Status(201, task)


@router.get("/tasks/{task_id}", response=TaskOut, operation_id="tasks_get")
def tasks_get(request: HttpRequest, task_id: Id, response: HttpResponse) -> Task:
    task = access_task(request.user, task_id)
    set_etag(response, task)
    return task


@router.patch("/tasks/{task_id}", response=TaskOut, operation_id="tasks_patch")
def tasks_patch(
    request: HttpRequest,
    task_id: Id,
    payload: TaskPatchIn,
    response: HttpResponse,
    if_match: str | None = Header(None, alias="If-Match"),
) -> Task:
    expected = require_if_match(if_match)
    task = access_task(request.user, task_id, write=True)
    check_version(task, expected)
    data = payload.model_dump(exclude_unset=True)
    task = scheduling.task_update(
        actor=request.user, task=task, expected_version=expected, data=data
    )
    set_etag(response, task)
    return task


@router.post("/tasks/{task_id}/complete", response=TaskOut, operation_id="tasks_complete")
def tasks_complete(request: HttpRequest, task_id: Id, payload: CompleteIn) -> Task:
    """Close the task; a repeating task answers its next occurrence, else the closed task."""
    task = access_task(request.user, task_id, write=True)
    follow = scheduling.task_complete(actor=request.user, task=task, cancel=payload.cancel)
    return follow or task


# --- Appointments -----------------------------------------------------------------------------


class AppointmentOut(Schema):
    id: int
    version: int
    client_id: int
    program_id: int
    worker_id: int
    provider: str
    mode: str
    place: str
    purpose: str
    starts_at: datetime
    duration_minutes: int
    ends_at: datetime
    attendance: str
    overlaps: list[int] = Field([], description="Other appointments of the worker it overlaps.")


class AppointmentIn(InputSchema):
    program_id: Id
    worker_id: Id | None = Field(None, description="Yourself if omitted.")
    starts_at: datetime
    duration_minutes: int = Field(60, ge=5, le=720)
    mode: AppointmentMode
    place: Text200 = ""
    purpose: Text200 = ""
    provider: Text200 = ""


class AttendanceIn(InputSchema):
    attendance: Literal["attended", "no_show", "cancelled_client", "cancelled_staff", "rescheduled"]


@router.post(
    "/clients/{client_id}/appointments",
    response={201: AppointmentOut},
    operation_id="appointments_create",
    summary="Book; overlaps do not refuse it but are listed in `overlaps`",
)
def appointments_create(
    request: HttpRequest, client_id: Id, payload: AppointmentIn, response: HttpResponse
) -> Any:
    client = access_client(request.user, client_id, write=True, audit=False)
    program = program_for_caller(request.user, payload.program_id)
    worker = _person(request, payload.worker_id, "worker_id")
    clashes = scheduling.double_bookings(worker.pk, payload.starts_at, payload.duration_minutes)
    data = payload.model_dump(exclude={"program_id", "worker_id"})
    appointment = scheduling.appointment_create(
        actor=request.user, client=client, program=program, worker=worker, data=data
    )
    appointment.overlaps = [c.pk for c in clashes]  # type: ignore[attr-defined]  # output only
    set_etag(response, appointment)
    return Status(201, appointment)


@router.post(
    "/appointments/{appointment_id}/attendance",
    response=AppointmentOut,
    operation_id="appointments_attendance",
    summary="Record attendance; a no-show opens a follow-up task",
)
def appointments_attendance(request: HttpRequest, appointment_id: Id, payload: AttendanceIn) -> Any:
    appointment = access_appointment(request.user, appointment_id, write=True)
    appointment, _ = scheduling.appointment_record_attendance(
        actor=request.user,
        appointment=appointment,
        attendance=payload.attendance,
        expected_version=appointment.version,
    )
    return appointment


# --- Crises -------------------------------------------------------------------------------------


class CrisisOut(Schema):
    id: int
    client_id: int
    program_id: int
    kind: str
    severity: int
    what_happened: str
    actions_taken: str
    reported_at: datetime
    follow_up_task_id: int | None
    reassessment_task_id: int | None
    resolved_at: datetime | None
    resolution: str


class CrisisIn(InputSchema):
    program_id: Id
    kind: CrisisKind
    severity: int = Field(..., ge=1, le=4, description="1 low to 4 critical.")
    what_happened: NonBlank4000
    actions_taken: str = Field("", max_length=4000)


class CrisisResolveIn(InputSchema):
    resolution: NonBlank4000


@router.post(
    "/clients/{client_id}/crises",
    response={201: CrisisOut},
    operation_id="crises_report",
    summary="Report a crisis: alerts the supervisor and on-call, opens both follow-up tasks",
)
def crises_report(request: HttpRequest, client_id: Id, payload: CrisisIn) -> Any:
    client = access_client(request.user, client_id, write=True, audit=False)
    program = program_for_caller(request.user, payload.program_id)
    crisis = crisis_report(
        actor=request.user,
        client=client,
        program=program,
        kind=payload.kind,
        severity=payload.severity,
        what_happened=payload.what_happened,
        actions_taken=payload.actions_taken,
    )
    return Status(201, crisis)


@router.post("/crises/{crisis_id}/resolve", response=CrisisOut, operation_id="crises_resolve")
def crises_resolve(request: HttpRequest, crisis_id: Id, payload: CrisisResolveIn) -> CrisisEvent:
    client_id = CrisisEvent.objects.filter(pk=crisis_id).values_list("client_id", flat=True).first()
    if client_id is None:
        raise NotFound("crisis")
    client = access_client(request.user, client_id, write=True, audit=False)
    if client.access_basis not in STAFF_BASES:
        raise NotFound("crisis")
    crisis = CrisisEvent.objects.get(pk=crisis_id)
    return crisis_resolve(actor=request.user, crisis=crisis, resolution=payload.resolution)
