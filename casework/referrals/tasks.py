"""Background work: the referral response-clock sweep."""

from __future__ import annotations

from django_tasks import task

from casework.referrals.clocks import referrals_escalate


@task()
def referrals_escalate_task() -> int:
    """Run every business morning by the scheduler (cron: ``casework referrals-escalate``)."""
    return referrals_escalate()
