"""Enrollments: a client's participation in a program.

An enrollment is shown only when its client is visible to the caller *and* it is in a
program the caller works in (or in an organization they see whole), so that a case manager
does not learn, say, that their client is also in a mental-health program.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Header, Query, Router, Schema
from pydantic import Field

from casework.api.concurrency import check_version, require_if_match, set_etag
from casework.api.lookups import case_manager_or_none, program_for_caller
from casework.api.pagination import Page, PageParams, paginate
from casework.api.types import Id, InputSchema, NonBlank500, PatchSchema, Text300
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.clients.assignment import enrollment_assign_case_manager
from casework.clients.models import (
    Client,
    ClosureReason,
    Destination,
    Enrollment,
    EnrollmentStatus,
)
from casework.clients.permissions import access_client, access_enrollment
from casework.clients.services import client_list_record, enrollment_create, enrollment_update
from casework.core.exceptions import NotFound

router = Router(tags=["enrollments"])


class EnrollmentOut(Schema):
    id: int
    version: int
    client_id: int
    program_id: int
    organization_id: int
    status: EnrollmentStatus
    start_date: date
    end_date: date | None
    primary_case_manager_id: int | None
    waitlisted_at: datetime | None
    closure_reason: str
    closure_note: str
    destination: int | None = Field(description="HMIS 3.12 destination code, at exit.")
    created_at: datetime
    updated_at: datetime


class EnrollmentFilters(InputSchema, PageParams):
    client: Id | None = Field(None, description="Enrollments of this client (id).")
    program: Id | None = Field(None, description="Enrollments in this program (id).")
    status: EnrollmentStatus | None = None


class EnrollmentCreateIn(InputSchema):
    client_id: Id
    program_id: Id
    status: EnrollmentStatus = EnrollmentStatus.ACTIVE
    start_date: date | None = Field(None, description="Today if omitted.")
    primary_case_manager_id: Id | None = None


class EnrollmentPatchIn(PatchSchema):
    """Only the fields sent are changed. Closing needs a ``closure_reason`` (and, in housing
    programs, a ``destination``); without an ``end_date`` it ends today."""

    # The case manager changes with POST .../case-manager (a reason, both told): not here.
    NULLABLE = frozenset({"end_date", "destination"})

    status: EnrollmentStatus | None = Field(
        None, description="Allowed moves: referred > waitlisted > active <> on_hold > closed."
    )
    start_date: date | None = None
    end_date: date | None = None
    primary_case_manager_id: Id | None = None
    closure_reason: ClosureReason | None = Field(None, description="Required when closing.")
    closure_note: Text300 | None = None
    destination: Literal[tuple(Destination.values)] | None = Field(  # type: ignore[valid-type]  # codes from the model
        None, description="HMIS 3.12 destination; required closing housing."
    )


class CaseManagerIn(InputSchema):
    primary_case_manager_id: Id | None = Field(
        description="The new primary case manager (staff of the program who pass its "
        "credential rules); null leaves the client for the supervisor to assign."
    )
    reason: NonBlank500 = Field(description="Why; recorded in the audit trail.")


def _load(user: Any, enrollment_id: int, *, write: bool = False) -> Enrollment:
    enrollment = access_enrollment(user, enrollment_id, write=write)
    if not Enrollment.objects.visible_to(user).filter(pk=enrollment.pk).exists():
        record(
            actor=user,
            action=AuditAction.DENIED,
            target_type="enrollment",
            target_id=enrollment.pk,
            client_id=enrollment.client_id,
            organization_id=enrollment.organization_id,
            details={"reason": "program not visible"},
        )
        raise NotFound("enrollment")
    return enrollment


@router.get("/enrollments", response=Page[EnrollmentOut], summary="List enrollments")
def enrollments_list(request: HttpRequest, filters: Query[EnrollmentFilters]) -> dict[str, Any]:
    """Enrollments the caller may see, newest first. The clients shown are audited."""
    visible_clients = Client.objects.visible_to(request.user)
    enrollments = (
        Enrollment.objects.visible_to(request.user)
        .filter(client__in=visible_clients)
        .select_related("client")
        .order_by("-start_date", "-pk")
    )
    if filters.client is not None:
        enrollments = enrollments.filter(client_id=filters.client)
    if filters.program is not None:
        enrollments = enrollments.filter(program_id=filters.program)
    if filters.status is not None:
        enrollments = enrollments.filter(status=filters.status)
    page = paginate(request, enrollments, filters)
    shown = {e.client_id: e.client for e in page["results"]}
    query = {"client": filters.client, "program": filters.program, "status": filters.status}
    client_list_record(actor=request.user, clients=shown.values(), query=query)
    return page


@router.get("/enrollments/{enrollment_id}", response=EnrollmentOut, summary="Read an enrollment")
def enrollment_get(request: HttpRequest, enrollment_id: Id, response: HttpResponse) -> Enrollment:
    """One enrollment, audited as a view of its client's record."""
    enrollment = _load(request.user, enrollment_id)
    record(
        actor=request.user,
        action=AuditAction.VIEW,
        target_type="enrollment",
        target_id=enrollment.pk,
        client_id=enrollment.client_id,
        organization_id=enrollment.organization_id,
    )
    set_etag(response, enrollment)
    return enrollment


