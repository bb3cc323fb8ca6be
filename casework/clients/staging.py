"""Uploaded import files waiting between the preview and the confirmation.

A staged file holds people's names, dates of birth and often SSNs, so it is kept encrypted
with the field key under ``MEDIA_ROOT/imports/``, readable only by its uploader, deleted as
soon as it is imported or cancelled, and swept (``casework sweep-imports``, and on every new
upload) once it is older than :data:`STAGE_HOURS`. Beside it a small JSON status (no
personal data) records the uploader, the program, the file name and, after the import, the
ids created.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from casework.core import crypto

# An abandoned preview is deleted after this long; so is the status page of a finished one.
STAGE_HOURS = 24
_TOKEN_BYTES = 24
_SUFFIXES = (".csv.enc", ".json", ".plan.enc")


@dataclass(frozen=True, slots=True)
class StagedImport:
    token: str
    status: dict[str, Any]
    data_path: Path
    status_path: Path

    def read(self) -> bytes:
        """The uploaded bytes; OSError when the file is gone (imported, cancelled or swept)."""
        return crypto.decrypt_bytes(self.data_path.read_bytes())

    def save_status(self, **changes: Any) -> None:
        self.status.update(changes)
        _write(self.status_path, json.dumps(self.status).encode())

    @property
    def plan_path(self) -> Path:
        return self.data_path.with_name(self.token + _SUFFIXES[2])

    def save_plan(self, data: bytes) -> None:
        """Keep the checked preview (encrypted: it holds the file's people)."""
        _write(self.plan_path, crypto.encrypt_bytes(data))

    def read_plan(self) -> bytes | None:
        """The stored preview, or None if there is none (staged before previews were kept)."""
        try:
            return crypto.decrypt_bytes(self.plan_path.read_bytes())
        except FileNotFoundError:
            return None

    def drop_data(self) -> None:
        self.data_path.unlink(missing_ok=True)
        self.plan_path.unlink(missing_ok=True)

    def discard(self) -> None:
        self.drop_data()
        self.status_path.unlink(missing_ok=True)


def folder() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _paths(token: str) -> tuple[Path, Path] | None:
    if len(token) != _TOKEN_BYTES * 2 or not all(c in "0123456789abcdef" for c in token):
        return None
    return folder() / f"{token}{_SUFFIXES[0]}", folder() / f"{token}{_SUFFIXES[1]}"


def _write(path: Path, data: bytes) -> None:
    """Write then rename, so a reader never sees half a file."""
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    partial.replace(path)


def stage(*, user_id: int, program_id: int, filename: str, raw: bytes) -> StagedImport:
    """Keep an upload for its preview; sweeps abandoned ones first."""
    sweep()
    token = secrets.token_hex(_TOKEN_BYTES)
    paths = _paths(token)
    assert paths is not None  # a fresh token has the right shape
    data_path, status_path = paths
    _write(data_path, crypto.encrypt_bytes(raw))
    staged = StagedImport(token, {}, data_path, status_path)
    staged.save_status(
        user_id=user_id,
        program_id=program_id,
        filename=filename[:200],
        state="previewed",
        uploaded_at=timezone.now().isoformat(),
        created=[],
    )
    return staged


def load(*, user_id: int, token: str) -> StagedImport | None:
    """The user's own staged import, or None (unknown, expired, or someone else's)."""
    paths = _paths(token)
    if paths is None:
        return None
    data_path, status_path = paths
    try:
        status = json.loads(status_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if status.get("user_id") != user_id:
        return None
    return StagedImport(token, status, data_path, status_path)


def sweep(*, older_than_hours: float = STAGE_HOURS) -> int:
    """Delete staged files and statuses older than ``older_than_hours``; how many went."""
    cutoff = time.time() - older_than_hours * 3600
    removed = 0
    for path in folder().iterdir():
        if not path.name.endswith((*_SUFFIXES, ".part")):
            continue
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue  # another process swept it first
    return removed
