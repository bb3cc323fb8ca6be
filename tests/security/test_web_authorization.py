"""Object-level authorization of every web page that takes an object id (BOLA/IDOR).

For each route: the owner reaches it (so the URL is right and the test can fail); a case
manager of another program, an admin and a case manager of another agency, a partner and an
anonymous visitor get 404/403 (anonymous: the sign-in page), never 200, never a body with the
client's name or SSN, and nothing they send changes anything.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from casework.accounts.models import ApiToken
from casework.audit.models import AuditAction, AuditEvent
from casework.clients.models import Client, Consent, DuplicateCandidate, Enrollment
from casework.notifications.models import Notification
from tests.security.conftest import FAMILY, SSN, SSN_DIGITS, World, signed_in
from tests.security.routes import (
    GLOBAL_ADMIN,
    OBJECT_ROUTES,
    PUBLIC,
    SELF_SCOPED,
    SHARED_DIRECTORY,
    ObjectRoute,
    web_route_names,
)

DENIED = frozenset({403, 404, 405})


def _state(world: World) -> dict[str, Any]:
    """What an intruder's request could change, to compare before and after."""
    from casework.clients.models import ClientMerge
    from casework.workforce.models import Licence, SupervisedHours

    return {
        "client": Client.objects.filter(pk=world.client.pk).values_list("version", flat=True)[0],
        "consent": Consent.objects.get(pk=world.consent.pk).revoked_at,
        "token": ApiToken.objects.get(pk=world.token.pk).revoked_at,
        "notification": Notification.objects.get(pk=world.notification.pk).read_at,
        "candidate": DuplicateCandidate.objects.get(pk=world.candidate.pk).status,
        "merge": ClientMerge.objects.get(pk=world.merge_id).undone_at,
        "enrollment": Enrollment.objects.get(pk=world.enrollment.pk).version,
        "enrollments": Enrollment.objects.filter(client=world.client).count(),
        "hours": SupervisedHours.objects.get(pk=world.hours_id).signed_at,
        "licence": Licence.objects.get(pk=world.licence_id).verification,
        "clients": Client.objects.count(),
    }


def test_every_web_route_is_classified() -> None:
    """Deny by default: a new page fails here until it is put in one of the tables."""
    known = PUBLIC | SELF_SCOPED | GLOBAL_ADMIN | SHARED_DIRECTORY | {r.name for r in OBJECT_ROUTES}
    unknown = sorted(set(web_route_names()) - known)
    assert unknown == [], f"classify these routes in tests/security/routes.py: {unknown}"


@pytest.mark.parametrize("name", sorted(SELF_SCOPED))
def test_signed_in_pages_send_anonymous_visitors_to_sign_in(name: str, db: None) -> None:
    url = reverse(f"web:{name}", kwargs={"kind": "ce"} if name == "workforce_entry_add" else {})
    for method in ("get", "post"):
        response = getattr(signed_in(None), method)(url)
        assert response.status_code in (302, 405), (name, method, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith("/login/"), (name, response["Location"])


def _forbidden_text(response: Any) -> list[str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", "replace")
    return [secret for secret in (FAMILY, SSN, SSN_DIGITS, "MCD-77123") if secret in text]


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=lambda r: r.name)
def test_object_pages_refuse_everyone_but_their_owner(
    route: ObjectRoute, world: World, intruders: dict[str, Any], request: pytest.FixtureRequest
) -> None:
    if route.name.startswith("intake_") and "program_id" not in route.kwargs(world):
        assert world.screening_id, "the world has no screening to test the intake pages on"
    url = reverse(f"web:{route.name}", kwargs=route.kwargs(world))
    before = _state(world)
    for who, user in intruders.items():
        http = signed_in(user)
        for method in route.methods:
            response = getattr(http, method)(url)
            if user is None:
                assert response.status_code == 302, (who, method, response.status_code)
                assert response["Location"].startswith("/login/")
                continue
            if route.name == "notification_read":
                # Marking read is filtered to the caller's own rows; nothing leaks or changes.
                assert response.status_code == 302
                assert response["Location"] == reverse("web:notifications")
            else:
                assert response.status_code in DENIED, (who, method, response.status_code, url)
            assert _forbidden_text(response) == [], (who, method, url)
    assert _state(world) == before, "an intruder's request changed something"
    owner = request.getfixturevalue(route.owner)
    for method in route.methods:
        response = getattr(signed_in(owner), method)(url)
        assert response.status_code not in (403, 404, 405), (route.owner, method, response)
        assert response.status_code < 500
        if method == "get":
            assert response.status_code == 200, (route.owner, response.status_code)


def test_refusals_of_client_pages_are_audited_as_denied(world: World, cm_mental_health) -> None:
    before = AuditEvent.objects.filter(action=AuditAction.DENIED).count()
    response = signed_in(cm_mental_health).get(f"/clients/{world.client.pk}/")
    assert response.status_code == 404
    denied = AuditEvent.objects.filter(action=AuditAction.DENIED)
    assert denied.count() == before + 1
    assert denied.latest("id").client_id == world.client.pk


def test_missing_and_hidden_clients_get_the_same_page(world: World, cm_mental_health) -> None:
    http = signed_in(cm_mental_health)
    hidden = http.get(f"/clients/{world.client.pk}/")
    missing = http.get("/clients/99999999/")
    assert hidden.status_code == missing.status_code == 404
    # The masked CSRF token differs on every response; nothing else may.
    token = re.compile(rb"[A-Za-z0-9]{64}")
    assert token.sub(b"T", hidden.content) == token.sub(b"T", missing.content)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("client_edit", {"given_name": "X", "family_name": "Y", "version": 1}),
        ("record_profile", {"pronouns": "they", "version": 1}),
        ("record_ssn", {"ssn": "219-09-9999", "version": 1}),
        ("consent_create", {"purpose": "x"}),
    ],
)
def test_auditors_see_clients_but_cannot_change_them(
    name: str, data: dict[str, Any], world: World, auditor
) -> None:
    http = signed_in(auditor)
    assert http.get(f"/clients/{world.client.pk}/").status_code == 200
    version = Client.objects.get(pk=world.client.pk).version
    response = http.post(reverse(f"web:{name}", kwargs={"pk": world.client.pk}), data)
    assert response.status_code == 403
    assert Client.objects.get(pk=world.client.pk).version == version


def test_auditors_cannot_add_record_parts(world: World, auditor) -> None:
    url = reverse("web:record_part_list", kwargs={"pk": world.client.pk, "part": "identifiers"})
    response = signed_in(auditor).post(url, {"kind": "agency", "value": "A-1"})
    assert response.status_code == 403


def test_only_administrators_edit_credential_rules(
    world: World, org_admin: Any, partner: Any
) -> None:
    """Case managers and partners cannot; an org admin edits their own agency's override."""
    from casework.workforce.models import RuleSet

    code = RuleSet.objects.values_list("code", flat=True).first() or "CCM"
    url = reverse("web:workforce_rule_edit", kwargs={"code": code})
    for user in (world.owner, partner):
        response = signed_in(user).post(url, {})
        assert response.status_code in (403, 404), response.status_code
    assert signed_in(org_admin).get(url).status_code == 200
