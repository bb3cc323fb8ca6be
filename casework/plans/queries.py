"""Plan deadlines for worklists and alerts (other apps call these with ids they gated).

* ``plan_reviews_due``: plans whose current signed version's review date has come (or
  comes within ``within_days``), with an ``overdue`` signal.
* ``ipe_deadlines``: plans with an IPE and its 90-day clock (34 CFR 361.45(e)) read from
  all their versions, alerting 30 and 10 days before the deadline until the IPE is signed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from casework.plans.models import PlanVersion, ServicePlan
from casework.plans.sections import plan_ipe_clock


def _latest_versions(plans: Any) -> list[PlanVersion]:
    latest = PlanVersion.objects.filter(plan=OuterRef("pk")).order_by("-number").values("pk")[:1]
    ids = plans.annotate(latest_id=Subquery(latest)).values_list("latest_id", flat=True)
    return list(PlanVersion.objects.filter(pk__in=list(ids)).select_related("plan"))


def plan_reviews_due(
    *,
    program_ids: Iterable[int] | None = None,
    client_ids: Iterable[int] | None = None,
    within_days: int = 0,
    on: datetime.date | None = None,
) -> list[dict[str, Any]]:
    """Plans due for review by ``on + within_days``, soonest first: ``plan_id``,
    ``client_id``, ``review_due``, ``overdue`` (past due on ``on``)."""
    today = on or timezone.localdate()
    plans = ServicePlan.objects.all()
    if program_ids is not None:
        plans = plans.filter(enrollment__program_id__in=list(program_ids))
    if client_ids is not None:
        plans = plans.filter(client_id__in=list(client_ids))
    horizon = today + datetime.timedelta(days=within_days)
    due = []
    for version in _latest_versions(plans):
        if version.signed_at is None or version.review_due is None:
            continue
        if version.review_due <= horizon:
            due.append(
                {
                    "plan_id": version.plan_id,
                    "client_id": version.plan.client_id,
                    "review_due": version.review_due,
                    "overdue": version.review_due < today,
                }
            )
    return sorted(due, key=lambda row: row["review_due"])


def plan_ipe_clocks(
    plans: Any, *, on: datetime.date | None = None
) -> dict[int, tuple[int, dict[str, Any]]]:
    """plan id -> (client id, the IPE clock read from all the plan's versions)."""
    today = on or timezone.localdate()
    rows = (
        PlanVersion.objects.filter(plan__in=plans, sections__has_key="ipe")
        .order_by("plan_id", "number")
        .values_list("plan_id", "plan__client_id", "sections__ipe", "signed_on", "signed_at")
    )
    versions: dict[int, list[tuple[Any, datetime.date | None]]] = {}
    clients: dict[int, int] = {}
    for plan_id, client_id, section, signed_on, signed_at in rows:
        clients[plan_id] = client_id
        versions.setdefault(plan_id, []).append(
            (section if isinstance(section, dict) else None, signed_on if signed_at else None)
        )
    clocks = {}
    for plan_id, history in versions.items():
        clock = plan_ipe_clock(history, today=today)
        if clock is not None:
            clocks[plan_id] = (clients[plan_id], clock)
    return clocks


def ipe_deadlines(
    *,
    program_ids: Iterable[int] | None = None,
    client_ids: Iterable[int] | None = None,
    on: datetime.date | None = None,
) -> list[dict[str, Any]]:
    """Every plan with an IPE: its clock read from all its versions (see
    ``sections.plan_ipe_clock``), soonest first."""
    plans = ServicePlan.objects.all()
    if program_ids is not None:
        plans = plans.filter(enrollment__program_id__in=list(program_ids))
    if client_ids is not None:
        plans = plans.filter(client_id__in=list(client_ids))
    rows = [
        {"plan_id": plan_id, "client_id": client_id} | clock
        for plan_id, (client_id, clock) in plan_ipe_clocks(plans, on=on).items()
    ]
    return sorted(rows, key=lambda row: row["deadline"])
