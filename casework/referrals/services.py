"""Every change to a referral: create and send, move along the lifecycle, schedule, message.

House style: keyword-only, one transaction, an audit row in it, notifications on commit.
The caller loads the referral through :func:`casework.referrals.permissions.access_referral`
(which sets ``referral.sides``) and the client through the client gate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from casework.accounts.models import Membership, Program, Role, User
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.clients.models import Client, Consent, ConsentCategory
from casework.clients.permissions import can_write_client
from casework.core.concurrency import save_versioned
from casework.core.exceptions import PermissionDenied
from casework.notifications.services import notify
from casework.referrals.lifecycle import REASON_REQUIRED, TRANSITIONS, allowed
from casework.referrals.models import (
    Attachment,
    Message,
    Referral,
    Side,
    Status,
    StatusChange,
    Urgency,
)
from casework.resources.models import Service, ServiceStatus


@dataclass(frozen=True)
class Outcome:
    """What the receiving side reports when it completes (or fails) a referral."""

    service_delivered: bool | None = None
    enrolled: bool | None = None
    note: str = ""


def covering_consent(
    client: Client, *, organization_id: int, program_id: int | None, categories: Iterable[str]
) -> Consent | None:
    """The consent in force from ``client`` that releases every one of ``categories`` to the
    recipient (the organization as a whole, or the named program); None if there is none."""
    wanted = set(categories)
    consents = (
        Consent.objects.in_force()
        .filter(client_id=client.pk)
        .to_recipient(organization_ids=[organization_id], program_ids=[program_id or 0])
        .select_related("recipient_organization", "recipient_program")
        .order_by("-effective_date", "-pk")
    )
    return next((c for c in consents if wanted <= set(c.categories or [])), None)


def _recipient(service: Service | None, recipient_program: Program | None) -> tuple[int, str]:
    """The receiving organization's id and a label, or a ValidationError naming the field."""
    if recipient_program is not None:
        return recipient_program.organization_id, str(recipient_program)
    if service is None:
        raise ValidationError({"service": "Choose a service, or a program of the agency."})
    if service.status != ServiceStatus.ACTIVE:
        raise ValidationError({"service": f"{service.name} is {service.status}."})
    org = service.organization
    if org is None or org.casework_organization_id is None:
        raise ValidationError(
            {
                "service": (
                    f"{org or 'This organization'} does not receive referrals in Casework yet; "
                    "a directory curator can link it to a partner organization."
                )
            }
        )
    return org.casework_organization_id, str(org)


def _check_consent(
    client: Client, organization_id: int, program_id: int | None, label: str, shared: list[str]
) -> Consent:
    unknown = set(shared) - set(ConsentCategory.values)
    if unknown:
        raise ValidationError({"shared_categories": f"Unknown categories: {sorted(unknown)}."})
    consent = covering_consent(
        client, organization_id=organization_id, program_id=program_id, categories=shared
    )
    if consent is None:
        names = ", ".join(ConsentCategory(c).label for c in shared)
        raise ValidationError(
            {
                "shared_categories": (
                    f"No consent in force from this client lets you share {names} with "
                    f"{label}. Record the client's consent first, or share less."
                )
            }
        )
    return consent


