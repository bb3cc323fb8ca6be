"""Optimistic concurrency over HTTP: ``ETag`` out, ``If-Match`` in (RFC 9110, RFC 6585).

Every versioned resource is answered with ``ETag: "<version>"``. A change must name the
version it was based on in ``If-Match``: without it the API answers 428, and with an old
one 412 (the service's conditional UPDATE settles races between two writers).
"""

from __future__ import annotations

from django.http import HttpResponse

from casework.core.concurrency import parse_etag
from casework.core.exceptions import PreconditionRequired, StaleVersion
from casework.core.models import VersionedModel


def require_if_match(if_match: str | None) -> int:
    """The version named by ``If-Match``; raises ``PreconditionRequired`` when it is absent.

    An unreadable value comes back as -1, which never matches, so it is answered 412.
    """
    version = parse_etag(if_match)
    if version is None:
        raise PreconditionRequired()
    return version


def check_version(instance: VersionedModel, expected: int) -> None:
    """Refuse a change based on an old version even if it would change nothing."""
    if instance.version != expected:
        raise StaleVersion(instance.version)


def set_etag(response: HttpResponse, instance: VersionedModel) -> None:
    response["ETag"] = instance.etag
