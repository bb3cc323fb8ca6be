"""Background work: the daily credential-expiry sweep and competency review reminders."""

from __future__ import annotations

from django_tasks import task

from casework.workforce.development.queries import reviews_due_sweep
from casework.workforce.services import credentials_sweep


@task()
def credentials_sweep_task() -> int:
    """Run by a scheduler (cron: `casework credentials sweep`) or enqueued once a day."""
    return credentials_sweep()


@task()
def reviews_due_sweep_task() -> int:
    """Reminders of competency reviews due soon or overdue (also run by the cron sweep)."""
    return reviews_due_sweep()
