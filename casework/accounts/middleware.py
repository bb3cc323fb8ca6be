"""Session lifetime and two-factor enforcement for signed-in web sessions."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from casework.accounts.twofactor import two_factor_required

# Pages a signed-in user can reach before finishing two-factor sign-in.
_TWO_FACTOR_EXEMPT_PREFIXES = (
    "/account/two-factor/",
    "/logout/",
    "/static/",
    "/healthz",
    "/readyz",
)
LOGIN_AT_KEY = "casework_login_at"
DEVICE_KEY = "casework_2fa_device"


def _to_login(request: HttpRequest, *, expired: bool) -> HttpResponse:
    query = {"expired": "1"} if expired else {}
    if request.method == "GET":
        query["next"] = request.get_full_path()
    url = resolve_url(settings.LOGIN_URL) + ("?" + urlencode(query) if query else "")
    if request.headers.get("HX-Request"):
        # htmx would swap the sign-in page into a fragment; make it load the whole page.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class SessionLifetimeMiddleware:
    """End sessions older than ``CASEWORK_SESSION_ABSOLUTE_HOURS`` (ASVS 7.3.2).

    The idle timeout (7.3.1) is the session cookie age, renewed at most once a minute. When a
    request brings a session cookie whose session is gone (idle timeout), the redirect to
    sign in says so with ``?expired=1``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(LOGIN_AT_KEY)
            limit = timedelta(hours=settings.SESSION_ABSOLUTE_HOURS)
            if started and timezone.now() - datetime.fromisoformat(started) > limit:
                logout(request)
                return _to_login(request, expired=True)
            _touch(request)
            return self.get_response(request)
        ended = settings.SESSION_COOKIE_NAME in request.COOKIES and request.session.is_empty()
        response = self.get_response(request)
        if response.status_code == 302:
            return _mark_login_redirect(request, response, expired=ended)
        return response


SEEN_AT_KEY = "casework_seen_at"
TOUCH_EVERY_SECONDS = 60


def _touch(request: HttpRequest) -> None:
    """Slide the idle timeout: re-save the session (and its expiry) at most once a minute.

    Saving on every request would write the session row on every page and API call; the
    idle limit then holds to within a minute.
    """
    now = int(time.time())
    if now - int(request.session.get(SEEN_AT_KEY, 0)) >= TOUCH_EVERY_SECONDS:
        request.session[SEEN_AT_KEY] = now


def _mark_login_redirect(
    request: HttpRequest, response: HttpResponse, *, expired: bool
) -> HttpResponse:
    """Say why an anonymous request was sent to sign in, and leave htmx fragments whole."""
    location = response.get("Location", "")
    if not location.startswith(resolve_url(settings.LOGIN_URL)):
        return response
    if expired and "expired=" not in location:
        location += ("&" if "?" in location else "?") + "expired=1"
        response["Location"] = location
    if request.headers.get("HX-Request"):
        swapped = HttpResponse(status=204)
        swapped["HX-Redirect"] = location
        return swapped
    return response


class TwoFactorRequiredMiddleware:
    """Hold a signed-in user at the two-factor page until they verify a code.

    That is everyone with a confirmed authenticator (remembered in the session at sign-in)
    and everyone whose role their organization requires two-factor for; the verify page
    sends the latter on to set-up when they have no authenticator yet.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_TWO_FACTOR_EXEMPT_PREFIXES)
            and not getattr(request, "casework_token", None)
            and not user.is_verified()
            and (request.session.get(DEVICE_KEY) or two_factor_required(user))
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "type": "about:blank",
                        "title": "Two-factor sign-in required",
                        "status": 403,
                        "detail": "Finish two-factor sign-in in the web UI first.",
                        "instance": request.path,
                        "errors": [],
                    },
                    status=403,
                    content_type="application/problem+json",
                )
            target = reverse("web:two_factor")
            if request.method == "GET" and request.path != "/":
                target += "?" + urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(target)
        return self.get_response(request)
