"""Workforce endpoints: the public career pathway planner, staff records and eligibility.

``GET /pathway`` is public (no authentication). Everything else uses the API's default
authentication; a staff member reads their own record, supervisors and org admins read
their staff's (anyone else gets the same 404 as for a missing record).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from casework.accounts.models import PracticeArea, User
from casework.api.pagination import Page, PageParams, paginate
from casework.api.types import DOCUMENT_DOWNLOAD, Id, InputSchema
from casework.workforce import pathway, queries, services
from casework.workforce.models import ExamKind, ExamResult, HoursKind
from casework.workforce.permissions import (
    access_certificate,
    access_hours_to_sign,
    access_staff,
    staff_visible_to,
)

router = Router(tags=["workforce"])


class PathwayQuery(InputSchema):
    area: PracticeArea = Field(
        description="healthcare, mental_health, social_services or vocational_rehab"
    )
    degrees: str = Field("", description="Comma-separated degree codes, e.g. BSN,MSW")
    licences: str = Field("", description="Comma-separated licence or certification codes")
    experience_months: int = Field(
        0, ge=0, le=600, description="Full-time case management experience"
    )
    supervised_months: int = Field(
        0, ge=0, le=600, description="The part supervised by a certified case manager"
    )
    exams: str = Field(
        "",
        description="Comma-separated exams passed, e.g. ASWB-MASTERS,NCLEX-RN,CCM (a passed "
        "certification exam counts its step as done)",
    )
    state: str = Field("", description="Two-letter state code")
    goal: str = Field("", description="The credential aimed at, e.g. ccm or lcsw (see goals)")
    setting: str = Field(
        "",
        description="Work setting: hospital, managed_care, community_mental_health, "
        "non_profit, government, vocational_rehab, post_acute, clinic or other",
    )


class StepOut(Schema):
    id: str
    title: str
    status: str = Field(description="done, todo or not_needed")
    requirement: str
    source: str
    estimate_months: int
    estimate_text: str
    estimate_note: str
    after: list[str] = Field(description="Steps this one follows")
    critical: bool = Field(False, description="On the critical path of the chosen goal")
    marker: str = Field(
        "",
        description="How firm the credential rule the step quotes is, with the same codes "
        "as a credential's marker (checked against the issuing body, a secondary source, or "
        "not confirmed); empty when the step quotes no rule",
    )


class EntryRouteOut(Schema):
    id: str
    title: str
    requirement: str
    estimate_months: int
    estimate_text: str
    source: str
    marker: str
    state: str


class CredentialOut(Schema):
    code: str
    name: str
    eligible: bool
    status: str
    missing: list[str]
    cannot_tell: list[str]
    requirements: list[dict[str, Any]]
    rule_version: int
    agency_override: bool
    source: str
    source_url: str
    marker: str


class PathwayOut(Schema):
    answers: dict[str, Any]
    goal: dict[str, Any]
    goals: list[dict[str, Any]]
    entry_routes: list[EntryRouteOut]
    steps: list[StepOut] = Field(description="The steps the chosen goal needs")
    optional_steps: list[StepOut] = Field(description="Other steps, each with its own time")
    credentials: list[CredentialOut]
    employers: list[str]
    figures: list[dict[str, Any]]
    source: dict[str, Any]
    total_estimate_months: int = Field(description="Critical path of the goal's steps")
    total_estimate_text: str


class CredentialsReportOut(Schema):
    email: str
    name: str
    as_of: str
    credentials: list[CredentialOut]
    renewals: list[dict[str, Any]]


@router.get(
    "/pathway",
    auth=None,
    response=PathwayOut,
    summary="Career pathway roadmap (public)",
)
def pathway_get(request: HttpRequest, query: Query[PathwayQuery]) -> dict[str, Any]:
    """An ordered, personal roadmap to becoming a case manager, with each credential's
    eligibility. Invalid values answer 422 problem+json naming the parameter."""
    answers = pathway.parse_answers(**query.dict())
    return pathway.plan(answers).as_dict()


def _me(request: HttpRequest) -> User:
    """The authenticated caller (every operation but /pathway requires authentication)."""
    return cast(User, request.user)


def _read_staff(request: HttpRequest, staff_id: int) -> Any:
    return access_staff(request.user, staff_id)  # the gate records the read


class StaffOut(Schema):
    id: int
    email: str
    name: str


class StaffFilters(PageParams):
    """Paging only; any other query parameter is refused, as on every list."""


@router.get(
    "/workforce/staff",
    response=Page[StaffOut],
    summary="Staff whose records the caller may read",
)
def staff_list(request: HttpRequest, filters: Query[StaffFilters]) -> dict[str, Any]:
    staff = staff_visible_to(request.user).order_by("full_name", "pk")
    page = paginate(request, staff, filters)
    page["results"] = [{"id": u.pk, "email": u.email, "name": u.full_name} for u in page["results"]]
    return page


@router.get("/workforce/staff/{staff_id}", summary="A staff member's credential record")
def staff_get(request: HttpRequest, staff_id: Id) -> dict[str, Any]:
    return queries.staff_record_dict(_read_staff(request, staff_id))


@router.get(
    "/workforce/staff/{staff_id}/credentials",
    response=CredentialsReportOut,
    summary="Eligibility and renewal progress for a staff member",
)
def staff_credentials(request: HttpRequest, staff_id: Id) -> dict[str, Any]:
    return queries.credentials_report(_read_staff(request, staff_id))


@router.get("/workforce/me", summary="The caller's own credential record")
def me_record(request: HttpRequest) -> dict[str, Any]:
    return queries.staff_record_dict(_read_staff(request, _me(request).pk))


@router.get(
    "/workforce/me/credentials",
    response=CredentialsReportOut,
    summary="The caller's eligibility and renewal progress",
)
def me_credentials(request: HttpRequest) -> dict[str, Any]:
    return queries.credentials_report(_read_staff(request, _me(request).pk))


class CeIn(InputSchema):
    provider: str = Field(max_length=200, min_length=1)
    course: str = Field(max_length=200, min_length=1)
    completed_on: date
    hours: Decimal = Field(gt=0, le=200, decimal_places=2)
    category: str


@router.post(
    "/workforce/me/continuing-education",
    response={201: dict[str, Any]},
    summary="Log continuing education hours",
)
def me_ce_create(request: HttpRequest, payload: CeIn) -> Status:
    entry = services.continuing_education_create(
        actor=_me(request), user=_me(request), data=payload.dict()
    )
    return Status(201, {"id": entry.pk, "hours": float(entry.hours), "category": entry.category})


@router.post(
    "/workforce/me/continuing-education/certificate",
    response={201: dict[str, Any]},
    summary="Log continuing education hours with the certificate",
)
def me_ce_create_with_certificate(
    request: HttpRequest, payload: Form[CeIn], certificate: File[UploadedFile]
) -> Status:
    """``multipart/form-data``: the same fields as the JSON operation, and ``certificate``
    (PDF, PNG or JPEG by its content, at most 5 MB)."""
    entry = services.continuing_education_create(
        actor=_me(request), user=_me(request), data=payload.dict(), certificate=certificate
    )
    return Status(
        201,
        {
            "id": entry.pk,
            "hours": float(entry.hours),
            "category": entry.category,
            "certificate_name": entry.certificate_name,
        },
    )


@router.get(
    "/workforce/continuing-education/{entry_id}/certificate",
    response={200: None},
    summary="Download a CE certificate (audited)",
    openapi_extra=DOCUMENT_DOWNLOAD,
)
def ce_certificate(request: HttpRequest, entry_id: Id) -> FileResponse:
    """Served to the staff member and to those who may read their record, as the web does."""
    entry = access_certificate(request.user, entry_id)
    handle, name, media_type = services.certificate_open(actor=request.user, entry=entry)
    return FileResponse(handle, as_attachment=True, filename=name, content_type=media_type)


class ExamIn(InputSchema):
    kind: ExamKind
    jurisdiction: str = Field("", max_length=2, description="State code of a state exam")
    taken_on: date
    passed: bool
    score: str = Field("", max_length=20)


@router.post(
    "/workforce/me/exam-results",
    response={201: dict[str, Any]},
    summary="Record an exam result (verified later by an organization admin)",
)
def me_exam_create(request: HttpRequest, payload: ExamIn) -> Status:
    entry = services.entry_create(
        actor=_me(request), user=_me(request), model=ExamResult, data=payload.dict()
    )
    return Status(
        201,
        {"id": entry.pk, "kind": entry.kind, "passed": entry.passed, "verification": "unverified"},
    )


class HoursIn(InputSchema):
    supervisor_id: Id
    worked_on: date
    hours: Decimal = Field(gt=0, le=24, decimal_places=2)
    kind: HoursKind
    note: str = Field("", max_length=500)


@router.post(
    "/workforce/me/supervised-hours",
    response={201: dict[str, Any]},
    summary="Submit supervised hours for the named supervisor to sign",
)
def me_hours_submit(request: HttpRequest, payload: HoursIn) -> Status:
    supervisor = queries.supervisor_choices(_me(request)).filter(pk=payload.supervisor_id).first()
    if supervisor is None:
        raise ValidationError({"supervisor_id": "Choose a supervisor of one of your programs."})
    entry = services.supervised_hours_submit(
        actor=request.user,
        supervisor=supervisor,
        worked_on=payload.worked_on,
        hours=payload.hours,
        kind=payload.kind,
        note=payload.note,
    )
    return Status(201, {"id": entry.pk, "locked": entry.is_locked})


@router.post("/workforce/supervised-hours/{entry_id}/sign", summary="Sign (and lock) an entry")
def hours_sign(request: HttpRequest, entry_id: Id) -> dict[str, Any]:
    """Only the supervisor named on the entry can sign it; anyone else gets 404."""
    entry = access_hours_to_sign(request.user, entry_id)
    entry = services.supervised_hours_sign(actor=request.user, entry=entry)
    return {"id": entry.pk, "locked": entry.is_locked, "signed_at": entry.signed_at}
