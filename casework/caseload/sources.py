"""Worklist kinds that come from other apps: open risk flags (assessments), plan reviews, IPE
and discharge deadlines (plans), planned exits (enrollments), referrals waiting on the user
(referrals).

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


DISCHARGE_WITHIN_DAYS = 14
FOLLOW_UP_DAYS = 7  # the discharge plan's follow-up visit, as the plan page checks it
EXIT_WITHIN_DAYS = 14


def _discharge_sections(client_ids: list[int]) -> Iterator[tuple[Any, dict[str, Any]]]:
    """(plan version, discharge section) of the latest version of each plan that has one."""
    from django.db.models import OuterRef, Subquery

    from casework.plans.models import PlanVersion, ServicePlan

    latest = PlanVersion.objects.filter(plan=OuterRef("pk")).order_by("-number").values("pk")[:1]
    ids = (
        ServicePlan.objects.filter(client_id__in=client_ids)
        .annotate(latest_id=Subquery(latest))
        .values_list("latest_id", flat=True)
    )
    versions = PlanVersion.objects.filter(pk__in=list(ids)).select_related("plan")
    for version in versions:
        section = (version.sections or {}).get("discharge")
        if section:
            yield version, section


def _date(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def discharge_items(ctx: WorklistContext) -> Iterator[WorklistItem]:
    """Discharge deadlines of the user's clients, from their plans' discharge sections:
    a discharge planned within two weeks (or passed without being recorded) while the plan
    still lacks something, and a recorded discharge whose follow-up within 7 days is not
    booked in time."""
    from casework.plans.sections import discharge_checks

    today = timezone.localdate(ctx.now)
    for version, section in _discharge_sections(list(ctx.caseload)):
        client_id = version.plan.client_id
        planned = _date(section.get("anticipated_date"))
        left = _date(section.get("discharged_on"))
        follow = _date(section.get("follow_up_date"))
        missing = discharge_checks(section)
        common = {
            "kind": "discharge_deadline",
            "kind_label": "Discharge deadline",
            "action_url": f"/plans/{version.plan_id}/sections/discharge/",
            "action_label": "Open the discharge plan",
            "object_id": version.plan_id,
            "client_id": client_id,
            "program_id": ctx.caseload.get(client_id),
        }
        if left is None and planned is not None:
            days = (planned - today).days
            if days > DISCHARGE_WITHIN_DAYS:
                continue
            if days < 0:
                reason = (
                    f"Discharge was planned for {planned:%b %-d} ({-days} days ago) and is "
                    "not recorded: record the date or change the plan"
                )
            elif not missing:
                continue
            else:
                when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
                reason = f"Discharge planned {when} ({planned:%b %-d}); still to do: " + " ".join(
                    missing
                )
            yield WorklistItem(
                severity=Severity.HIGH if days <= 2 else Severity.MODERATE,
                title="Get the discharge plan ready",
                reason=reason,
                due_at=_end_of(planned),
                **common,
            )
        elif left is not None:
            due = left + datetime.timedelta(days=FOLLOW_UP_DAYS)
            late = follow is not None and follow > due
            if (follow is not None and not late) or (today - left).days > 30:
                continue
            reason = (
                f"Discharged {left:%b %-d}; the follow-up is booked for {follow:%b %-d}, "
                f"later than the {FOLLOW_UP_DAYS} days the plan allows (by {due:%b %-d})"
                if late and follow is not None
                else f"Discharged {left:%b %-d}; book the follow-up within {FOLLOW_UP_DAYS} "
                f"days (by {due:%b %-d})"
            )
            yield WorklistItem(
                severity=Severity.HIGH if due <= today else Severity.MODERATE,
                title="Book the follow-up after discharge",
                reason=reason,
                due_at=_end_of(due),
                **common,
            )


def exit_items(ctx: WorklistContext) -> Iterator[WorklistItem]:
    """The user's open enrollments whose planned exit date is within two weeks or passed."""
    from casework.clients.models import Enrollment

    today = timezone.localdate(ctx.now)
    rows = (
        Enrollment.objects.open()
        .filter(
            primary_case_manager_id=ctx.user.pk,
            client_id__in=list(ctx.caseload),
            end_date__isnull=False,
            end_date__lte=today + datetime.timedelta(days=EXIT_WITHIN_DAYS),
        )
        .select_related("program")
    )
    for enrollment in rows.order_by("end_date")[:100]:
        end = enrollment.end_date
        assert end is not None  # filtered above
        days = (end - today).days
        reason = (
            f"The planned exit from {enrollment.program.name} was {end:%b %-d} ({-days} days "
            "ago) and the enrollment is still open: close it or change the date"
            if days < 0
            else f"Planned exit from {enrollment.program.name} "
            f"{'today' if days == 0 else f'in {days} day' + ('s' if days != 1 else '')} "
            f"({end:%b %-d}): plan the discharge and close the enrollment"
        )
        yield WorklistItem(
            kind="enrollment_exit",
            kind_label="Planned exit",
            severity=Severity.HIGH if days < 0 else Severity.MODERATE,
            title="Prepare the exit",
            reason=reason,
            action_url=f"/enrollments/{enrollment.pk}/transition/",
            action_label="Close or change",
            object_id=enrollment.pk,
            due_at=_end_of(end),
            client_id=enrollment.client_id,
            program_id=enrollment.program_id,
        )


def worklist_items(ctx: WorklistContext) -> Iterator[WorklistItem]:
    """Every kind above (the worklist's plug-in entry point)."""
    for source in (
        flag_items,
        plan_review_items,
        ipe_items,
        discharge_items,
        exit_items,
        referral_items,
    ):
        yield from source(ctx)
