"""The one mapping of domain errors to HTTP for web pages (the API has its own, in
``casework.api.problems``): a view calls a gate or service and lets these propagate.

``NotFound`` (missing *or* hidden) becomes the 404 page and ``PermissionDenied`` (visible
but not allowed) the 403 page, exactly as Django's own ``Http404`` and ``PermissionDenied``
would; views no longer wrap each gate in its own ``try``/``except``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.views.defaults import page_not_found, permission_denied

from casework.core import exceptions as domain


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, domain.NotFound):
            return _handler(404)(request, Http404("Not found."))
        if isinstance(exception, domain.PermissionDenied):
            return _handler(403)(request, PermissionDenied(str(exception)))
        return None


def _handler(status: int) -> Callable[..., HttpResponse]:
    """The project's handler404/handler403 (the site's error pages), as Django resolves it."""
    from django.urls import get_resolver

    view: Callable[..., HttpResponse] | None = get_resolver().resolve_error_handler(status)
    fallback = page_not_found if status == 404 else permission_denied
    return view or fallback
