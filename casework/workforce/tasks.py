"""Background work: the daily credential-expiry sweep."""

from __future__ import annotations

from django_tasks import task

from casework.workforce.services import credentials_sweep


@task()
def credentials_sweep_task() -> int:
    """Run by a scheduler (cron: `casework credentials sweep`) or enqueued once a day."""
    return credentials_sweep()
