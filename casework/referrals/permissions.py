"""Who reaches a referral, and on which side.

- The **referring side**: staff of the referring program (case managers, supervisors,
  intake workers, program admins) and the referring agency's org admins; its auditors read.
- The **receiving side**: users with the partner role in the recipient organization, or,
  for a referral between programs, the staff of the recipient program. Drafts are not sent,
  so the receiving side never sees them.

Everyone else gets the same :class:`NotFound` as for a referral that does not exist, and the
attempt is audited. The partner inbox shows only referrals sent to the partner's
organization, and of the client only what a consent in force releases to it (``shared``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q

from casework.accounts.access import access_for
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.core.exceptions import NotFound, PermissionDenied
from casework.referrals.models import Referral, ReferralQuerySet, Side, Status


def _referrer_q(access: Any) -> Q:
    return Q(referring_program_id__in=access.program_ids) | Q(
        organization_id__in=access.org_wide_org_ids
    )


def _receiver_q(access: Any) -> Q:
    return (
        Q(recipient_organization_id__in=access.partner_org_ids, recipient_program__isnull=True)
        | Q(recipient_program_id__in=access.program_ids)
    ) & ~Q(status=Status.DRAFT)


def visible_to(user: Any) -> ReferralQuerySet:
    """Referrals the user reaches from either side."""
    access = access_for(user)
    if not access.organization_ids:
        return Referral.objects.none()
    return Referral.objects.filter(_referrer_q(access) | _receiver_q(access))


def received_by(user: Any) -> ReferralQuerySet:
    """Referrals the user answers (the partner inbox)."""
    access = access_for(user)
    if not access.organization_ids:
        return Referral.objects.none()
    return Referral.objects.filter(_receiver_q(access))


def sides_of(user: Any, referral: Referral) -> frozenset[str]:
    """The sides on which the user may *act* on the referral (auditors: none)."""
    access = access_for(user)
    sides = set()
    if access.can_write_in_program(referral.referring_program_id, referral.organization_id):
        sides.add(Side.REFERRER)
    if referral.status != Status.DRAFT and (
        (referral.recipient_program_id is None
         and referral.recipient_organization_id in access.partner_org_ids)
        or (referral.recipient_program_id is not None
            and referral.recipient_program_id in access.write_program_ids)
    ):  # fmt: skip
        sides.add(Side.RECEIVER)
    return frozenset(sides)


def referred_by_staff(user: Any) -> ReferralQuerySet:
    """Referrals the user reaches from the referring side."""
    access = access_for(user)
    if not access.organization_ids:
        return Referral.objects.none()
    return Referral.objects.filter(_referrer_q(access))


def access_referral(
    user: Any, referral_id: object, *, write: bool = False, side: str = ""
) -> Referral:
    """Load a referral the user reaches; ``referral.sides`` holds the sides they act on.

    With ``side``, only from that side (the partner pages pass ``receiver``, the agency's
    pages ``referrer``). NotFound for missing and hidden alike (audited as denied);
    PermissionDenied when the user sees it but, with ``write``, may act on no side.
    """
    try:
        pk = int(str(referral_id))
    except ValueError:
        raise NotFound("referral") from None
    scopes: dict[str, Callable[[Any], ReferralQuerySet]] = {
        Side.REFERRER: referred_by_staff,
        Side.RECEIVER: received_by,
    }
    scope = scopes.get(side, visible_to)
    referral = (
        scope(user)
        .select_related("client", "service", "recipient_organization", "referring_program")
        .select_related("recipient_program", "referred_by", "consent")
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        record(
            actor=user,
            action=AuditAction.DENIED,
            target_type="referral",
            target_id=pk,
            details={"reason": "not visible"},
        )
        raise NotFound("referral")
    referral.sides = sides_of(user, referral)
    if write and not referral.sides:
        raise PermissionDenied("You can read this referral but not act on it.")
    record(
        actor=user,
        action=AuditAction.VIEW,
        target_type="referral",
        target_id=pk,
        client_id=referral.client_id,
        organization_id=referral.organization_id,
        details={"sides": sorted(referral.sides)},
    )
    return referral