def referral_create(
    *,
    actor: Any,
    client: Client,
    program: Program,
    reason: str,
    service: Service | None = None,
    recipient_program: Program | None = None,
    urgency: str = Urgency.ROUTINE,
    need_category: str = "",
    need: str = "",
    shared_categories: Iterable[str] = (ConsentCategory.GENERAL,),
    due_date: date | None = None,
    attachments: Iterable[Any] = (),
    send: bool = True,
    intervention_key: Any = None,
) -> Referral:
    """Create a referral (and send it, unless ``send`` is false: then it stays a draft).

    The actor must be able to change the client in ``program``. The information shared
    (``shared_categories``, always including the client's identity) must be released to
    the recipient by a consent in force; otherwise a ValidationError names the gap.
    """
    if not (
        can_write_client(actor, client)
        and Membership.objects.filter(user=actor).exists()
        and program.organization_id == client.organization_id
    ):
        raise PermissionDenied("You cannot refer this client from that program.")
    if intervention_key and not _intervention_of(client, intervention_key):
        raise ValidationError({"intervention": "No such intervention in this client's plan."})
    shared = sorted({ConsentCategory.GENERAL, *shared_categories})
    organization_id, label = _recipient(service, recipient_program)
    consent = _check_consent(
        client, organization_id, recipient_program.pk if recipient_program else None, label, shared
    )
    referral = Referral(
        client=client,
        organization_id=client.organization_id,
        referring_program=program,
        referred_by=actor,
        service=service,
        recipient_organization_id=organization_id,
        recipient_program=recipient_program,
        need_category=need_category,
        plan_intervention_key=intervention_key or None,
        need=need[:300],
        reason=reason.strip(),
        urgency=urgency,
        shared_categories=shared,
        consent=consent,
        due_date=due_date,
    )
    referral.full_clean()
    with transaction.atomic():
        referral.save()
        _history(referral, "", Status.DRAFT, Side.REFERRER, actor, "", "web")
        for upload in attachments:
            Attachment.objects.create(
                referral=referral, file=upload, name=upload.name[:200], uploaded_by=actor
            )
        record(
            actor=actor,
            action=AuditAction.CREATE,
            target_type="referral",
            target_id=referral.pk,
            client_id=client.pk,
            organization_id=client.organization_id,
            details={"to": label, "shared": shared, "consent": consent.pk},
        )
    if send:
        referral.sides = frozenset({Side.REFERRER})
        referral = referral_transition(actor=actor, referral=referral, to=Status.REQUESTED)
    return referral


def _intervention_of(client: Client, key: Any) -> bool:
    from casework.plans.models import Intervention

    try:
        return Intervention.objects.filter(key=key, goal__version__plan__client=client).exists()
    except ValidationError:  # not a UUID
        return False


def _history(
    referral: Referral, old: str, new: str, side: str, actor: Any, reason: str, source: str
) -> None:
    StatusChange.objects.create(
        referral=referral,
        from_status=old,
        to_status=new,
        side=side,
        reason=reason,
        changed_by=actor if isinstance(actor, User) else None,
        source=source,
    )


def _acting_side(referral: Referral, to: str) -> str:
    """The side of the caller that may make this move (PermissionDenied when none can)."""
    if to not in TRANSITIONS:
        raise ValidationError({"status": f"{to!r} is not a referral status."})
    for side in (Side.RECEIVER, Side.REFERRER):
        if side in referral.sides and allowed(referral.status, to, side):
            return side
    may = TRANSITIONS[referral.status].get(to)
    if may is None:
        raise ValidationError(
            {"status": f"A {Status(referral.status).label.lower()} referral cannot become {to}."}
        )
    who = " or ".join(Side(s).label.lower() for s in sorted(may))
    raise PermissionDenied(f"Only the {who} can mark a referral {to}.")


def _stamp(referral: Referral, to: str, now: datetime, outcome: Outcome | None) -> list[str]:
    fields = ["status", "status_reason"]
    if to == Status.REQUESTED:
        referral.requested_at = now
        fields.append("requested_at")
    if referral.responded_at is None and to in (Status.ACCEPTED, Status.REJECTED):
        referral.responded_at = now
        fields.append("responded_at")
    if to == Status.ACCEPTED:
        referral.accepted_at = now
        fields.append("accepted_at")
    if set(TRANSITIONS.get(to, {})) <= {Status.ENTERED_IN_ERROR}:
        referral.closed_at = now
        fields.append("closed_at")
    if outcome is not None and to in (Status.COMPLETED, Status.FAILED):
        referral.service_delivered = outcome.service_delivered
        referral.enrolled = outcome.enrolled
        referral.outcome_note = outcome.note.strip()
        fields += ["service_delivered", "enrolled", "outcome_note"]
    return fields


def referral_transition(
    *,
    actor: Any,
    referral: Referral,
    to: str,
    reason: str = "",
    outcome: Outcome | None = None,
    expected_version: int | None = None,
    source: str = "web",
) -> Referral:
    """Move the referral to ``to``, if the lifecycle allows it from the actor's side.

    Rejecting and cancelling need a reason. Completing or failing takes the ``outcome``.
    Raises ValidationError (not a move the lifecycle has, or no reason), PermissionDenied
    (the other side's move) or StaleVersion (someone changed it first).
    """
    side = _acting_side(referral, to)
    reason = reason.strip()
    if to in REASON_REQUIRED and not reason:
        raise ValidationError({"reason": f"Say why the referral is {to}."})
    old = referral.status
    referral.status = to
    referral.status_reason = reason
    fields = _stamp(referral, to, timezone.now(), outcome)
    with transaction.atomic():
        save_versioned(
            referral,
            expected_version=expected_version if expected_version is not None else referral.version,
            fields=fields,
        )
        _history(referral, old, to, side, actor, reason, source)
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            target_type="referral",
            target_id=referral.pk,
            client_id=referral.client_id,
            organization_id=referral.organization_id,
            changes={"status": [old, to]},
            details={"side": side, "reason": reason, "source": source},
        )
        _tell_other_side(referral, side, f"Referral {Status(to).label.lower()}")
    return referral


