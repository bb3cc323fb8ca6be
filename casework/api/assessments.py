"""Instruments, assessments and risk flags (issue 13).

Client data loads only through the gates (``access_client``, ``access_assessment``,
``access_flag``); instrument definitions are not client data and any signed-in user may
read them. Errors are problem+json through the API's shared handlers.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Header, Router, Schema, UploadedFile
from pydantic import Field

from casework.accounts.access import access_for
from casework.accounts.models import Organization
from casework.api.concurrency import check_version, require_if_match, set_etag
from casework.api.disclosure import DisclosureNoticeOut, notice_field
from casework.api.types import Id, InputSchema, Text300
from casework.assessments import services
from casework.assessments.library import current_instruments
from casework.assessments.models import Assessment, RiskFlag
from casework.assessments.permissions import (
    STAFF_BASES,
    access_assessment,
    access_flag,
    access_instrument,
    readable_assessments,
    readable_flags,
)
from casework.clients.permissions import access_client, access_enrollment
from casework.core.exceptions import NotFound, PermissionDenied
from casework.interop import fhir_care, fhir_security

router = Router(tags=["assessments"])
Code = str  # path parameter: an instrument code


def _home_org(user: Any) -> int | None:
    orgs = access_for(user).organization_ids
    return min(orgs) if orgs else None


class InstrumentOut(Schema):
    code: str
    version: int
    name: str
    short_name: str
    categories: list[str]
    agency_version: bool = Field(description="True when this is your agency's own version.")
    licence: str
    source: str


def _instrument_out(row: Any) -> dict[str, Any]:
    spec = row.definition
    return {
        "code": row.code,
        "version": row.version,
        "name": row.name,
        "short_name": row.short_name,
        "categories": row.categories,
        "agency_version": row.organization_id is not None,
        "licence": spec.licence,
        "source": spec.source.citation,
    }


@router.get("/instruments", response=list[InstrumentOut], operation_id="instrument_list")
def instrument_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The instruments in force for your agency (its own versions override the published)."""
    return [_instrument_out(r) for r in current_instruments(_home_org(request.user)).values()]


@router.get("/instruments/{code}", operation_id="instrument_get")
def instrument_get(request: HttpRequest, code: Code) -> dict[str, Any]:
    """The full definition in force: items, options, skip logic, scoring, bands, flags."""
    row = access_instrument(request.user, code, _home_org(request.user))
    return {**_instrument_out(row), "definition": row.spec}


@router.get("/instruments/{code}/fhir", operation_id="instrument_fhir")
def instrument_fhir(request: HttpRequest, code: Code) -> dict[str, Any]:
    """The definition in force as a FHIR R4 Questionnaire."""
    return fhir_care.questionnaire(access_instrument(request.user, code, _home_org(request.user)))


@router.post("/instruments", response={201: InstrumentOut}, operation_id="instrument_upload")
def instrument_upload(
    request: HttpRequest,
    organization_id: Form[int],
    file: File[UploadedFile],
) -> dict[str, Any]:
    """Add your agency's own instrument, or its own version of a shipped one, from a YAML
    or JSON definition file. A broken file is refused (422) with each problem located
    (file, path, problem) and nothing is saved. Organization admins only."""
    if organization_id not in access_for(request.user).admin_org_ids:
        raise PermissionDenied("Only the organization's administrators can add instruments.")
    organization = Organization.objects.get(pk=organization_id)
    row = services.instrument_upload(
        actor=request.user,
        organization=organization,
        text=file.read(services.UPLOAD_LIMIT + 1),
        filename=(file.name or "upload")[:100],
    )
    return _instrument_out(row)


# --- Assessments ------------------------------------------------------------------------------


class FlagOut(Schema):
    code: str
    label: str
    severity: str
    offer: str | None = None


class AssessmentOut(Schema):
    id: int
    client_id: int
    instrument: str = Field(alias="instrument_code")
    instrument_version: int
    administered_on: date
    total: float | None
    band: dict[str, Any] | None
    subscales: dict[str, Any]
    flags: list[FlagOut]
    missing: list[str]
    skipped: list[str]
    needs: list[dict[str, Any]]
    answers: dict[str, Any]
    notes: dict[str, str]
    variant: str | None = None
    created_at: datetime
    disclosure_notice: DisclosureNoticeOut | None = notice_field()

    @staticmethod
    def resolve_disclosure_notice(obj: Assessment) -> Any:
        return getattr(obj.client, "disclosure_notice", None)

    @staticmethod
    def resolve_instrument_version(obj: Assessment) -> int:
        return int(obj.result["version"])

    @staticmethod
    def resolve_band(obj: Assessment) -> Any:
        return obj.result.get("band")

    @staticmethod
    def resolve_subscales(obj: Assessment) -> Any:
        return obj.result.get("subscales", {})

    @staticmethod
    def resolve_flags(obj: Assessment) -> Any:
        return obj.result.get("flags", [])

    @staticmethod
    def resolve_missing(obj: Assessment) -> Any:
        return obj.result.get("missing", [])

    @staticmethod
    def resolve_skipped(obj: Assessment) -> Any:
        return obj.result.get("skipped", [])

    @staticmethod
    def resolve_needs(obj: Assessment) -> Any:
        return obj.result.get("needs", [])

    @staticmethod
    def resolve_variant(obj: Assessment) -> Any:
        return obj.result.get("variant")


