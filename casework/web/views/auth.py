from typing import Any

from django.http import HttpRequest, HttpResponse


def lockout_response(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    return HttpResponse("Too many failed sign-ins. Try again later.", status=429)
