"""Page-number pagination shared by every list endpoint.

``?page=1&page_size=50`` (``page_size`` at most ``settings.CASEWORK_API_PAGE_MAX``) gives
``{count, page, page_size, next, previous, results}``; ``next``/``previous`` are absolute
URLs with the same filters, or null.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Schema
from pydantic import Field

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 50
MAX_PAGE = 1_000_000
# settings.CASEWORK_API_PAGE_MAX, as the schema declares it (a test keeps the two equal).
PAGE_SIZE_MAX = 200


class PageParams(Schema):
    """Mixed into each list's filter schema."""

    page: int = Field(1, ge=1, le=MAX_PAGE, description="1-based page number.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE,
        ge=1,
        description="Rows per page, at most the server's CASEWORK_API_PAGE_MAX (200).",
        # Declared for clients; ``paginate`` enforces the setting (a larger value is a 422).
        json_schema_extra={"maximum": PAGE_SIZE_MAX},
    )


class Page(Schema, Generic[T]):
    count: int
    page: int
    page_size: int
    next: str | None
    previous: str | None
    results: list[T]


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def _refuse_unknown_parameters(request: HttpRequest, params: PageParams) -> None:
    # A misspelt filter (``?stauts=closed``) would otherwise be ignored and return everything.
    unknown = sorted(set(request.GET) - set(type(params).model_fields))
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "Unknown query parameter."))


def paginate(request: HttpRequest, queryset: QuerySet[Any], params: PageParams) -> dict[str, Any]:
    """One page of ``queryset`` (evaluated) with its envelope; ``results`` is a list of rows.

    ``params`` is the list's filter schema; query parameters it does not define are refused.
    """
    _refuse_unknown_parameters(request, params)
    limit = settings.CASEWORK_API_PAGE_MAX
    if params.page_size > limit:
        raise ValidationError({"page_size": f"Ensure this value is at most {limit}."})
    count = queryset.count()
    start = (params.page - 1) * params.page_size
    rows = list(queryset[start : start + params.page_size]) if start < count else []
    return {
        "count": count,
        "page": params.page,
        "page_size": params.page_size,
        "next": _page_url(request, params.page + 1) if start + params.page_size < count else None,
        "previous": _page_url(request, params.page - 1) if params.page > 1 else None,
        "results": rows,
    }