class AssessmentIn(InputSchema):
    instrument: str = Field(min_length=1, max_length=40)
    answers: dict[str, Any]
    notes: dict[str, str] = {}
    administered_on: date | None = None
    enrollment_id: Id | None = None


@router.get(
    "/clients/{client_id}/assessments",
    response=list[AssessmentOut],
    operation_id="assessment_list",
)
def assessment_list(request: HttpRequest, client_id: Id, instrument: str = "") -> list[Assessment]:
    """The client's assessments you may see, newest first (``?instrument=phq9`` filters)."""
    client = access_client(request.user, client_id, audit=False)
    found = readable_assessments(request.user, client, code=instrument[:40])
    for assessment in found:
        assessment.client = client  # carries the disclosure notice the gate attached
    return found


@router.post(
    "/clients/{client_id}/assessments",
    response={201: AssessmentOut},
    operation_id="assessment_create",
)
def assessment_create(
    request: HttpRequest, client_id: Id, payload: AssessmentIn, response: HttpResponse
) -> Assessment:
    """Score and store an administration: ``{"instrument": "phq9", "answers": {...}}``.

    Answers are option codes or values. The result (total, band, flags, missing items,
    identified needs) is computed now with the version in force and never recomputed.
    """
    client = access_client(request.user, client_id, write=True)
    enrollment = (
        access_enrollment(request.user, payload.enrollment_id) if payload.enrollment_id else None
    )
    assessment = services.assessment_record(
        actor=request.user,
        client=client,
        instrument_code=payload.instrument,
        answers=payload.answers,
        notes=payload.notes,
        administered_on=payload.administered_on,
        enrollment=enrollment,
    )
    response["Location"] = f"/api/v1/assessments/{assessment.pk}"
    return assessment


@router.get("/assessments/{assessment_id}", response=AssessmentOut, operation_id="assessment_get")
def assessment_get(request: HttpRequest, assessment_id: Id) -> Assessment:
    return access_assessment(request.user, assessment_id)


@router.get("/assessments/{assessment_id}/fhir", operation_id="assessment_fhir")
def assessment_fhir(request: HttpRequest, assessment_id: Id) -> dict[str, Any]:
    """The assessment as a FHIR R4 QuestionnaireResponse. To a reader who reaches the client
    through a consent it carries the disclosure notice as HL7 Data Segmentation for Privacy
    labels: ``meta.security`` (restricted; with a Part 2 consent, 42CFRPart2 and NORDSCLCD,
    no redisclosure without consent) and one ``meta.extension`` display annotation per line
    of the notice and the consent's scope."""
    assessment = access_assessment(request.user, assessment_id)
    resource = fhir_care.questionnaire_response(
        assessment, patient_ref=f"Patient/{assessment.client_id}"
    )
    return fhir_security.with_disclosure_notice(resource, assessment.client.disclosure_notice)


# --- Risk flags -------------------------------------------------------------------------------


class RiskFlagOut(Schema):
    id: int
    version: int
    client_id: int
    code: str
    label: str
    severity: str
    source: str
    assessment_id: int | None
    note: str
    created_at: datetime
    resolved_at: datetime | None
    resolution_note: str


class RiskFlagIn(InputSchema):
    label: Text300 = Field(min_length=3)
    severity: Literal["low", "moderate", "high"]
    note: str = Field("", max_length=2000)


class RiskFlagResolveIn(InputSchema):
    note: str = Field(min_length=5, max_length=2000)


@router.get(
    "/clients/{client_id}/risk-flags", response=list[RiskFlagOut], operation_id="risk_flag_list"
)
def risk_flag_list(request: HttpRequest, client_id: Id, include_resolved: bool = False) -> list:
    """The client's risk flags you may see: open ones, or all with ``include_resolved``."""
    client = access_client(request.user, client_id)
    if client.access_basis not in STAFF_BASES:
        raise NotFound("client")
    return readable_flags(client, open_only=not include_resolved)


@router.post(
    "/clients/{client_id}/risk-flags",
    response={201: RiskFlagOut},
    operation_id="risk_flag_create",
)
def risk_flag_create(
    request: HttpRequest, client_id: Id, payload: RiskFlagIn, response: HttpResponse
) -> RiskFlag:
    """Raise a risk flag by hand; the case manager (and supervisors when high) are told."""
    client = access_client(request.user, client_id, write=True)
    flag = services.risk_flag_raise(
        actor=request.user,
        client=client,
        code="manual",
        label=payload.label,
        severity=payload.severity,
        note=payload.note,
    )
    set_etag(response, flag)
    return flag


@router.post(
    "/risk-flags/{flag_id}/resolve", response=RiskFlagOut, operation_id="risk_flag_resolve"
)
def risk_flag_resolve(
    request: HttpRequest,
    flag_id: Id,
    payload: RiskFlagResolveIn,
    response: HttpResponse,
    if_match: str | None = Header(None, alias="If-Match"),
) -> RiskFlag:
    """Resolve a flag with a note saying what was done (``If-Match`` with its ETag)."""
    expected = require_if_match(if_match)
    flag = access_flag(request.user, flag_id, write=True)
    check_version(flag, expected)
    if flag.resolved_at is not None:
        raise NotFound("open risk flag")
    flag = services.risk_flag_resolve(
        actor=request.user, flag=flag, note=payload.note, expected_version=expected
    )
    set_etag(response, flag)
    return flag
