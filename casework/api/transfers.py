"""Transfers of a client to another case manager over the API (the same services as the
pages: ``caseload.transfers``). A transfer loads only through ``access_transfer``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from casework.accounts.models import User
from casework.api.types import Id, InputSchema, NonBlank500
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.caseload import transfers
from casework.caseload.models import Transfer, TransferStatus
from casework.clients.models import Client
from casework.clients.permissions import access_enrollment

router = Router(tags=["transfers"])


class TransferOut(Schema):
    id: int
    client_id: int
    enrollment_id: int
    program_id: int
    from_user_id: int | None
    to_user_id: int
    requested_by_id: int
    reason: str
    handoff_note: str
    status: TransferStatus
    requested_at: datetime
    decided_at: datetime | None
    decided_by_id: int | None
    decline_reason: str
    moved: dict[str, int]
    summary: dict[str, Any] = Field(
        description="Taken when asked: goals, tasks, risks, appointments, referrals, drafts."
    )


class TransferIn(InputSchema):
    to_user_id: Id
    reason: NonBlank500
    handoff_note: str = Field("", max_length=5000)


class DeclineIn(InputSchema):
    reason: NonBlank500


class TransferFilters(InputSchema):
    status: TransferStatus | None = None


@router.post(
    "/enrollments/{enrollment_id}/transfers",
    response={201: TransferOut},
    operation_id="transfers_create",
    summary="Ask another case manager to take over this enrollment",
)
def transfers_create(request: HttpRequest, enrollment_id: Id, payload: TransferIn) -> Any:
    enrollment = access_enrollment(request.user, enrollment_id, write=True)
    to = User.objects.filter(pk=payload.to_user_id, is_active=True).first()
    if to is None:
        raise ValidationError({"to_user_id": "No such case manager."})
    try:
        transfer = transfers.transfer_request(
            actor=request.user,
            enrollment=enrollment,
            to=to,
            reason=payload.reason,
            note=payload.handoff_note,
        )
    except ValidationError as error:
        if hasattr(error, "error_dict") and "to" in error.error_dict:
            raise ValidationError({"to_user_id": error.message_dict["to"]}) from None
        raise
    return Status(201, transfer)


@router.get(
    "/transfers",
    response=list[TransferOut],
    operation_id="transfers_list",
    summary="Transfers you receive, asked for, or supervise (newest 200; audited)",
)
def transfers_list(request: HttpRequest, filters: Query[TransferFilters]) -> Any:
    rows = transfers.transfers_visible_to(request.user)
    if filters.status:
        rows = rows.filter(status=filters.status)
    found = list(rows.order_by("-requested_at", "-id")[:200])
    visible = set(
        Client.objects.visible_to(request.user)
        .filter(pk__in={t.client_id for t in found})
        .values_list("pk", flat=True)
    )
    found = [t for t in found if t.client_id in visible]
    record(
        actor=request.user,
        action=AuditAction.LIST,
        target_type="transfer_list",
        details={"client_ids": sorted(visible)},
    )
    return found


@router.get("/transfers/{transfer_id}", response=TransferOut, operation_id="transfers_get")
def transfers_get(request: HttpRequest, transfer_id: Id) -> Transfer:
    return transfers.access_transfer(request.user, transfer_id)


@router.post(
    "/transfers/{transfer_id}/accept",
    response=TransferOut,
    operation_id="transfers_accept",
    summary="Accept: become the case manager; open work moves to you",
)
def transfers_accept(request: HttpRequest, transfer_id: Id) -> Transfer:
    transfer = transfers.access_transfer(request.user, transfer_id, audit=False)
    return transfers.transfer_accept(actor=request.user, transfer=transfer)


@router.post(
    "/transfers/{transfer_id}/decline",
    response=TransferOut,
    operation_id="transfers_decline",
    summary="Decline, saying why",
)
def transfers_decline(request: HttpRequest, transfer_id: Id, payload: DeclineIn) -> Transfer:
    transfer = transfers.access_transfer(request.user, transfer_id, audit=False)
    try:
        return transfers.transfer_decline(
            actor=request.user, transfer=transfer, reason=payload.reason
        )
    except ValidationError as error:
        if hasattr(error, "error_dict") and "decline_reason" in error.error_dict:
            raise ValidationError({"reason": error.message_dict["decline_reason"]}) from None
        raise


@router.post(
    "/transfers/{transfer_id}/withdraw",
    response=TransferOut,
    operation_id="transfers_withdraw",
    summary="Withdraw a transfer still waiting (the requester or a supervisor)",
)
def transfers_withdraw(request: HttpRequest, transfer_id: Id) -> Transfer:
    transfer = transfers.access_transfer(request.user, transfer_id, audit=False)
    return transfers.transfer_withdraw(actor=request.user, transfer=transfer)
