"""Who is calling: a personal API token (``Authorization: Bearer``) or the web session.

Both are ninja auth callbacks, tried in order on every operation (``API_AUTH``):

* :class:`BearerToken` checks the token through ``accounts.services.api_token_authenticate``
  (which audits refusals and, throttled, uses). A bad token is refused outright with 401;
  it never falls through to the session. A read-only token is refused (403) on any
  unsafe method before the operation runs.
* :class:`SessionCsrf` accepts a signed-in web session. Unsafe methods must carry the CSRF
  token (``X-CSRFToken``), because a browser sends the session cookie on its own.

An anonymous caller gets 401 from ninja once both return nothing.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.middleware.csrf import CsrfViewMiddleware
from ninja.security import APIKeyCookie, HttpBearer

from casework.accounts.models import ApiToken
from casework.accounts.services import api_token_authenticate
from casework.api.problems import TokenRefused
from casework.core.exceptions import PermissionDenied

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Tokens are ``cw_`` plus URL-safe base64; anything else is refused without touching the
# database (and without putting control characters into the audit trail).
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>`` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        token = token.strip()
        found = api_token_authenticate(token) if _TOKEN_SHAPE.match(token) else None
        if found is None:
            raise TokenRefused()
        if found.read_only and request.method not in SAFE_METHODS:
            raise PermissionDenied("This API token is read-only.")
        request.user = found.user
        request.casework_token = found  # type: ignore[attr-defined]  # read by /me and middleware
        return found.user


class _CsrfCheck(CsrfViewMiddleware):
    """Django's CSRF check, answering a refusal without rendering the HTML failure page."""

    def _reject(self, request: HttpRequest, reason: str) -> HttpResponse:
        return HttpResponseForbidden(reason)


def csrf_refusal(request: HttpRequest) -> str | None:
    """Why Django's CSRF check refuses ``request``, or None when it passes."""
    check = _CsrfCheck(lambda _request: HttpResponse())
    request.csrf_processing_done = False  # type: ignore[attr-defined]  # re-run the check
    check.process_request(request)
    refused = check.process_view(request, _no_view, (), {})
    return refused.content.decode() if refused is not None else None


def _no_view(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
    return HttpResponse()


class SessionCsrf(APIKeyCookie):
    """The signed-in web session; CSRF-checked on unsafe methods (as Django forms are)."""

    def __init__(self) -> None:
        # From the settings (CASEWORK_* may rename the cookie), so the schema names the real one.
        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        # Django's own check (it also honours the test client's opt-out of CSRF checks).
        if request.method not in SAFE_METHODS and csrf_refusal(request) is not None:
            raise PermissionDenied(
                "CSRF check failed: send the CSRF cookie's value in the X-CSRFToken header."
            )
        return user


def request_token(request: HttpRequest) -> ApiToken | None:
    """The API token this request came with, or None for a session."""
    return getattr(request, "casework_token", None)


API_AUTH = [BearerToken(), SessionCsrf()]
