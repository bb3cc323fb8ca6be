"""Referrals over the API: list, send, read, move along the lifecycle, message, and the FHIR
R4 ServiceRequest + Task pair with partner Task updates.

Both sides use these operations; ``access_referral`` decides the side. The receiving side
gets the client only as a consented summary (``client``), never the record.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Body, Header, Query, Router, Schema
from pydantic import Field

from casework.accounts.models import Program
from casework.api.concurrency import check_version, require_if_match, set_etag
from casework.api.lookups import program_for_caller
from casework.api.pagination import Page, PageParams, paginate
from casework.api.types import Id, InputSchema
from casework.clients.models import ConsentCategory
from casework.clients.permissions import access_client
from casework.core.exceptions import NotFound
from casework.interop.fhir_referrals import referral_bundle, task_update
from casework.referrals import clocks
from casework.referrals.models import Referral, ResponseClock, Side, Status, Urgency
from casework.referrals.permissions import access_referral, visible_to
from casework.referrals.services import (
    Outcome,
    referral_create,
    referral_message_post,
    referral_transition,
)
from casework.referrals.sharing import shared_client
from casework.resources.models import Service

router = Router(tags=["referrals"])


class SharedClientOut(Schema):
    withheld: bool
    details: dict[str, str]
    categories: list[str]
    consent_scope: str
    notice: str


class MessageOut(Schema):
    id: int
    side: str
    author: str
    body: str
    sent_at: datetime


class ReferralOut(Schema):
    id: int
    version: int
    status: Status
    status_reason: str
    urgency: Urgency
    sides: list[str] = Field(description="The sides on which the caller acts.")
    client_id: int | None = Field(description="For the referring side only.")
    client: SharedClientOut | None = Field(description="For the receiving side only.")
    service_id: str | None
    recipient_organization_id: int
    recipient_program_id: int | None
    referring_program_id: int
    need_category: str
    plan_intervention_key: UUID | None
    need: str
    reason: str
    shared_categories: list[str]
    due_date: date | None
    requested_at: datetime | None
    accepted_at: datetime | None
    closed_at: datetime | None
    scheduled_for: datetime | None
    service_delivered: bool | None
    enrolled: bool | None
    outcome_note: str
    messages: list[MessageOut] = []


def _out(referral: Referral, *, detail: bool = False, reader: Any = None) -> dict[str, Any]:
    referrer = Side.REFERRER in referral.sides or Side.RECEIVER not in referral.sides
    data = {f: getattr(referral, f) for f in ReferralOut.model_fields if hasattr(referral, f)}
    data |= {"id": referral.pk, "sides": sorted(referral.sides)}
    data["client_id"] = referral.client_id if referrer else None
    data["client"] = None
    if not referrer:
        shared = shared_client(referral, reader=reader if detail else None)
        data["client"] = {
            "withheld": shared.withheld,
            "details": shared.details,
            "categories": list(shared.categories),
            "consent_scope": shared.consent_scope,
            "notice": shared.notice,
        }
    data["messages"] = [
        {"id": m.pk, "side": m.side, "author": str(m.author), "body": m.body, "sent_at": m.sent_at}
        for m in (referral.messages.select_related("author") if detail else [])
    ]
    return data


class ReferralFilters(InputSchema, PageParams):
    status: Status | None = None
    side: Literal["referrer", "receiver"] | None = None


@router.get("/referrals", response=Page[ReferralOut], summary="Referrals the caller reaches")
def referrals_list(request: HttpRequest, filters: Query[ReferralFilters]) -> dict[str, Any]:
    """Sent (referring side) and received (receiving side) referrals, newest first."""
    from casework.referrals.permissions import received_by, referred_by_staff, sides_of

    scope = {"referrer": referred_by_staff, "receiver": received_by}.get(
        filters.side or "", visible_to
    )
    referrals = scope(request.user).select_related("client", "recipient_organization")
    if filters.status:
        referrals = referrals.filter(status=filters.status)
    page = paginate(request, referrals.order_by("-created_at", "-pk"), filters)
    results = []
    for referral in page["results"]:
        referral.sides = sides_of(request.user, referral)
        results.append(_out(referral))
    page["results"] = results
    return page


class ReferralCreateIn(InputSchema):
    client_id: Id
    program_id: Id = Field(description="The referring program (the client is enrolled in it).")
    service_id: str | None = Field(None, max_length=64, description="A directory service.")
    recipient_program_id: Id | None = Field(None, description="Or a program of the agency.")
    reason: str = Field(min_length=1, max_length=2000)
    urgency: Urgency = Urgency.ROUTINE
    need_category: str = Field("", max_length=60)
    need: str = Field("", max_length=300)
    shared_categories: list[ConsentCategory] = Field(default_factory=list)
    due_date: date | None = None
    send: bool = True
    intervention_key: UUID | None = Field(
        None, description="The client's service-plan intervention it carries out."
    )


@router.post("/referrals", response={201: ReferralOut}, summary="Send (or draft) a referral")
def referral_post(
    request: HttpRequest, payload: ReferralCreateIn, response: HttpResponse
) -> dict[str, Any]:
    """Refused (422, naming ``shared_categories``) when no consent in force covers sharing
    the chosen information with the recipient."""
    client = access_client(request.user, payload.client_id, write=True, audit=False)
    service = None
    if payload.service_id:
        service = (
            Service.objects.select_related("organization").filter(pk=payload.service_id).first()
        )
        if service is None:
            raise NotFound("service")
    recipient_program = None
    if payload.recipient_program_id:
        recipient_program = Program.objects.filter(
            pk=payload.recipient_program_id, organization_id=client.organization_id, is_active=True
        ).first()
        if recipient_program is None:
            raise ValidationError({"recipient_program_id": "No such program in this agency."})
    referral = referral_create(
        actor=request.user,
        client=client,
        program=program_for_caller(request.user, payload.program_id),
        service=service,
        recipient_program=recipient_program,
        reason=payload.reason,
        urgency=payload.urgency,
        need_category=payload.need_category,
        need=payload.need,
        shared_categories=payload.shared_categories,
        due_date=payload.due_date,
        send=payload.send,
        intervention_key=payload.intervention_key,
    )
    set_etag(response, referral)
    response["Location"] = f"{request.path.rstrip('/')}/{referral.pk}"
    return _out(referral)


@router.get("/referrals/{referral_id}", response=ReferralOut, summary="Read a referral")
def referral_get(request: HttpRequest, referral_id: Id, response: HttpResponse) -> dict[str, Any]:
    referral = access_referral(request.user, referral_id)
    set_etag(response, referral)
    return _out(referral, detail=True, reader=request.user)


class ReferralTransitionIn(InputSchema):
    to: Status
    reason: str = Field("", max_length=2000, description="Required to reject or cancel.")
    service_delivered: bool | None = None
    enrolled: bool | None = None
    outcome_note: str = Field("", max_length=2000)


@router.post(
    "/referrals/{referral_id}/transition",
    response=ReferralOut,
    summary="Move a referral along its lifecycle",
)
def referral_transition_post(
    request: HttpRequest,
    referral_id: Id,
    payload: ReferralTransitionIn,
    response: HttpResponse,
    if_match: str | None = Header(None, alias="If-Match"),
) -> dict[str, Any]:
    """Only the moves of the SDOH referral Task, each by its side (403 for the other
    side's move, 422 for a move the lifecycle does not have). Needs ``If-Match``."""
    expected = require_if_match(if_match)
    referral = access_referral(request.user, referral_id, write=True)
    check_version(referral, expected)
    referral = referral_transition(
        actor=request.user,
        referral=referral,
        to=payload.to,
        reason=payload.reason,
        outcome=Outcome(payload.service_delivered, payload.enrolled, payload.outcome_note),
        expected_version=expected,
        source="api",
    )
    set_etag(response, referral)
    return _out(referral)


class MessageIn(InputSchema):
    body: str = Field(min_length=1, max_length=4000)


@router.post(
    "/referrals/{referral_id}/messages",
    response={201: MessageOut},
    summary="Message the other side of a referral",
)
def referral_message(request: HttpRequest, referral_id: Id, payload: MessageIn) -> dict[str, Any]:
    referral = access_referral(request.user, referral_id, write=True)
    message = referral_message_post(actor=request.user, referral=referral, body=payload.body)
    return {
        "id": message.pk,
        "side": message.side,
        "author": str(message.author),
        "body": message.body,
        "sent_at": message.sent_at,
    }


@router.get(
    "/referrals/{referral_id}/fhir",
    response=dict[str, Any],
    summary="The referral as a FHIR R4 ServiceRequest + Task (Bundle)",
)
def referral_fhir(request: HttpRequest, referral_id: Id) -> dict[str, Any]:
    return referral_bundle(access_referral(request.user, referral_id))


@router.post(
    "/referrals/{referral_id}/fhir-task",
    response=dict[str, Any],
    summary="Apply a partner system's FHIR Task status update",
)
def referral_fhir_task(
    request: HttpRequest, referral_id: Id, payload: Body[dict[str, Any]]
) -> dict[str, Any]:
    """Body: a FHIR R4 Task. Its ``status`` must be in the SDOH referral Task value set and
    an allowed move for the sender's side; ``statusReason.text`` gives the reason; outputs
    ``service-delivered``, ``enrolled`` (boolean) and ``outcome-note`` record the outcome.
    Answers the updated ServiceRequest + Task."""
    referral = access_referral(request.user, referral_id, write=True)
    referral = task_update(actor=request.user, referral=referral, payload=payload)
    return referral_bundle(referral)


class ResponseClockOut(Schema):
    program_id: int
    program: str
    business_days: int = Field(description="Business days to answer before escalating.")
    is_default: bool = Field(description="True when the program uses the agency default.")
    can_change: bool


class ResponseClockIn(InputSchema):
    business_days: int = Field(
        ge=clocks.MIN_RESPONSE_DAYS,
        le=clocks.MAX_RESPONSE_DAYS,
        description="Business days (weekends and public holidays skipped).",
    )


def _clock_out(user: Any, program: Program) -> dict[str, Any]:
    own = ResponseClock.objects.filter(program=program).first()
    return {
        "program_id": program.pk,
        "program": program.name,
        "business_days": clocks.response_days(program.pk),
        "is_default": own is None,
        "can_change": clocks.can_set_clock(user, program),
    }


@router.get(
    "/programs/{program_id}/referral-clock",
    response=ResponseClockOut,
    summary="How long the program's referrals wait for an answer before escalating",
)
def referral_clock_get(request: HttpRequest, program_id: Id) -> dict[str, Any]:
    return _clock_out(request.user, clocks.visible_program(request.user, program_id))


@router.put(
    "/programs/{program_id}/referral-clock",
    response=ResponseClockOut,
    summary="Set the program's referral response time (administrators)",
)
def referral_clock_put(
    request: HttpRequest, program_id: Id, payload: ResponseClockIn
) -> dict[str, Any]:
    program = clocks.program_for_clock(request.user, program_id)
    clocks.response_clock_set(
        actor=request.user, program=program, business_days=payload.business_days
    )
    return _clock_out(request.user, program)
