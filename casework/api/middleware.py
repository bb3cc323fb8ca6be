"""A shorter middleware chain for API calls that carry a bearer token.

A call with ``Authorization: Bearer`` is judged by its token alone (``api.auth``): it never
uses the session, the CSRF cookie, django-otp's verified state, the lockout of web sign-in
(django-axes), flash messages or htmx. Running those for every token call cost about a
sixth of the time an audited API read takes, so :class:`TokenRequestMiddleware`, first in
``MIDDLEWARE``, hands such calls to a handler built from ``CASEWORK_TOKEN_MIDDLEWARE``
instead: request id and audit context, and the same security headers as every response.
Everything else, including API calls with a session, goes down the full chain.

The short handler is Django's own ``BaseHandler`` over another middleware list, so URL
resolution, view middleware, exception handling and response logging are Django's.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.module_loading import import_string

API_PREFIX = "/api/"


def is_token_call(request: HttpRequest) -> bool:
    """Whether ``request`` is an API call that presents a bearer token."""
    return (
        request.path_info.startswith(API_PREFIX)
        and request.META.get("HTTP_AUTHORIZATION", "")[:7].lower() == "bearer "
    )


class _TokenHandler(BaseHandler):
    """``BaseHandler`` whose chain is ``CASEWORK_TOKEN_MIDDLEWARE`` (synchronous only).

    ``BaseHandler.load_middleware`` reads ``MIDDLEWARE`` itself; this is the same loop for
    another list of new-style synchronous middleware, the only kind Casework uses.
    """

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware: list[Callable[..., HttpResponse | None]] = []
        self._template_response_middleware: list[Callable[..., HttpResponse]] = []
        self._exception_middleware: list[Callable[..., HttpResponse | None]] = []
        handler = convert_exception_to_response(self._get_response)  # type: ignore[attr-defined]
        for path in reversed(settings.CASEWORK_TOKEN_MIDDLEWARE):
            middleware = import_string(path)(handler)
            if hasattr(middleware, "process_view"):
                self._view_middleware.insert(0, middleware.process_view)
            if hasattr(middleware, "process_template_response"):
                self._template_response_middleware.append(middleware.process_template_response)
            if hasattr(middleware, "process_exception"):
                self._exception_middleware.append(middleware.process_exception)
            handler = convert_exception_to_response(middleware)
        self._middleware_chain = handler


class TokenRequestMiddleware:
    """Send bearer-token API calls down the short chain; everything else down the full one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.token_handler = _TokenHandler()
        self.token_handler.load_middleware()

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not is_token_call(request):
            return self.get_response(request)
        # Nobody is signed in until the token says who: no session is read for a token call.
        request.user = AnonymousUser()
        return self.token_handler.get_response(request)
