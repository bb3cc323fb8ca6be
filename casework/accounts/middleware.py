"""Session lifetime and two-factor enforcement for signed-in web sessions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
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


class SessionLifetimeMiddleware:
    """End sessions older than ``CASEWORK_SESSION_ABSOLUTE_HOURS`` (ASVS 7.3.2).

    The idle timeout (7.3.1) is the session cookie age, renewed on every request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get("casework_login_at")
            limit = timedelta(hours=settings.SESSION_ABSOLUTE_HOURS)
            if started and timezone.now() - datetime.fromisoformat(started) > limit:
                logout(request)
                return HttpResponseRedirect(reverse("web:login") + "?expired=1")
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Send users whose role requires two-factor sign-in to set it up or verify it first."""

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
            and two_factor_required(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "type": "about:blank",
                        "title": "Two-factor sign-in required",
                        "status": 403,
                        "detail": "Finish two-factor sign-in in the web UI first.",
                    },
                    status=403,
                    content_type="application/problem+json",
                )
            return HttpResponseRedirect(reverse("web:two_factor"))
        return self.get_response(request)
