"""Error pages in the site's look. They never show a stack trace or internal detail."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

_PAGES = {
    400: ("Bad request", "The page could not understand what was sent. Go back and try again."),
    403: (
        "Not allowed",
        "Your role does not allow this. If you need it for your work, ask your administrator.",
    ),
    404: (
        "Page not found",
        "There is no page here, or you do not have access to it. Check the address, "
        "or search for the client from the client list.",
    ),
    500: (
        "Something went wrong",
        "We could not finish that. Nothing you saved before is lost. Try again in a minute; "
        "if it keeps happening, tell your administrator the time it happened.",
    ),
}


def _error(request: HttpRequest, status: int) -> HttpResponse:
    title, message = _PAGES[status]
    context = {"status": status, "title": title, "message": message}
    return render(request, "web/error.html", context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        return _error(request, 500)
    except Exception:  # the database may be what failed; still answer plainly
        title, message = _PAGES[500]
        body = f"<!doctype html><html lang='en'><title>{title}</title><h1>{title}</h1><p>{message}"
        return HttpResponse(body, status=500)
