"""Background work of interop: HSDS imports started from the upload page."""

from __future__ import annotations

from django_tasks import task

from casework.interop.imports import import_run_execute


@task()
def hsds_import_task(run_id: int) -> str:
    return import_run_execute(run_id).state
