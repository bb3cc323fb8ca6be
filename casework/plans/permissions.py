"""The gate for service plans: through the client's gate; only the client's own staff.

Consent recipients (partners) see no plans yet: the consent notices that must go with a
disclosure are not built, so plans are not disclosed (missing and hidden: same NotFound).
"""

from __future__ import annotations

from typing import Any

from casework.assessments.permissions import STAFF_BASES
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.clients.models import Client
from casework.clients.permissions import access_client
from casework.core.exceptions import NotFound
from casework.plans.models import Goal, ServicePlan


def readable_plans(user: Any, client: Client) -> list[ServicePlan]:
    if getattr(client, "access_basis", None) not in STAFF_BASES:
        return []
    plans = list(
        ServicePlan.objects.filter(client_id=client.pk).select_related("enrollment__program")
    )
    record(
        actor=user,
        action=AuditAction.VIEW,
        target_type="service_plan_list",
        target_id=client.pk,
        client_id=client.pk,
        organization_id=client.organization_id,
        details={"plan_ids": [p.pk for p in plans]},
    )
    return plans


def access_plan(user: Any, plan_id: object, *, write: bool = False) -> ServicePlan:
    """A plan the user may read (audited as a view) or change; NotFound otherwise."""
    try:
        pk = int(str(plan_id))
    except ValueError:
        raise NotFound("plan") from None
    plan = (
        ServicePlan.objects.select_related("enrollment__program__plan_settings")
        .filter(pk=pk)
        .first()
    )
    if plan is None:
        raise NotFound("plan")
    client = access_client(user, plan.client_id, audit=False)
    if client.access_basis not in STAFF_BASES:
        raise NotFound("plan")
    if write:
        client = access_client(user, plan.client_id, write=True, audit=False)
    plan.client = client
    record(
        actor=user,
        action=AuditAction.VIEW,
        target_type="service_plan",
        target_id=pk,
        client_id=plan.client_id,
        organization_id=plan.organization_id,
    )
    return plan


def access_goal(user: Any, goal_id: object) -> Goal:
    """A goal of a plan the user may change (loaded through the plan's gate)."""
    try:
        pk = int(str(goal_id))
    except ValueError:
        raise NotFound("goal") from None
    goal = Goal.objects.select_related("version__plan").filter(pk=pk).first()
    if goal is None:
        raise NotFound("goal")
    goal.version.plan = access_plan(user, goal.version.plan_id, write=True)
    return goal