@router.post("/enrollments", response={201: EnrollmentOut}, summary="Enroll a client")
def enrollment_post(
    request: HttpRequest, payload: EnrollmentCreateIn, response: HttpResponse
) -> Enrollment:
    """Enroll a visible client in a program the caller may write in."""
    client = access_client(request.user, payload.client_id, audit=False)
    enrollment = enrollment_create(
        actor=request.user,
        client=client,
        program=program_for_caller(request.user, payload.program_id),
        status=payload.status,
        start_date=payload.start_date,
        primary_case_manager=case_manager_or_none(payload.primary_case_manager_id),
    )
    set_etag(response, enrollment)
    response["Location"] = f"{request.path.rstrip('/')}/{enrollment.pk}"
    return enrollment


@router.patch(
    "/enrollments/{enrollment_id}", response=EnrollmentOut, summary="Change an enrollment"
)
def enrollment_patch(
    request: HttpRequest,
    enrollment_id: Id,
    payload: EnrollmentPatchIn,
    response: HttpResponse,
    if_match: str | None = Header(None, alias="If-Match"),
) -> Enrollment:
    """Change status or dates. Needs ``If-Match``. The primary case manager changes only
    through ``POST /enrollments/{id}/case-manager`` (a different value here is a 422)."""
    expected = require_if_match(if_match)
    enrollment = _load(request.user, enrollment_id, write=True)
    check_version(enrollment, expected)
    data = payload.model_dump(exclude_unset=True)
    if "primary_case_manager_id" in data:
        data["primary_case_manager"] = case_manager_or_none(data.pop("primary_case_manager_id"))
    enrollment = enrollment_update(
        actor=request.user, enrollment=enrollment, expected_version=expected, data=data
    )
    set_etag(response, enrollment)
    return enrollment


@router.post(
    "/enrollments/{enrollment_id}/case-manager",
    response=EnrollmentOut,
    summary="Assign or reassign the primary case manager",
)
def enrollment_case_manager_post(
    request: HttpRequest,
    enrollment_id: Id,
    payload: CaseManagerIn,
    response: HttpResponse,
    if_match: str | None = Header(None, alias="If-Match"),
) -> Enrollment:
    """Supervisors, program admins and org admins choose anyone eligible; others may only
    take an unassigned client themselves. The reason is audited; the old and new case
    manager are notified. Needs ``If-Match``."""
    expected = require_if_match(if_match)
    enrollment = _load(request.user, enrollment_id, write=True)
    check_version(enrollment, expected)
    enrollment = enrollment_assign_case_manager(
        actor=request.user,
        enrollment=enrollment,
        case_manager=case_manager_or_none(payload.primary_case_manager_id),
        reason=payload.reason,
        expected_version=expected,
    )
    set_etag(response, enrollment)
    return enrollment
