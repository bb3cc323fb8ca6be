"""Rules not yet confirmed with the issuing body (the counsellor licences, the entry routes
without a state rule) say so wherever the planner quotes them: the page and the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient

pytestmark = pytest.mark.django_db
COUNSELLOR_TX: dict[str, Any] = {
    "area": "mental_health",
    "degrees": "COUNSELING",
    "state": "TX",
    "goal": "lpc",
}


def roadmap(**params: Any) -> dict[str, Any]:
    response = HttpClient().get("/api/v1/pathway", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_counsellor_licence_step_and_line_are_marked_not_confirmed() -> None:
    plan = roadmap(**COUNSELLOR_TX)
    lpc = next(s for s in plan["steps"] if s["id"] == "lpc")
    assert lpc["marker"] == "UNVERIFIED"
    line = next(c for c in plan["credentials"] if c["code"] == "LPC-TX")
    assert line["marker"] == "UNVERIFIED"
    # A step that quotes no rule has no marker; a confirmed one says so.
    assert next(s for s in plan["steps"] if s["id"] == "bachelors")["marker"] == ""
    form = {**COUNSELLOR_TX, "experience_months": 0, "supervised_months": 0}
    page = HttpClient().get("/pathway/", form).content.decode()
    step = page[page.index('data-step="lpc"') :]
    assert '<span class="usa-tag" data-rule-strength>not confirmed</span>' in step[:3000]
    credential = page[page.index('data-code="LPC-TX"') :]
    assert "; not confirmed)" in credential[:800]
    ccm = page[page.index('data-code="CCM"') :]
    assert "; primary source)" in ccm[:800]


def test_entry_routes_without_a_state_rule_are_marked_not_confirmed() -> None:
    plan = roadmap(area="mental_health", degrees="HS_DIPLOMA", state="NY")
    peer = next(r for r in plan["entry_routes"] if r["id"] == "peer-support")
    assert (peer["marker"], peer["state"]) == ("UNVERIFIED", "")
    form: dict[str, Any] = {
        "area": "mental_health",
        "degrees": "HS_DIPLOMA",
        "state": "NY",
        "experience_months": 0,
        "supervised_months": 0,
    }
    page = HttpClient().get("/pathway/", form).content.decode()
    assert "Certified peer support specialist" in page
    assert ">not confirmed</span>" in page
