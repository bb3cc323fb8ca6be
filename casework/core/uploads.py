"""Rules every uploaded document follows, through the web forms and the API alike."""

from __future__ import annotations

import secrets
from typing import IO

from django.conf import settings

# The file's first bytes decide its type, never its name or the client's Content-Type.
DOCUMENT_SIGNATURES = {
    b"%PDF-": "pdf",
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpg",
}
# The media type each kind is served as.
MEDIA_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}


def upload_limit() -> int:
    """Largest accepted upload: the request-body limit, so one rule covers every upload."""
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def document_kind(upload: IO[bytes]) -> str | None:
    """``pdf``, ``png`` or ``jpg`` from the file's signature; None for anything else."""
    head = upload.read(8)
    upload.seek(0)
    return next((kind for sig, kind in DOCUMENT_SIGNATURES.items() if head.startswith(sig)), None)


def random_name(kind: str) -> str:
    """A stored file's name: random, so that a client's name never lands in a path on disk."""
    return f"{secrets.token_hex(12)}.{kind}"
