"""Who is told about plan steps (through ``notifications.notify``)."""

from __future__ import annotations

import datetime
from typing import Any

from casework.accounts.models import Membership, Role
from casework.notifications.services import notify
from casework.plans.models import PlanVersion, ServicePlan


def tell_supervisors(plan: ServicePlan, version: PlanVersion) -> None:
    supervisors = [
        m.user
        for m in Membership.objects.active()
        .filter(program_id=plan.enrollment.program_id, role=Role.SUPERVISOR)
        .select_related("user")
    ]
    notify(
        recipients=supervisors,
        kind="plan_submitted",
        title="A service plan is waiting for your approval",
        body=f"Version {version.number} was submitted for approval.",
        url=f"/plans/{plan.pk}/",
        dedupe_key=f"plan-submitted-{version.pk}-{version.submitted_at:%Y%m%d%H%M%S}",
    )


def _case_managers(plan: ServicePlan) -> list[Any]:
    manager = plan.enrollment.primary_case_manager
    return [manager] if manager is not None else []


def deadline_sweep(*, on: datetime.date | None = None) -> int:
    """Tell each plan's primary case manager, once per threshold, that an IPE deadline is
    30 or 10 days away or has lapsed, and that a plan review is overdue. Safe to run daily."""
    from casework.plans.queries import ipe_deadlines, plan_reviews_due

    sent = 0
    for row in ipe_deadlines(on=on):
        if not row["alert"]:
            continue
        plan = ServicePlan.objects.select_related("enrollment__primary_case_manager").get(
            pk=row["plan_id"]
        )
        words = {"30_days": "is 30 days away", "10_days": "is 10 days away", "lapsed": "has passed"}
        sent += len(
            notify(
                recipients=_case_managers(plan),
                kind="ipe_deadline",
                level="urgent" if row["alert"] != "30_days" else "warning",
                title=f"An IPE deadline {words[row['alert']]}",
                body=f"The IPE is due by {row['deadline']:%b %-d, %Y} (34 CFR 361.45(e)).",
                url=f"/plans/{plan.pk}/",
                dedupe_key=f"ipe-{plan.pk}-{row['deadline']}-{row['alert']}",
            )
        )
    for row in plan_reviews_due(on=on):
        if not row["overdue"]:
            continue
        plan = ServicePlan.objects.select_related("enrollment__primary_case_manager").get(
            pk=row["plan_id"]
        )
        sent += len(
            notify(
                recipients=_case_managers(plan),
                kind="plan_review_overdue",
                level="warning",
                title="A service plan review is overdue",
                body=f"The review was due on {row['review_due']:%b %-d, %Y}.",
                url=f"/plans/{plan.pk}/",
                dedupe_key=f"plan-review-{plan.pk}-{row['review_due']}",
            )
        )
    return sent
