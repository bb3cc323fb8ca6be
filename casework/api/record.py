"""Client record, consent, emergency access, duplicates and the enrollment lifecycle (issue 3).

Same conventions as ``clients.py``: the gate (``access_client``) loads the client, one
service changes it, ``ETag``/``If-Match`` guard every versioned change, errors are problem+json.
What a reader may not see never reaches a schema: record parts come from
``record_parts_for`` (consent categories and confidential addresses applied) and a single
hidden row is a 404 like a missing one.

No ``from __future__ import annotations`` here: the record-part operations are made in a
loop, one set per part, and ninja reads their annotations as real classes.
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import File, Form, Header, Query, Router, Schema, UploadedFile
from ninja.orm import create_schema
from pydantic import Field, StringConstraints, field_validator

from casework.accounts.access import access_for
from casework.accounts.models import Organization, Program
from casework.api.concurrency import check_version, require_if_match, set_etag
from casework.api.disclosure import DisclosureNoticeOut, notice_field, with_notice
from casework.api.enrollments import EnrollmentOut
from casework.api.pagination import Page, PageParams, paginate
from casework.api.types import (
    DOCUMENT_DOWNLOAD,
    EmergencyReason,
    Id,
    InputSchema,
    NonBlank300,
    PatchSchema,
    Text30,
    Text100,
    Text200,
    Text300,
)
from casework.clients import consent as consents
from casework.clients import consent_events
from casework.clients import merge as merging
from casework.clients import record_services as parts
from casework.clients.models import (
    RECORD_PARTS,
    Client,
    ClientAddress,
    ClientMerge,
    ClientPart,
    ClosureReason,
    Consent,
    ConsentCategory,
    ContactMethod,
    DataQuality,
    DuplicateCandidate,
    Enrollment,
    EnrollmentStatus,
    ExpiryEvent,
    NoYesReasons,
    Race,
)
from casework.clients.permissions import (
    access_client,
    access_consent,
    access_enrollment,
    in_care_team,
    require_whole_record,
)
from casework.clients.services import client_update, enrollment_transition
from casework.core.exceptions import NotFound

router = Router(tags=["client record"])

PAST_ONLY = frozenset({"date_of_birth", "information_date"})


# --- Record parts -----------------------------------------------------------------------------


class _PartChecks(Schema):
    @field_validator("*", mode="after")
    @classmethod
    def _checked(cls, value: Any, info: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("Text may not contain NUL characters.")
        if info.field_name in PAST_ONLY and isinstance(value, date) and value > date.today():
            raise ValueError("This date cannot be in the future.")
        return value


class _PartIn(InputSchema, _PartChecks):
    pass


class _PartPatch(PatchSchema, _PartChecks):
    pass


def _stated_fields(model: type[ClientPart], *, patch: bool) -> list[tuple[str, Any, Any]]:
    """What the model accepts, stated in the schema: a field with choices takes only those
    values, and required text may not be empty (``full_clean`` refuses a blank one)."""
    stated: list[tuple[str, Any, Any]] = []
    for name in model.FIELDS:
        field: Any = model._meta.get_field(name)
        kind: Any
        if field.choices:
            values = tuple(value for value, _label in field.flatchoices)
            if field.blank and isinstance(values[0], str):
                values += ("",)
            kind = Literal[values]
        elif field.get_internal_type() == "CharField" and not field.blank:
            kind = Annotated[str, Field(min_length=1, max_length=field.max_length)]
        else:
            continue
        if patch or (field.null and not field.has_default()):
            stated.append((name, kind | None, None))
        elif field.has_default():
            stated.append((name, kind, field.get_default()))
        else:
            stated.append((name, kind, ...))
    return stated


def _schemas(name: str, model: type[ClientPart]) -> tuple[Any, Any, Any]:
    label = model.__name__
    nullable = frozenset(
        f for f in model.FIELDS if getattr(model._meta.get_field(f), "null", False)
    )
    patch_base = type(f"{label}PatchBase", (_PartPatch,), {"NULLABLE": nullable})
    out = create_schema(
        model,
        name=f"{label}Out",
        fields=["id", "version", *model.FIELDS, "created_at", "updated_at"],
        custom_fields=[
            ("client_id", int, ...),
            ("disclosure_notice", DisclosureNoticeOut | None, notice_field()),
        ],
    )
    create = create_schema(
        model,
        name=f"{label}In",
        fields=list(model.FIELDS),
        custom_fields=_stated_fields(model, patch=False),
        base_class=_PartIn,
    )
    patch = create_schema(
        model,
        name=f"{label}Patch",
        fields=list(model.FIELDS),
        optional_fields="__all__",  # type: ignore[arg-type]  # ninja accepts "__all__"
        custom_fields=_stated_fields(model, patch=True),
        base_class=patch_base,
    )
    return out, create, patch


def _hidden(user: Any, client: Client, item: ClientPart) -> bool:
    if isinstance(item, ClientAddress):
        return client.address_confidential and not in_care_team(user, client)
    return item.category not in client.access_categories


def _item(user: Any, client: Client, part: str, item_id: int) -> ClientPart:
    item = parts.record_part_get(client=client, part=part, item_id=item_id)
    if _hidden(user, client, item):
        raise NotFound(part)
    return item


def _register_part(name: str, model: type[ClientPart]) -> None:
    """GET/POST ``/clients/{id}/<name>`` and GET/PATCH ``/clients/{id}/<name>/{item_id}``."""
    out, create, patch = _schemas(name, model)
    title = name.replace("_", " ")

    def list_rows(request: HttpRequest, client_id: Id) -> list[ClientPart]:
        client = access_client(request.user, client_id)
        return with_notice(parts.record_parts_for(request.user, client)[name], client)

    def add_row(request: HttpRequest, client_id: Id, payload: create, response: HttpResponse):  # type: ignore[valid-type]  # a schema made at runtime
        client = access_client(request.user, client_id, write=True)
        data = payload.model_dump(exclude_none=True)  # type: ignore[attr-defined]  # pydantic
        item = parts.record_part_add(actor=request.user, client=client, part=name, data=data)
        set_etag(response, item)
        response["Location"] = f"{request.path.rstrip('/')}/{item.pk}"
        return item

    def get_row(request: HttpRequest, client_id: Id, item_id: Id, response: HttpResponse):
        client = access_client(request.user, client_id)
        item = _item(request.user, client, name, item_id)
        set_etag(response, item)
        return with_notice([item], client)[0]

    def patch_row(
        request: HttpRequest,
        client_id: Id,
        item_id: Id,
        payload: patch,  # type: ignore[valid-type]  # a schema made at runtime
        response: HttpResponse,
        if_match: str | None = Header(None, alias="If-Match"),
    ):
        expected = require_if_match(if_match)
        client = access_client(request.user, client_id, write=True)
        item = _item(request.user, client, name, item_id)
        check_version(item, expected)
        data = payload.model_dump(exclude_unset=True)  # type: ignore[attr-defined]  # pydantic
        item = parts.record_part_update(
            actor=request.user, item=item, expected_version=expected, data=data
        )
        set_etag(response, item)
        return item

    path = f"/clients/{{client_id}}/{name}"
    router.get(
        path,
        response=list[out],  # type: ignore[valid-type]  # a schema made at runtime
        operation_id=f"{name}_list",
        summary=f"List {title}",
    )(list_rows)
    router.post(
        path, response={201: out}, operation_id=f"{name}_create", summary=f"Add to {title}"
    )(add_row)
    router.get(
        path + "/{item_id}", response=out, operation_id=f"{name}_get", summary=f"Read {title}"
    )(get_row)
    router.patch(
        path + "/{item_id}",
        response=out,
        operation_id=f"{name}_patch",
        summary=f"Change {title} (If-Match)",
    )(patch_row)


# --- Profile ----------------------------------------------------------------------------------


class ProfilePatchIn(PatchSchema):
    """The intake-record fields of a client (``Client.PROFILE_FIELDS``); only those sent."""

    NULLABLE = frozenset({"race_none"})

    pronouns: Text100 | None = None
    name_data_quality: DataQuality | None = None
    dob_data_quality: DataQuality | None = None
    ssn_data_quality: DataQuality | None = None
    race_ethnicity: list[Race] | None = None
    race_none: Literal[8, 9, 99] | None = None
    additional_race_ethnicity: Text100 | None = None
    primary_language: Text100 | None = None
    interpreter_needed: bool | None = None
    veteran_status: NoYesReasons | None = None
    address_confidential: bool | None = None
    preferred_contact_method: ContactMethod | Literal[""] | None = None
    safe_contact_times: Text200 | None = None
    pcp_name: Text200 | None = None
    pcp_practice: Text200 | None = None
    pcp_phone: Text30 | None = None


class ProfileOut(Schema):
    id: int
    version: int
    pronouns: str
    name_data_quality: int
    dob_data_quality: int
    ssn_data_quality: int
    race_ethnicity: list[str]
    race_none: int | None
    additional_race_ethnicity: str
    primary_language: str
    interpreter_needed: bool
    veteran_status: int
    address_confidential: bool
    preferred_contact_method: str
    safe_contact_times: str
    pcp_name: str
    pcp_practice: str
    pcp_phone: str
    ssn_masked: str


@router.patch("/clients/{client_id}/profile", response=ProfileOut, summary="Change the profile")
def profile_patch(
    request: HttpRequest,
    client_id: Id,
    payload: ProfilePatchIn,
    response: HttpResponse,
    if_match: str | None = Header(None, alias="If-Match"),
) -> Client:
    """Pronouns, data quality, race and ethnicity, language, veteran status, contact
    preferences, primary care, the confidential-address flag. Needs ``If-Match``."""
    expected = require_if_match(if_match)
    client = access_client(request.user, client_id, write=True)
    check_version(client, expected)
    data = payload.model_dump(exclude_unset=True)
    if "race_ethnicity" in data:
        data["race_ethnicity"] = [str(r) for r in data["race_ethnicity"]]
    client = client_update(actor=request.user, client=client, expected_version=expected, data=data)
    set_etag(response, client)
    return client


# --- SSN --------------------------------------------------------------------------------------


# What ``normalize_ssn`` accepts: 9 digits, dashes optional, none of the ranges the SSA never
# issues (area 000, 666 or 9xx; group 00; serial 0000); or nothing, which removes the number.
SSN_PATTERN = (
    r"^\s*((00[1-9]|0[1-9][0-9]|[1-578][0-9]{2}|6[0-57-9][0-9]|66[0-57-9])-?"
    r"(0[1-9]|[1-9][0-9])-?(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3}))?\s*$"
)


class SsnIn(InputSchema):
    ssn: Annotated[str, StringConstraints(strip_whitespace=True, pattern=SSN_PATTERN)] = Field(
        description="9 digits, with or without dashes; empty removes it."
    )


class SsnOut(Schema):
    id: int
    version: int
    ssn_masked: str


class SsnRevealOut(Schema):
    ssn: str = Field(description="The full number (this read is audited).")


@router.post("/clients/{client_id}/ssn", response=SsnOut, summary="Set or change the SSN")
def ssn_set(
    request: HttpRequest,
    client_id: Id,
    payload: SsnIn,
    response: HttpResponse,
    if_match: str | None = Header(None, alias="If-Match"),
) -> Client:
    """Stored encrypted; answers only the masked form. Needs ``If-Match``."""
    expected = require_if_match(if_match)
    client = access_client(request.user, client_id, write=True)
    check_version(client, expected)
    client = consents.client_set_ssn(
        actor=request.user, client=client, ssn=payload.ssn, expected_version=expected
    )
    set_etag(response, client)
    return client


@router.post(
    "/clients/{client_id}/ssn/reveal", response=SsnRevealOut, summary="Reveal the full SSN"
)
def ssn_reveal(request: HttpRequest, client_id: Id) -> dict[str, str]:
    """The full SSN, for a deliberate request; audited as a reveal."""
    client = access_client(request.user, client_id, audit=False)
    require_whole_record(client)
    return {"ssn": consents.client_reveal_ssn(actor=request.user, client=client)}


# --- Consents ---------------------------------------------------------------------------------


class ConsentOut(Schema):
    id: int
    version: int
    client_id: int
    disclosing_program_id: int | None
    recipient_organization_id: int | None
    recipient_program_id: int | None
    recipient_name: str
    categories: list[str]
    information_description: str
    purpose: str
    kind: str
    effective_date: date
    expiry_date: date | None
    expiry_event: str
    expiry_trigger: str = Field(description="The expiry event Casework watches, if any.")
    expiry_enrollment_id: int | None
    review_date: date | None = Field(description="For another event: when it is reviewed.")
    ended_at: datetime | None = Field(description="When the expiry event ended the consent.")
    ended_note: str
    revocation_instructions: str
    recipient_is_covered_entity: bool
    hipaa_redisclosure_statement: str
    signature_method: str
    signed_by_name: str
    signer_authority: str
    signed_on: date
    has_drawn_signature: bool = False
    has_signed_form: bool = False
    revocation_right_acknowledged: bool
    redisclosure_notice: str
    revoked_at: datetime | None
    revocation_reason: str
    in_force: bool = False

    @staticmethod
    def resolve_has_drawn_signature(obj: Consent) -> bool:
        return bool(obj.signature_image)

    @staticmethod
    def resolve_has_signed_form(obj: Consent) -> bool:
        return bool(obj.signed_form)

    @staticmethod
    def resolve_in_force(obj: Consent) -> bool:
        return obj.in_force_on()


class ConsentTermsIn(InputSchema):
    """What a consent releases, to whom, for what and until when, and who signed it."""

    recipient_organization_id: Id | None = None
    recipient_program_id: Id | None = None
    recipient_name: Text200 = ""
    categories: list[ConsentCategory] = Field(min_length=1)
    information_description: str = Field("", max_length=2000)
    purpose: Text300 = Field(min_length=1)
    kind: Consent.Kind = Consent.Kind.SINGLE_PURPOSE
    effective_date: date | None = None
    expiry_date: date | None = None
    expiry_event: Text200 = Field(
        "", description="Another event that ends the consent (needs `review_date`)."
    )
    expiry_trigger: ExpiryEvent = Field(
        ExpiryEvent.NONE,
        description="An event Casework observes and enforces, or `other` (described in "
        "`expiry_event`, reviewed on `review_date`).",
    )
    expiry_enrollment_id: Id | None = Field(
        None, description="For `enrollment_closed`: which of the client's enrollments."
    )
    review_date: date | None = None
    revocation_instructions: str = Field(
        "", max_length=2000, description="How the client revokes; a standard text if empty."
    )
    recipient_is_covered_entity: bool = False
    signed_by_name: Text200 = Field(min_length=1)
    signer_authority: Text200 = ""
    signed_on: date | None = None
    revocation_right_acknowledged: bool = False


class ConsentIn(ConsentTermsIn):
    signature_method: Literal["typed", "drawn"] = Field(
        description="A scanned, signed form is sent to the `consents/signed-form` operation."
    )
    signature_image: str = Field("", max_length=60_000, pattern=r"^[MLml0-9 .,\-]*$")


class RevokeIn(InputSchema):
    reason: NonBlank300


class EventOutcomeIn(InputSchema):
    happened: bool = Field(description="The consent's other expiry event has happened.")
    next_review_date: date | None = Field(None, description="When not: when to ask again.")
    note: Text300 = ""


def _consent_data(payload: ConsentTermsIn) -> dict[str, Any]:
    data = payload.model_dump(
        exclude={"signature_image", "recipient_organization_id", "recipient_program_id"},
        exclude_none=True,
    )
    data["categories"] = [str(c) for c in payload.categories]
    if payload.recipient_organization_id is not None:
        org = Organization.objects.filter(pk=payload.recipient_organization_id).first()
        if org is None:
            raise ValidationError({"recipient_organization_id": "No such organization."})
        data["recipient_organization"] = org
    if payload.recipient_program_id is not None:
        program = Program.objects.filter(pk=payload.recipient_program_id).first()
        if program is None:
            raise ValidationError({"recipient_program_id": "No such program."})
        data["recipient_program"] = program
    return data


@router.get("/clients/{client_id}/consents", response=list[ConsentOut], summary="List consents")
def consents_list(request: HttpRequest, client_id: Id) -> list[Consent]:
    client = access_client(request.user, client_id)
    require_whole_record(client)
    return list(client.consents.order_by("-effective_date", "-id"))


@router.post(
    "/clients/{client_id}/consents", response={201: ConsentOut}, summary="Record a consent"
)
def consent_post(
    request: HttpRequest, client_id: Id, payload: ConsentIn, response: HttpResponse
) -> Consent:
    """Substance use (42 CFR Part 2) needs its elements; the redisclosure notice is added."""
    client = access_client(request.user, client_id, write=True)
    consent = consents.consent_record(
        actor=request.user,
        client=client,
        data=_consent_data(payload),
        signature_image=payload.signature_image,
    )
    set_etag(response, consent)
    return consent


@router.post(
    "/clients/{client_id}/consents/signed-form",
    response={201: ConsentOut},
    summary="Record a consent with its scanned, signed form",
)
def consent_post_signed_form(
    request: HttpRequest,
    client_id: Id,
    payload: Form[ConsentTermsIn],
    signed_form: File[UploadedFile],
    response: HttpResponse,
) -> Consent:
    """``multipart/form-data``: the consent's fields (``categories`` repeated once per
    category) and ``signed_form``, a PDF, PNG or JPEG judged by its content, not its name."""
    client = access_client(request.user, client_id, write=True)
    data = _consent_data(payload) | {"signature_method": Consent.SignatureMethod.UPLOADED}
    consent = consents.consent_record(
        actor=request.user,
        client=client,
        data=data,
        signed_form=consents.accept_signed_form(signed_form),
    )
    set_etag(response, consent)
    return consent


@router.get(
    "/consents/{consent_id}/signed-form",
    response={200: None},
    summary="Download a consent's signed form (audited)",
    openapi_extra=DOCUMENT_DOWNLOAD,
)
def consent_signed_form(request: HttpRequest, consent_id: Id) -> FileResponse:
    """Only for staff who see the whole record; every download is an audited export."""
    consent = access_consent(request.user, consent_id)
    require_whole_record(consent.client)
    handle, name = consents.signed_form_open(actor=request.user, consent=consent)
    return FileResponse(handle, as_attachment=True, filename=name)


@router.post("/consents/{consent_id}/revoke", response=ConsentOut, summary="Revoke a consent")
def consent_revoke(request: HttpRequest, consent_id: Id, payload: RevokeIn) -> Consent:
    """Revocation takes effect at once: the access the consent gave ends."""
    consent = access_consent(request.user, consent_id, write=True)
    return consents.consent_revoke(actor=request.user, consent=consent, reason=payload.reason)


@router.post(
    "/consents/{consent_id}/event-outcome",
    response=ConsentOut,
    summary="Record whether a consent's expiry event happened",
)
def consent_event_outcome(request: HttpRequest, consent_id: Id, payload: EventOutcomeIn) -> Any:
    """For a consent ending at an event Casework cannot observe: it happened (the consent
    ends now), or it has not (a later review date)."""
    consent = access_consent(request.user, consent_id, write=True)
    require_whole_record(consent.client)
    return consent_events.consent_event_outcome(
        actor=request.user,
        consent=consent,
        happened=payload.happened,
        next_review_date=payload.next_review_date,
        note=payload.note,
    )


# --- Emergency access -------------------------------------------------------------------------


class EmergencyIn(InputSchema):
    client_id: Id
    reason: EmergencyReason = Field(description="The emergency (at least 15 characters).")
    minutes: int | None = Field(
        None,
        ge=1,
        le=240,
        description="Shorter than the organization's limit (60 minutes unless it sets "
        "another, at most 240); empty for the limit.",
    )


class EmergencyOut(Schema):
    id: int
    client_id: int
    opened_at: datetime
    expires_at: datetime


@router.post("/emergency-access", response={201: EmergencyOut}, summary="Break the glass (audited)")
def emergency_access(request: HttpRequest, payload: EmergencyIn) -> Any:
    """Open a record of your organization for an emergency; supervisors are alerted."""
    grant = consents.break_glass_open(
        actor=request.user,
        client_id=payload.client_id,
        reason=payload.reason,
        minutes=payload.minutes,
    )
    return grant


# --- Duplicates and merges --------------------------------------------------------------------


class DuplicateOut(Schema):
    id: int
    client_a_id: int
    client_b_id: int
    score: float
    reasons: list[str]
    status: str
    found_at: datetime


class MergeIn(InputSchema):
    survivor_id: Id = Field(description="The client to keep: one of the pair.")


class MergeOut(Schema):
    id: int
    survivor_id: int
    merged_id: int
    performed_at: datetime
    undone_at: datetime | None


def _reviewer(user: Any) -> None:
    access = access_for(user)
    if not (access.admin_org_ids or access.supervised_program_ids):
        raise PermissionDenied("Only supervisors and organization admins review duplicates.")


def _candidate(user: Any, candidate_id: int) -> DuplicateCandidate:
    _reviewer(user)
    found = merging.duplicate_queue(user).filter(pk=candidate_id).first()
    if found is None:
        raise NotFound("duplicate")
    return found


@router.get("/duplicates", response=Page[DuplicateOut], summary="The duplicates review queue")
def duplicates_list(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    """Open pairs the caller may decide, best score first."""
    _reviewer(request.user)
    return paginate(request, merging.duplicate_queue(request.user).order_by("-score", "id"), params)


@router.post("/duplicates/{candidate_id}/merge", response={201: MergeOut}, summary="Merge a pair")
def duplicate_merge(request: HttpRequest, candidate_id: Id, payload: MergeIn) -> ClientMerge:
    candidate = _candidate(request.user, candidate_id)
    pair = {candidate.client_a_id, candidate.client_b_id}
    if payload.survivor_id not in pair:
        raise ValidationError({"survivor_id": "Choose one of the two clients of the pair."})
    (merged_id,) = pair - {payload.survivor_id}
    survivor = access_client(request.user, payload.survivor_id, audit=False)
    merged = access_client(request.user, merged_id, audit=False)
    merge = merging.client_merge(
        actor=request.user, survivor=survivor, merged=merged, candidate=candidate
    )
    return merge


@router.post(
    "/duplicates/{candidate_id}/not-duplicate",
    response=DuplicateOut,
    summary="Mark a pair as two people",
)
def duplicate_not_duplicate(request: HttpRequest, candidate_id: Id) -> DuplicateCandidate:
    candidate = _candidate(request.user, candidate_id)
    merging.duplicate_mark_not_duplicate(actor=request.user, candidate=candidate)
    candidate.refresh_from_db()
    return candidate


@router.post("/merges/{merge_id}/undo", response=MergeOut, summary="Undo a merge")
def merge_undo(request: HttpRequest, merge_id: Id) -> ClientMerge:
    """Every moved record goes back to the merged client; the merge is kept as history."""
    merge = ClientMerge.objects.filter(pk=merge_id).select_related("survivor", "merged").first()
    if merge is None:
        raise NotFound("merge")
    access_client(request.user, merge.survivor_id, audit=False)
    merging.client_unmerge(actor=request.user, merge=merge)
    merge.refresh_from_db()
    return merge


# --- Enrollment lifecycle ---------------------------------------------------------------------


class EnrollmentTransitionIn(InputSchema):
    to: EnrollmentStatus
    closure_reason: ClosureReason | Literal[""] = ""
    closure_note: Text300 = ""
    destination: int | None = Field(None, ge=0, le=999, description="HMIS 3.12, housing.")
    on: date | None = Field(None, description="Closing date; today if omitted.")


@router.post(
    "/enrollments/{enrollment_id}/transition",
    response=EnrollmentOut,
    summary="Move an enrollment along its lifecycle",
)
def enrollment_transition_post(
    request: HttpRequest,
    enrollment_id: Id,
    payload: EnrollmentTransitionIn,
    response: HttpResponse,
    if_match: str | None = Header(None, alias="If-Match"),
) -> Enrollment:
    """referred > waitlisted > active <> on hold > closed (reason; destination in housing)."""
    expected = require_if_match(if_match)
    enrollment = access_enrollment(request.user, enrollment_id, write=True)
    check_version(enrollment, expected)
    enrollment = enrollment_transition(
        actor=request.user,
        enrollment=enrollment,
        expected_version=expected,
        to=payload.to,
        closure_reason=payload.closure_reason,
        closure_note=payload.closure_note,
        destination=payload.destination,
        on=payload.on,
    )
    set_etag(response, enrollment)
    return enrollment


# The generic part routes come last: ``/clients/{id}/consents`` and ``/profile`` must be
# matched by their own operations first.
for _name, _model in RECORD_PARTS.items():
    _register_part(_name, _model)
