"""Out-of-range ids in page URLs: the site's 404 page, and the refusal audited.

Django's ``<int:...>`` converter accepts any run of digits; an id past the 64-bit range
then overflows in the database driver (a 500 on SQLite, a DataError on PostgreSQL). Every
page URL is checked here, once, before its view runs: such an id names nothing, so the
answer is the normal 404 page, like any missing record, and the attempt is audited like
any refused one. The JSON API bounds its ids in its own types.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.core.db import MAX_ID


class IdRangeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: dict[str, Any]
    ) -> None:
        for name, value in kwargs.items():
            if isinstance(value, int) and not -MAX_ID <= value <= MAX_ID:
                match = getattr(request, "resolver_match", None)
                record(
                    actor=getattr(request, "user", None),
                    action=AuditAction.DENIED,
                    target_type=(match.url_name if match else "") or "page",
                    target_id=str(value)[:64],
                    details={"reason": "id out of range", "parameter": name},
                )
                raise Http404("No such record.")
