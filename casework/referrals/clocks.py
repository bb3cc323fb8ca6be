"""Response clocks: a sent referral not answered within N business days escalates, first to
the referring worker, then (after as many business days again) to the program's supervisors.

Business days skip Saturdays, Sundays and the public holidays of the agency's region
(``holidays`` package, ``CASEWORK_HOLIDAY_REGION``). N is the referring program's
:class:`ResponseClock`, else ``CASEWORK_REFERRAL_RESPONSE_DAYS`` (3). A sweep
(``referrals_escalate``, run by the background task) sends each notice once.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from casework.accounts.access import access_for
from casework.accounts.models import Membership, Program, Role, User
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.core.exceptions import NotFound, PermissionDenied
from casework.notifications.services import notify
from casework.referrals.models import Referral, ReferralQuerySet, ResponseClock, Status
from casework.referrals.permissions import referred_by_staff
from casework.resources.hours import holiday_name


def is_business_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and not holiday_name(day)


def add_business_days(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` business days after ``start`` (``start`` itself not counted)."""
    day = start
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_business_day(day):
            counted += 1
    return day


# Respond within 2, at most 14, business days: the answer times seen in the field (the lower
# bound is the code's own: a clock of 0 days would escalate every referral at once).
MIN_RESPONSE_DAYS, MAX_RESPONSE_DAYS = 1, 14


def visible_program(user: Any, program_id: object) -> Program:
    """A program the user works in or whose organization they see whole; else NotFound."""
    try:
        pk = int(str(program_id))
    except ValueError:
        raise NotFound("program") from None
    access = access_for(user)
    program = Program.objects.select_related("organization").filter(pk=pk).first()
    if program is None or not (
        program.pk in access.program_ids or program.organization_id in access.org_wide_org_ids
    ):
        raise NotFound("program")
    return program


def can_set_clock(user: Any, program: Program) -> bool:
    """Org admins of the program's organization and the program's own admins."""
    access = access_for(user)
    return program.organization_id in access.admin_org_ids or access.has_program_role(
        program.pk, Role.PROGRAM_ADMIN
    )


def clock_programs(user: Any) -> list[Program]:
    """Active programs whose response clock the user may set, by organization and name."""
    access = access_for(user)
    administered = [p for p, roles in access.program_roles.items() if Role.PROGRAM_ADMIN in roles]
    programs = Program.objects.filter(
        Q(pk__in=administered) | Q(organization_id__in=access.admin_org_ids), is_active=True
    )
    return list(programs.select_related("organization").order_by("organization__name", "name"))


def program_for_clock(user: Any, program_id: object) -> Program:
    """A program whose clock the user may set: NotFound when they do not see it, else
    PermissionDenied unless they administer it."""
    program = visible_program(user, program_id)
    if not can_set_clock(user, program):
        record(
            actor=user,
            action=AuditAction.DENIED,
            target_type="program",
            target_id=program.pk,
            organization_id=program.organization_id,
            details={"reason": "referral response clock not allowed"},
        )
        raise PermissionDenied(
            f"Only administrators set how long {program.name}'s referrals may wait."
        )
    return program


def response_clock_set(*, actor: Any, program: Program, business_days: Any) -> ResponseClock:
    """Set how many business days the program's referrals wait for an answer before the
    escalation sweep tells the referring worker (and, after as many again, supervisors)."""
    program = program_for_clock(actor, program.pk)
    try:
        days = int(str(business_days).strip())
    except ValueError:
        raise ValidationError({"business_days": "Enter a whole number of business days."}) from None
    if not MIN_RESPONSE_DAYS <= days <= MAX_RESPONSE_DAYS:
        raise ValidationError(
            {
                "business_days": f"Enter between {MIN_RESPONSE_DAYS} and {MAX_RESPONSE_DAYS} "
                "business days."
            }
        )
    before = response_days(program.pk)
    with transaction.atomic():
        clock, _created = ResponseClock.objects.update_or_create(
            program=program, defaults={"business_days": days}
        )
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            target_type="referral_response_clock",
            target_id=program.pk,
            organization_id=program.organization_id,
            changes={"business_days": [before, days]} if before != days else {},
        )
    return clock


def response_days(program_id: int) -> int:
    clock = ResponseClock.objects.filter(program_id=program_id).first()
    return clock.business_days if clock else settings.CASEWORK_REFERRAL_RESPONSE_DAYS


def due_level(referral: Referral, today: datetime.date) -> int:
    """0 while within the clock; 1 once N business days passed unanswered; 2 after 2N."""
    if referral.status != Status.REQUESTED or referral.requested_at is None:
        return 0
    sent = timezone.localtime(referral.requested_at).date()
    days = response_days(referral.referring_program_id)
    if today > add_business_days(sent, 2 * days):
        return 2
    return 1 if today > add_business_days(sent, days) else 0


def _supervisors(referral: Referral) -> list[User]:
    roles = Membership.objects.active().filter(
        program_id=referral.referring_program_id, role=Role.SUPERVISOR
    )
    return list(User.objects.filter(memberships__in=roles).distinct())


def _escalate(referral: Referral, level: int) -> None:
    url = reverse("web:referral_detail", kwargs={"pk": referral.pk})
    recipients = [referral.referred_by] if level == 1 else _supervisors(referral)
    with transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(escalation_level=level)
        notify(
            recipients=recipients,
            kind="referral_overdue",
            title=f"Referral {referral.pk}: no answer from {referral.recipient_organization}",
            url=url,
            level="warning",
            dedupe_key=f"referral-{referral.pk}-escalation-{level}",
        )
        record(
            actor=None,
            action=AuditAction.UPDATE,
            target_type="referral",
            target_id=referral.pk,
            client_id=referral.client_id,
            organization_id=referral.organization_id,
            changes={"escalation_level": [referral.escalation_level, level]},
            actor_label="referral response clock",
        )


def referrals_escalate(*, today: datetime.date | None = None) -> int:
    """Escalate every unanswered referral whose clock ran out; returns how many moved up."""
    today = today or timezone.localdate()
    if not is_business_day(today):
        return 0
    moved = 0
    waiting = Referral.objects.filter(status=Status.REQUESTED, escalation_level__lt=2)
    for referral in waiting.select_related("recipient_organization", "referred_by"):
        level = due_level(referral, today)
        for step in range(referral.escalation_level + 1, level + 1):
            _escalate(referral, step)
            referral.escalation_level = step
            moved += 1
    return moved


def overdue_for(user: Any) -> ReferralQuerySet:
    """The user's sent referrals whose response clock ran out (escalated at least once)."""
    return (
        referred_by_staff(user)
        .filter(referred_by=user, status=Status.REQUESTED, escalation_level__gte=1)
        .select_related("client", "service", "recipient_organization")
    )


def referrals_waiting_on(user: Any) -> ReferralQuerySet:
    """Referrals waiting on ``user`` (for worklists).

    For staff: their own sent referrals that need them: overdue ones (no answer), and those
    the receiving side rejected, failed or completed since (to read the outcome and close
    the loop in the plan). For the receiving side: referrals sent to them still unanswered.
    """
    from django.db.models import Q

    from casework.referrals.permissions import received_by

    mine = (
        referred_by_staff(user)
        .filter(referred_by=user)
        .filter(
            Q(status=Status.REQUESTED, escalation_level__gte=1)
            | Q(status__in=[Status.REJECTED, Status.FAILED], closed_at__gte=_recent())
        )
    )
    inbox = received_by(user).filter(status=Status.REQUESTED)
    return (mine | inbox).distinct()


def _recent() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=14)
