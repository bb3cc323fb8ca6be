"""Previous/next paging without COUNT(*): fetch one row more than a page to know if more exist.

Counting a million visible clients (or audit rows) on every page view costs more than the
page itself; people page through results a few screens at most, so prev/next is enough.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

MAX_PAGE = 10_000


@dataclass(frozen=True)
class Page:
    items: Sequence[Any]
    number: int
    size: int
    has_next: bool
    param: str = "page"

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.items else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.size + len(self.items)


def page_number(request: HttpRequest, param: str = "page") -> int:
    raw = request.GET.get(param, "1")
    number = int(raw) if raw.isdigit() else 1
    return min(max(number, 1), MAX_PAGE)


def paginate(
    request: HttpRequest, queryset: QuerySet[Any], *, size: int, param: str = "page"
) -> Page:
    number = page_number(request, param)
    offset = (number - 1) * size
    rows = list(queryset[offset : offset + size + 1])
    return Page(items=rows[:size], number=number, size=size, has_next=len(rows) > size, param=param)
