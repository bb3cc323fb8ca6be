"""Worklist kinds that come from other apps: open risk flags (assessments), plan reviews and
IPE deadlines (plans), referrals waiting on the user (referrals).

Each app offers a query function for other apps (``*.queries`` / ``referrals.clocks``);
this module turns their rows into worklist items. The worklist keeps only items about
clients the user may see, so the queries may be given the user's caseload ids directly.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from casework.caseload.models import Severity
from casework.caseload.worklist import WorklistContext, WorklistItem

FLAG_SEVERITY = {"low": Severity.LOW, "moderate": Severity.MODERATE, "high": Severity.HIGH}
PLAN_REVIEW_WITHIN_DAYS = 14


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59)))


def flag_items(ctx: WorklistContext) -> Iterator[WorklistItem]:
    """Open moderate and high risk flags of the user's clients."""
    from casework.assessments.queries import open_flags_for

    for flag in open_flags_for(list(ctx.caseload), min_severity="moderate")[:100]:
        yield WorklistItem(
            kind="risk_flag",
            kind_label="Open risk flag",
            severity=FLAG_SEVERITY.get(flag.severity, Severity.MODERATE),
            title=flag.label[:200],
            reason=f"{flag.get_severity_display()} risk flag raised "
            f"{timezone.localtime(flag.created_at):%b %-d}; review it and record what was done",
            action_url=f"/clients/{flag.client_id}/flags/",
            action_label="Review the flag",
            object_id=flag.pk,
            due_at=None,
            client_id=flag.client_id,
            program_id=ctx.caseload.get(flag.client_id),
        )


def plan_review_items(ctx: WorklistContext) -> Iterator[WorklistItem]:
    """Service plans of the user's clients due for review within two weeks (or overdue)."""
    from casework.plans.queries import plan_reviews_due

    today = timezone.localdate(ctx.now)
    rows = plan_reviews_due(client_ids=list(ctx.caseload), within_days=PLAN_REVIEW_WITHIN_DAYS)
    for row in rows[:100]:
        due: datetime.date = row["review_due"]
        days = (due - today).days
        when = f"overdue by {-days} days" if days < 0 else f"due in {days} days ({due:%b %-d})"
        yield WorklistItem(
            kind="plan_review",
            kind_label="Plan review due",
            severity=Severity.HIGH if row["overdue"] else Severity.MODERATE,
            title="Review the service plan",
            reason=f"Plan review {when}",
            action_url=f"/clients/{row['client_id']}/",
            action_label="Open the client",
            object_id=row["plan_id"],
            due_at=_end_of(due),
            client_id=row["client_id"],
            program_id=ctx.caseload.get(row["client_id"]),
        )


def ipe_items(ctx: WorklistContext) -> Iterator[WorklistItem]:
    """Unsigned IPEs of the user's clients within 30 days of their 90-day deadline."""
    from casework.plans.queries import ipe_deadlines

    for row in ipe_deadlines(client_ids=list(ctx.caseload))[:100]:
        if not row.get("alert"):
            continue
        left = row["days_left"]
        lapsed = left < 0
        yield WorklistItem(
            kind="ipe_deadline",
            kind_label="IPE deadline",
            severity=Severity.HIGH if lapsed or left <= 10 else Severity.MODERATE,
            title="Complete and sign the IPE",
            reason=(
                f"The 90-day IPE deadline passed {-left} days ago ({row['deadline']:%b %-d})"
                if lapsed
                else f"{left} days left to the IPE deadline ({row['deadline']:%b %-d}); "
                "34 CFR 361.45(e) allows 90 days from eligibility"
            ),
            action_url=f"/clients/{row['client_id']}/",
            action_label="Open the client",
            object_id=row["plan_id"],
            due_at=_end_of(row["deadline"]),
            client_id=row["client_id"],
            program_id=ctx.caseload.get(row["client_id"]),
        )


REFERRAL_REASONS = {
    "requested": "No answer yet from the receiving service",
    "rejected": "The receiving service declined; choose another service",
    "failed": "The service could not be delivered; decide the next step",
}


def referral_items(ctx: WorklistContext) -> Iterator[WorklistItem]:
    """Referrals waiting on the user: overdue answers, declined or failed ones, and the inbox."""
    from casework.referrals.clocks import referrals_waiting_on

    rows: Any = referrals_waiting_on(ctx.user).order_by("created_at")[:100]
    for referral in rows:
        status = str(referral.status)
        mine = referral.referred_by_id == ctx.user.pk
        reason = REFERRAL_REASONS.get(status, "Waiting on you")
        if not mine:
            reason = "A referral sent to your program waits for an answer"
        yield WorklistItem(
            kind="referral_waiting",
            kind_label="Referral waiting",
            severity=Severity.MODERATE,
            title=f"Referral {referral.pk}",
            reason=reason,
            action_url=f"/referrals/{referral.pk}/",
            action_label="Open the referral",
            object_id=referral.pk,
            due_at=None,
            # The receiving side may not see the client's record: its item names no client.
            client_id=referral.client_id if mine else None,
            program_id=ctx.caseload.get(referral.client_id) if mine else None,
        )


def worklist_items(ctx: WorklistContext) -> Iterator[WorklistItem]:
    """Every kind above (the worklist's plug-in entry point)."""
    for source in (flag_items, plan_review_items, ipe_items, referral_items):
        yield from source(ctx)
