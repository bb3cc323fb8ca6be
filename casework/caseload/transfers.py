"""Transfers: handing a client (one enrollment) over to another case manager.

1. The current case manager, or a supervisor of the program, asks for a transfer to an
   eligible case manager (``clients.assignment.check_case_manager``) with a reason. A
   summary is taken at that moment: current goals, open tasks, risks (open crises and risk
   flags), upcoming appointments, open referrals and the sender's unsigned drafts.
2. It stays pending (one per enrollment) until the receiver accepts it, or declines it
   with a reason; the requester or a supervisor may withdraw it meanwhile.
3. On acceptance the assignment changes through ``clients.assignment`` and what is open
   moves with the client: the previous case manager's open tasks and scheduled
   appointments of the client in that program, the open referrals they sent for that
   program, and their place as primary case manager on the care team. Risk flags, crises,
   plan reviews and IPE deadlines follow the enrollment's case manager on the worklist, so
   they move with the assignment. Draft notes stay with their author: only the author can
   sign what they wrote, so the summary lists them for the sender to finish.

Every step is audited (the transfer, and each moved item with the transfer's id) and the
people concerned are notified; titles name the program, never the client.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from casework.accounts.access import access_for
from casework.accounts.models import User
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.caseload.models import (
    CareTeamMember,
    CareTeamRole,
    CrisisEvent,
    Transfer,
    TransferStatus,
)
from casework.casenotes.models import CaseNote
from casework.clients.assignment import (
    check_case_manager,
    enrollment_accept_handover,
    may_hand_over,
)
from casework.clients.models import Enrollment
from casework.core.concurrency import save_versioned
from casework.core.exceptions import Conflict, NotFound, PermissionDenied
from casework.notifications.services import notify
from casework.scheduling.models import Appointment, Attendance, Task, TaskStatus
from casework.scheduling.services import appointments_reassign, tasks_reassign

KIND = "transfer"
TEXT_MAX = 500
SUMMARY_ROWS = 50


def _text(value: str, field: str, missing: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: missing})
    if len(value) > TEXT_MAX:
        raise ValidationError({field: f"Keep it to {TEXT_MAX} characters (it has {len(value)})."})
    return value


def _day(value: Any) -> str:
    return value.isoformat() if value else ""


# --- The summary -----------------------------------------------------------------------------


def transfer_summary(enrollment: Enrollment, *, now: Any = None) -> dict[str, Any]:
    """What the receiver needs to know, as it stands now (stored with the transfer)."""
    now = now or timezone.now()
    client_id, program_id = enrollment.client_id, enrollment.program_id
    cm = enrollment.primary_case_manager_id
    tasks = Task.objects.filter(client_id=client_id, status=TaskStatus.OPEN).filter(
        Q(program_id=program_id) | Q(program__isnull=True)
    )
    appointments = Appointment.objects.filter(
        client_id=client_id,
        program_id=program_id,
        attendance=Attendance.SCHEDULED,
        starts_at__gte=now,
    ).select_related("worker")
    crises = CrisisEvent.objects.open().filter(client_id=client_id)
    drafts = CaseNote.objects.drafts().filter(client_id=client_id, author_id=cm) if cm else []
    return {
        "taken_at": now.isoformat(),
        "goals": _goals(enrollment),
        "tasks": [
            {"id": t.pk, "title": t.title, "due": t.due_at.isoformat(), "mine": t.assignee_id == cm}
            for t in tasks.order_by("due_at")[:SUMMARY_ROWS]
        ],
        "risks": [
            {"kind": "crisis", "label": str(c), "since": c.reported_at.isoformat()}
            for c in crises[:SUMMARY_ROWS]
        ]
        + _flags(client_id),
        "appointments": [
            {
                "id": a.pk,
                "starts": a.starts_at.isoformat(),
                "mode": a.get_mode_display(),
                "purpose": a.purpose,
                "with": a.worker.full_name,
            }
            for a in appointments.order_by("starts_at")[:SUMMARY_ROWS]
        ],
        "referrals": _referrals(enrollment),
        "drafts": [
            {"id": n.pk, "type": n.get_note_type_display(), "service": n.service_at.isoformat()}
            for n in list(drafts)[:SUMMARY_ROWS]
        ],
    }


def _goals(enrollment: Enrollment) -> list[dict[str, Any]]:
    from casework.plans.models import Goal, ServicePlan

    plan = ServicePlan.objects.filter(enrollment_id=enrollment.pk).first()
    if plan is None or plan.latest is None:
        return []
    goals = Goal.objects.filter(version=plan.latest).order_by("id")[:SUMMARY_ROWS]
    return [
        {
            "text": g.client_words or g.measurable,
            "status": g.get_status_display(),
            "target": _day(g.target_date),
        }
        for g in goals
    ]


def _flags(client_id: int) -> list[dict[str, Any]]:
    from casework.assessments.queries import open_flags_for

    return [
        {
            "kind": "flag",
            "label": f"{f.label} ({f.get_severity_display().lower()})",
            "since": f.created_at.isoformat(),
        }
        for f in open_flags_for([client_id])[:SUMMARY_ROWS]
    ]


def _open_referrals(enrollment: Enrollment, by: int | None = None) -> Any:
    from casework.referrals.models import OPEN_STATUSES, Referral

    rows = Referral.objects.filter(
        client_id=enrollment.client_id,
        referring_program_id=enrollment.program_id,
        status__in=sorted(OPEN_STATUSES),
    )
    return rows.filter(referred_by_id=by) if by is not None else rows


def _referrals(enrollment: Enrollment) -> list[dict[str, Any]]:
    rows = _open_referrals(enrollment).select_related("service")
    return [
        {"id": r.pk, "to": str(r.service or r.pk), "status": r.get_status_display()}
        for r in rows.order_by("created_at")[:SUMMARY_ROWS]
    ]


# --- Who may do what -------------------------------------------------------------------------


def may_decide(user: Any, transfer: Transfer) -> bool:
    return transfer.is_pending and transfer.to_user_id == getattr(user, "pk", None)


def may_withdraw(user: Any, transfer: Transfer) -> bool:
    if not transfer.is_pending:
        return False
    return transfer.requested_by_id == getattr(user, "pk", None) or _supervises(user, transfer)


def _supervises(user: Any, transfer: Transfer) -> bool:
    return transfer.program_id in access_for(user).supervised_program_ids


def transfers_visible_to(user: Any) -> Any:
    """Transfers the user takes part in (receiver, sender, requester) or supervises."""
    uid = getattr(user, "pk", None)
    return Transfer.objects.filter(
        Q(to_user_id=uid)
        | Q(from_user_id=uid)
        | Q(requested_by_id=uid)
        | Q(program_id__in=access_for(user).supervised_program_ids)
    )


def access_transfer(user: Any, transfer_id: object, *, audit: bool = True) -> Transfer:
    """A transfer the user may see, its client through the client gate; else NotFound.
    Reads are audited as a view naming the client."""
    from casework.clients.permissions import access_client

    try:
        pk = int(str(transfer_id))
    except ValueError:
        raise NotFound("transfer") from None
    transfer = (
        transfers_visible_to(user)
        .filter(pk=pk)
        .select_related("program", "from_user", "to_user", "requested_by", "decided_by")
        .first()
    )
    if transfer is None:
        raise NotFound("transfer")
    transfer.client = access_client(user, transfer.client_id, audit=False)
    if audit:
        record(
            actor=user,
            action=AuditAction.VIEW,
            target_type="transfer",
            target_id=pk,
            client_id=transfer.client_id,
            organization_id=transfer.organization_id,
        )
    return transfer


# --- Steps -----------------------------------------------------------------------------------


def _audit(actor: Any, transfer: Transfer, action: str, **extra: Any) -> None:
    record(
        actor=actor,
        action=action,
        target_type="transfer",
        target_id=transfer.pk,
        client_id=transfer.client_id,
        organization_id=transfer.organization_id,
        **extra,
    )


def _url(transfer: Transfer) -> str:
    return reverse("web:transfer_detail", args=[transfer.pk])


@transaction.atomic
def transfer_request(
    *, actor: Any, enrollment: Enrollment, to: User | None, reason: str, note: str = ""
) -> Transfer:
    """Ask ``to`` to take over this enrollment; pending until they answer."""
    if not may_hand_over(actor, enrollment):
        raise PermissionDenied(
            "Only the client's case manager or a supervisor of the program can hand "
            "this client over."
        )
    if to is None:
        raise ValidationError({"to": "Choose who takes over."})
    if to.pk == enrollment.primary_case_manager_id:
        raise ValidationError({"to": f"{to} is already the case manager."})
    try:
        check_case_manager(enrollment.program, to)
    except ValidationError as error:
        raise ValidationError({"to": error.message_dict["primary_case_manager"]}) from None
    reason = _text(reason, "reason", "Say why the client is being handed over.")
    note = (note or "").strip()[:5000]
    transfer = Transfer(
        organization_id=enrollment.organization_id,
        client_id=enrollment.client_id,
        enrollment=enrollment,
        program_id=enrollment.program_id,
        from_user_id=enrollment.primary_case_manager_id,
        to_user=to,
        requested_by=actor,
        reason=reason,
        handoff_note=note,
        summary=transfer_summary(enrollment),
    )
    try:
        with transaction.atomic():
            transfer.save()
    except IntegrityError:
        raise Conflict("A transfer of this client in this program is already waiting.") from None
    _audit(
        actor,
        transfer,
        AuditAction.CREATE,
        details={"to": to.pk, "from": transfer.from_user_id, "reason": reason},
    )
    notify(
        recipients=[to],
        kind=KIND,
        title=f"A client transfer in {enrollment.program.name} waits for your answer",
        body="Read the transfer summary, then accept or decline.",
        url=_url(transfer),
    )
    return transfer


def _lock_pending(transfer: Transfer) -> Transfer:
    fresh = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if fresh.status != TransferStatus.PENDING:
        raise Conflict(f"This transfer is no longer waiting ({fresh.get_status_display()}).")
    return fresh


@transaction.atomic
def transfer_accept(*, actor: Any, transfer: Transfer) -> Transfer:
    """The receiver accepts: the assignment changes and what is open moves along."""
    if transfer.to_user_id != getattr(actor, "pk", None):
        raise PermissionDenied("Only the receiving case manager can accept this transfer.")
    fresh = _lock_pending(transfer)
    enrollment = Enrollment.objects.select_related("program").get(pk=fresh.enrollment_id)
    previous = enrollment_accept_handover(
        receiver=actor,
        enrollment=enrollment,
        requested_by=fresh.requested_by,
        expected_previous=fresh.from_user_id,
        reason=f"Transfer accepted: {fresh.reason}",
        transfer_id=fresh.pk,
    )
    moved = {"tasks": 0, "appointments": 0, "referrals": 0, "care_team": 0}
    if previous is not None:
        moved = _move_open_work(actor, fresh, enrollment, previous)
    fresh.status = TransferStatus.ACCEPTED
    fresh.decided_at = timezone.now()
    fresh.decided_by = actor
    fresh.moved = moved
    fresh.save(update_fields=["status", "decided_at", "decided_by", "moved"])
    _audit(
        actor,
        fresh,
        AuditAction.UPDATE,
        changes={"status": ["pending", "accepted"]},
        details={"moved": moved},
    )
    if fresh.requested_by_id not in (actor.pk, fresh.from_user_id):
        notify(
            recipients=[fresh.requested_by],
            kind=KIND,
            title=f"A client transfer in {enrollment.program.name} was accepted",
            url=_url(fresh),
        )
    return fresh


def _move_open_work(
    actor: Any, transfer: Transfer, enrollment: Enrollment, previous: User
) -> dict[str, int]:
    details = {"transfer": transfer.pk}
    tasks = Task.objects.filter(
        client_id=enrollment.client_id,
        program_id=enrollment.program_id,
        assignee_id=previous.pk,
        status=TaskStatus.OPEN,
    ).select_related("program")
    appointments = Appointment.objects.filter(
        client_id=enrollment.client_id,
        program_id=enrollment.program_id,
        worker_id=previous.pk,
        attendance=Attendance.SCHEDULED,
        starts_at__gte=timezone.now(),
    ).select_related("program")
    moved = {
        "tasks": tasks_reassign(actor=actor, tasks=tasks, assignee=actor, details=details),
        "appointments": appointments_reassign(
            actor=actor, appointments=appointments, worker=actor, details=details
        ),
        "referrals": 0,
        "care_team": 0,
    }
    for referral in _open_referrals(enrollment, by=previous.pk):
        referral.referred_by = actor
        save_versioned(referral, expected_version=referral.version, fields=["referred_by_id"])
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            target_type="referral",
            target_id=referral.pk,
            client_id=referral.client_id,
            organization_id=referral.organization_id,
            changes={"referred_by_id": [previous.pk, actor.pk]},
            details=details,
        )
        moved["referrals"] += 1
    members = CareTeamMember.objects.filter(
        client_id=enrollment.client_id,
        user_id=previous.pk,
        role=CareTeamRole.PRIMARY_CASE_MANAGER,
        ended_at__isnull=True,
    )
    for member in members:
        member.user = actor
        member.save(update_fields=["user"])
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            target_type="care_team_member",
            target_id=member.pk,
            client_id=member.client_id,
            organization_id=member.organization_id,
            changes={"user_id": [previous.pk, actor.pk]},
            details=details,
        )
        moved["care_team"] += 1
    return moved


@transaction.atomic
def transfer_decline(*, actor: Any, transfer: Transfer, reason: str) -> Transfer:
    """The receiver declines, saying why; nothing moves and the requester is told."""
    if transfer.to_user_id != getattr(actor, "pk", None):
        raise PermissionDenied("Only the receiving case manager can decline this transfer.")
    reason = _text(reason, "decline_reason", "Say why you decline, for the person who asked.")
    fresh = _lock_pending(transfer)
    fresh.status = TransferStatus.DECLINED
    fresh.decided_at = timezone.now()
    fresh.decided_by = actor
    fresh.decline_reason = reason
    fresh.save(update_fields=["status", "decided_at", "decided_by", "decline_reason"])
    _audit(
        actor,
        fresh,
        AuditAction.UPDATE,
        changes={"status": ["pending", "declined"]},
        details={"reason": reason},
    )
    notify(
        recipients={fresh.requested_by, *([fresh.from_user] if fresh.from_user else [])},
        kind=KIND,
        title=f"A client transfer in {fresh.program.name} was declined",
        body="The client stays with their case manager. Open the transfer to read why.",
        url=_url(fresh),
    )
    return fresh


@transaction.atomic
def transfer_withdraw(*, actor: Any, transfer: Transfer) -> Transfer:
    """The requester (or a supervisor) withdraws a transfer still waiting."""
    if not may_withdraw(actor, transfer):
        raise PermissionDenied("Only the person who asked, or a supervisor, can withdraw it.")
    fresh = _lock_pending(transfer)
    fresh.status = TransferStatus.CANCELLED
    fresh.decided_at = timezone.now()
    fresh.decided_by = actor
    fresh.save(update_fields=["status", "decided_at", "decided_by"])
    _audit(actor, fresh, AuditAction.UPDATE, changes={"status": ["pending", "cancelled"]})
    notify(
        recipients=[fresh.to_user],
        kind=KIND,
        title=f"A client transfer in {fresh.program.name} was withdrawn",
        url=_url(fresh),
    )
    return fresh
