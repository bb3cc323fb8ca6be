"""Who is told about plan steps (through ``notifications.notify``)."""

from __future__ import annotations

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
