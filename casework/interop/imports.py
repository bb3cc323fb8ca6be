"""HSDS imports from the upload page: stored, run by a background task, progress recorded.

The uploaded file is kept under ``CASEWORK_VAR_DIR/hsds-imports/`` only until its import
finishes (it is directory data, not client data); the :class:`ImportRun` row keeps the
counts and every located problem for the status page.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from casework.interop.hsds import import_path
from casework.resources.curation import check_curator
from casework.resources.models import ImportRun

SUFFIXES = (".zip", ".json")


def _folder() -> Path:
    folder = Path(settings.VAR_DIR) / "hsds-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def import_run_start(*, actor: Any, upload: Any) -> ImportRun:
    """Store the upload and queue its import; the caller shows the run's status page."""
    check_curator(actor)
    suffix = Path(str(upload.name)).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError("Upload a .zip of the CSV data package, or an HSDS .json file.")
    token = secrets.token_urlsafe(16)
    path = _folder() / f"{token}{suffix}"
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    run = ImportRun.objects.create(token=token, started_by=actor, file_name=str(upload.name)[:255])
    from casework.interop.tasks import hsds_import_task

    transaction.on_commit(lambda: hsds_import_task.enqueue(run.pk))
    return run


def import_run_execute(run_id: int) -> ImportRun:
    """Run a queued import (the task body); records progress, counts and problems."""
    run = ImportRun.objects.get(pk=run_id)
    path = next(_folder().glob(f"{run.token}.*"), None)
    if path is None:
        run.state, run.errors = ImportRun.State.FAILED, [{"message": "The upload is gone."}]
        run.save(update_fields=["state", "errors"])
        return run
    ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.State.RUNNING)

    def progress(percent: int) -> None:
        ImportRun.objects.filter(pk=run.pk).update(progress=percent)

    try:
        result = import_path(path, actor=run.started_by, progress=progress)
    finally:
        path.unlink(missing_ok=True)
    run.refresh_from_db()
    run.state = ImportRun.State.DONE if result.ok else ImportRun.State.FAILED
    run.progress = 100
    run.counts = result.counts
    run.errors = [p.__dict__ for p in result.problems[:500]]
    run.finished_at = timezone.now()
    run.save(update_fields=["state", "progress", "counts", "errors", "finished_at"])
    return run
