"""Audit coverage as an inventory (issue 9): every page and API operation that shows client
data writes a read audit row naming the client, and the rest show none.

Each GET route is called by someone who may see the world's client (the route's owner, or
``VIEWERS``); the answer is searched for the client's family name. An "audited read" must
write a read row (view, list, search, export, reveal) by that caller naming the client (or a
read of the audit trail); a "no client data" route must not carry the name at all.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse

from casework.audit.models import AuditAction, AuditEvent
from tests.security.audit_inventory import (
    API_AUDITED_READS,
    API_NO_CLIENT_DATA,
    KNOWN_GAPS,
    WEB_AUDITED_READS,
    WEB_CLIENT_PAGE_PARTIALS,
    WEB_NO_CLIENT_DATA,
    WEB_OWN_MESSAGES,
)
from tests.security.conftest import FAMILY, SECRET_STREET, World, signed_in
from tests.security.routes import OBJECT_ROUTES, web_route_names
from tests.security.test_api_authorization import OWNERS, Api, _fill, operations

READS = frozenset(
    {
        AuditAction.VIEW,
        AuditAction.LIST,
        AuditAction.SEARCH,
        AuditAction.EXPORT,
        AuditAction.REVEAL,
    }
)
# Distinctive values of the world's client: its name, its insurance member id, its street.
CLIENT_MARKERS = (FAMILY, "MCD-77123", SECRET_STREET)
# Who reads the self-scoped pages (default: the client's case manager).
VIEWERS = {
    "audit_list": "org_admin",
    "notifications": "cm_health",
    "billing_export": "org_admin",
    "team_caseloads": "sup_health",
    "readmission_report": "sup_health",
    "/reports/readmissions": "sup_health",
    "audit_export": "org_admin",
    "duplicate_queue": "org_admin",
    "/audit-events": "org_admin",
}
WEB_KWARGS = {"workforce_entry_add": {"kind": "ce"}}


def test_every_web_route_is_in_the_audit_inventory() -> None:
    both = WEB_AUDITED_READS & WEB_NO_CLIENT_DATA
    known = WEB_AUDITED_READS | WEB_NO_CLIENT_DATA | WEB_OWN_MESSAGES | WEB_CLIENT_PAGE_PARTIALS
    unknown = sorted(set(web_route_names()) - known)
    assert both == set()
    assert unknown == [], f"classify in tests/security/audit_inventory.py: {unknown}"


def test_every_api_read_is_in_the_audit_inventory() -> None:
    gets = {p for m, p in operations() if m == "get"}
    unknown = sorted(gets - API_AUDITED_READS - API_NO_CLIENT_DATA)
    assert set() == API_AUDITED_READS & API_NO_CLIENT_DATA
    assert unknown == [], f"classify in tests/security/audit_inventory.py: {unknown}"


def _body(response: Any) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8", "replace")


def _read_rows(actor: Any, since: int, client_id: int) -> list[AuditEvent]:
    rows = AuditEvent.objects.filter(pk__gt=since, actor=actor, action__in=READS)
    return [
        row
        for row in rows
        if row.client_id == client_id
        or client_id in (row.details or {}).get("client_ids", [])
        or row.target_type in ("audit_trail", "audit_event_list")
    ]


def _check(name: str, audited: bool, viewer: Any, call: Any, world: World) -> None:
    """Whatever shows the client's data must be classified an audited read and have
    written a read row naming the client; a "no client data" route must show none."""
    since = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = call()
    assert response.status_code < 500, (name, response.status_code)
    if not any(marker in _body(response) for marker in CLIENT_MARKERS):
        return
    assert audited, f"{name} shows client data: audit it and list it as an audited read"
    assert _read_rows(viewer, since, world.client.pk), f"{name}: no read audit row"


def _web_cases() -> list[tuple[str, str, dict[str, Any]]]:
    owners = {r.name: r for r in OBJECT_ROUTES if "get" in r.methods}
    cases = []
    for name in sorted(WEB_AUDITED_READS | WEB_NO_CLIENT_DATA):  # partials/messages: by design
        route = owners.get(name)
        cases.append((name, route.owner if route else VIEWERS.get(name, "cm_health"), {}))
    return cases


@pytest.mark.parametrize(("name", "viewer", "_x"), _web_cases(), ids=lambda v: str(v))
def test_web_reads_of_client_data_are_audited(
    name: str, viewer: str, _x: Any, world: World, request: pytest.FixtureRequest
) -> None:
    route = next((r for r in OBJECT_ROUTES if r.name == name), None)
    if route is not None and "get" not in route.methods:
        pytest.skip("POST only: a change, audited by its service")
    kwargs = route.kwargs(world) if route else WEB_KWARGS.get(name, {})
    try:
        url = reverse(f"web:{name}", kwargs=kwargs)
    except NoReverseMatch:
        pytest.skip("needs a one-time link (password reset)")
    if name in KNOWN_GAPS:
        request.applymarker(pytest.mark.xfail(strict=True, reason="shows data, no read audit"))
    user = request.getfixturevalue(viewer)
    http = signed_in(user)
    _check(name, name in WEB_AUDITED_READS, user, lambda: http.get(url), world)


API_GETS = sorted(p for m, p in operations() if m == "get")


@pytest.mark.parametrize("path", API_GETS)
def test_api_reads_of_client_data_are_audited(
    path: str, world: World, request: pytest.FixtureRequest
) -> None:
    viewer = request.getfixturevalue(OWNERS.get(path, VIEWERS.get(path, "cm_health")))
    api = Api(viewer)
    if "{code}" in path:
        path_filled = path.replace("{code}", "phq9")
        _check(path, path in API_AUDITED_READS, viewer, lambda: api.get(path_filled), world)
        return
    url = _fill(path, world)
    _check(path, path in API_AUDITED_READS, viewer, lambda: api.get(url), world)
