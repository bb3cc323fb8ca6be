"""Every web page answers out-of-range input with 400/404, never a 500 (issue 9).

Ids beyond the 64-bit range in the URL, dates at the end of the calendar (which overflow
once a day is added), huge page numbers and ids in every query parameter a filter form
reads. Refused ids are still audited.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from casework.audit.models import AuditAction, AuditEvent
from tests.security.conftest import World, signed_in
from tests.security.routes import OBJECT_ROUTES, SELF_SCOPED

HUGE = 2**64
LAST_DAY = "9999-12-31"
QUERY = {
    "page": str(10**30),
    "date_from": LAST_DAY,
    "date_to": LAST_DAY,
    "date_of_birth": LAST_DAY,
    "since": LAST_DAY,
    "until": LAST_DAY,
    "client": str(HUGE),
    "program": str(HUGE),
    "user": "x" * 300,
    "q": "x" * 300,
    "page_size": str(10**30),
}
VIEWERS = {"audit_list": "org_admin", "audit_export": "org_admin", "duplicate_queue": "org_admin"}


def _huge_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: HUGE if isinstance(v, int) else v for k, v in kwargs.items()}


@pytest.mark.parametrize(
    "route", [r for r in OBJECT_ROUTES if "get" in r.methods], ids=lambda r: r.name
)
def test_ids_beyond_64_bits_get_404(route: Any, world: World, request: Any) -> None:
    kwargs = _huge_kwargs(route.kwargs(world))
    if kwargs == route.kwargs(world):
        pytest.skip("no integer id in this URL")
    owner = request.getfixturevalue(route.owner)
    since = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = signed_in(owner).get(reverse(f"web:{route.name}", kwargs=kwargs))
    assert response.status_code == 404, (route.name, response.status_code)
    assert b"<html" in response.content.lower()  # the site's own page, not a bare error
    assert AuditEvent.objects.filter(
        pk__gt=since, actor=owner, action=AuditAction.DENIED
    ).exists(), route.name


@pytest.mark.parametrize(
    "route", [r for r in OBJECT_ROUTES if "get" in r.methods], ids=lambda r: r.name
)
def test_object_pages_survive_extreme_query_values(route: Any, world: World, request: Any) -> None:
    owner = request.getfixturevalue(route.owner)
    url = reverse(f"web:{route.name}", kwargs=route.kwargs(world))
    response = signed_in(owner).get(url, QUERY)
    assert response.status_code < 500, (route.name, response.status_code)


@pytest.mark.parametrize("name", sorted(SELF_SCOPED))
def test_list_pages_survive_extreme_query_values(name: str, world: World, request: Any) -> None:
    kwargs = {"kind": "ce"} if name == "workforce_entry_add" else {}
    viewer = request.getfixturevalue(VIEWERS.get(name, "cm_health"))
    response = signed_in(viewer).get(reverse(f"web:{name}", kwargs=kwargs), QUERY)
    assert response.status_code in (200, 302, 400, 403, 404, 405), (name, response.status_code)
