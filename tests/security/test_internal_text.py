"""No internal text reaches users (issue 10): working notes, source markers, our own file
names and section marks, third-party blog names and database constraint names never appear
on a page or in the API's messages. Every page of the route inventory is opened by the
people who may see it, and the API's schema and self-scoped reads are scanned too."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse

from casework.accounts.models import User
from casework.api.urls import api
from tests.security.conftest import World, signed_in
from tests.security.routes import OBJECT_ROUTES, PUBLIC, SELF_SCOPED
from tests.security.test_api_authorization import SELF_SCOPED as API_SELF_SCOPED
from tests.security.test_api_authorization import Api

MARKERS = (
    "§",
    "[READ",
    "READ-2",
    "[UNVERIFIED",
    "UNVERIFIED",
    "DOMAIN.md",
    "USERS-ASK",
    "ARCHITECTURE.md",
    ".yaml",
    "tealhq",
    "walescounseling",
    "trackyourhours",
    "research note",
    "Constraint “",
)
PEOPLE = ("cm_health", "sup_health", "intake_health", "org_admin", "auditor")
SKIP_PAGES = frozenset(
    {"logout", "audit_export", "workforce_compliance_csv", "password_reset_confirm"}
)


def _constraint_names() -> list[str]:
    names = []
    for model in apps.get_models():
        names += [c.name for c in model._meta.constraints if len(c.name) > 8]
    return names


# In the API, ``marker`` is a documented machine field (READ, READ-2, UNVERIFIED); only
# the bracketed working-note forms are leaks there.
API_CODES = frozenset({"READ-2", "UNVERIFIED"})


def _leaks(text: str, constraints: list[str], *, skip: frozenset[str] = frozenset()) -> list[str]:
    found = [m for m in MARKERS if m in text and m not in skip]
    found += [n for n in constraints if re.search(rf"\b{re.escape(n)}\b", text)]
    return found


def _html(response: Any) -> str | None:
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return None
    return str(response.content.decode("utf-8", "replace"))


@pytest.fixture
def people(request: pytest.FixtureRequest, world: World) -> dict[str, User]:
    return {name: request.getfixturevalue(name) for name in PEOPLE}


def test_no_page_shows_internal_text(world: World, people: dict[str, User]) -> None:
    constraints = _constraint_names()
    names = sorted((SELF_SCOPED | PUBLIC) - SKIP_PAGES - {"healthz", "readyz"})
    urls = [reverse(f"web:{n}") for n in names if n != "workforce_entry_add"]
    urls += [reverse("web:workforce_entry_add", kwargs={"kind": k}) for k in ("hours", "ce")]
    urls += [
        reverse(f"web:{route.name}", kwargs=route.kwargs(world))
        for route in OBJECT_ROUTES
        if "get" in route.methods
    ]
    problems: dict[str, list[str]] = {}
    opened = 0
    for who, user in people.items():
        http = signed_in(user)
        for url in urls:
            text = _html(http.get(url))
            if text is None:
                continue
            opened += 1
            if leaks := _leaks(text, constraints):
                problems[f"{who} {url}"] = leaks
    assert opened > 40  # the scan really opened the pages
    assert problems == {}


def test_no_api_message_or_description_shows_internal_text(
    world: World, people: dict[str, User]
) -> None:
    constraints = _constraint_names()
    schema = json.dumps(api.get_openapi_schema(path_prefix=""), ensure_ascii=False)
    problems = {"openapi": _leaks(schema, constraints)}
    for who, user in people.items():
        caller = Api(user)
        for path in sorted(API_SELF_SCOPED):
            response = caller.get(path)
            if response.status_code == 200 and "json" in response.get("Content-Type", ""):
                body = response.content.decode()
                problems[f"{who} {path}"] = _leaks(body, constraints, skip=API_CODES)
    assert {k: v for k, v in problems.items() if v} == {}


def test_a_refused_supervised_hours_entry_names_no_constraint(
    world: World, people: dict[str, User]
) -> None:
    http = signed_in(people["cm_health"])
    response = http.post(
        reverse("web:workforce_entry_add", kwargs={"kind": "hours"}),
        {
            "supervisor": people["sup_health"].pk,
            "worked_on": "2026-01-05",
            "hours": "30",
            "kind": "individual",
            "note": "",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Hours must be more than 0 and at most 24" in body, body[-3000:]
    assert "supervised_hours_range" not in body
    assert "Constraint" not in body


def test_audit_actions_read_as_labels(world: World, people: dict[str, User]) -> None:
    http = signed_in(people["org_admin"])
    trail = http.get(reverse("web:audit_list")).content.decode()
    assert "Viewed the client record" in trail or "Created the client record" in trail
    assert "eligibility_screening" not in trail
    page = http.get(reverse("web:client_detail", kwargs={"pk": world.client.pk})).content.decode()
    assert "Created the enrollment" in page
    assert "(enrollment)" not in page