def referral_schedule(*, actor: Any, referral: Referral, when: datetime) -> Referral:
    """The receiving side sets the client's first appointment."""
    if Side.RECEIVER not in referral.sides:
        raise PermissionDenied("Only the receiving side schedules the appointment.")
    if referral.status not in (Status.ACCEPTED, Status.IN_PROGRESS, Status.ON_HOLD):
        raise ValidationError({"scheduled_for": "Accept the referral before scheduling."})
    old = referral.scheduled_for
    referral.scheduled_for = when
    with transaction.atomic():
        save_versioned(referral, expected_version=referral.version, fields=["scheduled_for"])
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            target_type="referral",
            target_id=referral.pk,
            client_id=referral.client_id,
            organization_id=referral.organization_id,
            changes={"scheduled_for": [old.isoformat() if old else None, when.isoformat()]},
        )
        local = timezone.localtime(when).strftime("%a %d %b %Y, %H:%M")
        _tell_other_side(referral, Side.RECEIVER, f"Appointment set for {local}")
    return referral


def referral_message_post(*, actor: Any, referral: Referral, body: str) -> Message:
    """Add a message to the thread between the two sides; audited, the other side told."""
    text = body.strip()
    if not text:
        raise ValidationError({"body": "Write a message."})
    if not referral.sides:
        raise PermissionDenied("Only the two sides of a referral can write on it.")
    side = Side.RECEIVER if Side.RECEIVER in referral.sides else Side.REFERRER
    with transaction.atomic():
        message = Message.objects.create(referral=referral, author=actor, side=side, body=text)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            target_type="referral_message",
            target_id=message.pk,
            client_id=referral.client_id,
            organization_id=referral.organization_id,
            details={"referral": referral.pk, "side": side},
        )
        _tell_other_side(referral, side, "New message on a referral")
    return message


def _receivers(referral: Referral) -> list[User]:
    if referral.recipient_program_id:
        roles = Membership.objects.active().filter(program_id=referral.recipient_program_id)
    else:
        roles = Membership.objects.active().filter(
            organization_id=referral.recipient_organization_id, role=Role.PARTNER
        )
    return list(User.objects.filter(memberships__in=roles).distinct())


def _tell_other_side(referral: Referral, side: str, title: str) -> None:
    """Notify the other side. Notifications are emailed, so they carry no client details
    and no free text: the reader follows the link and passes the gate."""
    if side == Side.RECEIVER:
        recipients: list[User] = [referral.referred_by]
        url = reverse("web:referral_detail", kwargs={"pk": referral.pk})
    else:
        recipients = _receivers(referral)
        url = reverse("web:partner_referral", kwargs={"pk": referral.pk})
    notify(
        recipients=recipients,
        kind="referral",
        title=f"{title}: referral {referral.pk}",
        url=url,
    )


def attachment_open(*, actor: Any, referral: Referral, attachment_id: int) -> tuple[Any, str]:
    """A document sent with the referral, for either side; audited as an export.

    The receiving side gets it only while a consent still covers the referral's sharing.
    NotFound when it is not this referral's (or the consent no longer covers it).
    """
    from casework.core.exceptions import NotFound

    attachment = referral.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound("attachment")
    if (
        Side.REFERRER not in referral.sides
        and covering_consent(
            referral.client,
            organization_id=referral.recipient_organization_id,
            program_id=referral.recipient_program_id,
            categories=referral.shared_categories,
        )
        is None
    ):
        raise NotFound("attachment")
    record(
        actor=actor,
        action=AuditAction.EXPORT,
        target_type="referral_attachment",
        target_id=attachment.pk,
        client_id=referral.client_id,
        organization_id=referral.organization_id,
        details={"referral": referral.pk},
    )
    return attachment.file.open("rb"), attachment.name
