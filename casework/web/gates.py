"""Domain gates translated to HTTP: hidden or missing is 404, visible but not allowed is 403."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from casework.accounts.access import access_for
from casework.accounts.models import User
from casework.clients.models import Client
from casework.clients.permissions import access_client


def signed_in_user(request: HttpRequest) -> User:
    """``request.user`` in a view behind ``login_required``, typed as the real user."""
    user = request.user
    assert isinstance(user, User)  # login_required ran first
    return user


def load_client(
    user: Any, client_id: object, *, write: bool = False, audit: bool = True, page: str = ""
) -> Client:
    """``access_client`` for a page; its ``NotFound``/``PermissionDenied`` become the 404/403
    pages in one place (``casework.web.middleware``), like every other gate's."""
    return access_client(user, client_id, write=write, audit=audit, page=page)


def audit_org_ids(user: Any) -> frozenset[int]:
    """Organizations whose audit trail the user may read (auditors and org admins); else 403."""
    org_ids = access_for(user).org_wide_org_ids
    if not org_ids:
        raise PermissionDenied("Only auditors and organization admins can see the audit trail.")
    return org_ids
