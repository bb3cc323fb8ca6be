"""Request-wide middleware: request ids for audit, and security headers."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse

from casework.core import context

# A caller's X-Request-ID is kept only when it is wholly of these characters (``fullmatch``:
# ``$`` would let a trailing newline through into logs and the audit trail).
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

# The web UI loads scripts and styles only from this server (USWDS, htmx, our own files).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)
# Swagger UI (bundled with django-ninja) needs inline styles and its own bootstrap script.
API_DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'; object-src 'none'"
)


def client_ip(request: HttpRequest) -> str | None:
    """The peer address, or the client behind ``CASEWORK_PROXY_COUNT`` trusted proxies."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Give every request an id (echoed as ``X-Request-ID``) and bind it for audit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        channel = "api" if request.path.startswith("/api/") else "web"
        ctx = context.RequestContext(
            request_id=request_id,
            ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", "")[:400],
            channel=channel,
            method=request.method or "",
        )
        request.request_id = request_id  # type: ignore[attr-defined]  # read by views/tests
        with context.bind(ctx):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class SecurityHeadersMiddleware:
    """Content-Security-Policy and no caching of pages that may hold client data."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/v1/docs"):
            response.setdefault("Content-Security-Policy", API_DOCS_CONTENT_SECURITY_POLICY)
        else:
            response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if not request.path.startswith(settings.STATIC_URL):
            response.setdefault("Cache-Control", "no-store")
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


_TOO_LARGE_PAGE = (
    "<!doctype html><html lang='en'><title>Too large</title><h1>Too large</h1>"
    "<p>What you sent is larger than this site accepts. Go back and send a smaller file, "
    "or split it into parts.</p>"
)


def too_large(request: HttpRequest) -> HttpResponse:
    """413 in the caller's language (problem+json for the API), closing the connection."""
    if request.path.startswith("/api/"):
        body = json.dumps(
            {
                "type": "about:blank",
                "title": "Content Too Large",
                "status": 413,
                "detail": "The request body is too large.",
                "errors": [
                    {
                        "field": "body",
                        "message": f"At most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes "
                        "are accepted.",
                    }
                ],
                "instance": request.path,
            }
        )
        response = HttpResponse(body, status=413, content_type="application/problem+json")
    else:
        response = HttpResponse(_TOO_LARGE_PAGE, status=413)
    response["Connection"] = "close"
    return response


class BodyLimitMiddleware:
    """Refuse an oversized request body with 413 before any view reads it.

    The declared ``Content-Length`` is checked first, so a large body is never read; a body
    that exceeds Django's limit as it is parsed (form fields, JSON) is refused the same way.
    Every 413 says ``Connection: close``: the rest of the body may still be in flight, and a
    server that kept the connection would read it as the next request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self._refuse(request)
        if refused is not None:
            return refused
        response = self.get_response(request)
        if response.status_code == 413:
            response["Connection"] = "close"
        return response

    def _refuse(self, request: HttpRequest) -> HttpResponse | None:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        content_type = request.content_type or ""
        limit = int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        # Files in a multipart body are limited by their own forms (``upload_limit``), not by
        # Django's field limit; the headroom covers the other fields and the part headers.
        ceiling = limit * 2 + 65536 if content_type == "multipart/form-data" else limit
        if length > ceiling:
            return too_large(request)
        try:
            if content_type != "multipart/form-data":
                request.body  # noqa: B018 - read (within the limit) so its limit answers 413
            elif not request.path.startswith("/api/"):
                # Web forms read only request.POST; the API may read the body itself, which
                # a multipart parse here would have consumed.
                request.POST  # noqa: B018
        except RequestDataTooBig:
            return too_large(request)
        return None
