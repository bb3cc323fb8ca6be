"""Authentication of the API: tokens (scope, revocation, expiry) and the CSRF-checked session."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from casework.api.tests.helpers import Api, assert_problem, expire, revoke, token_for
from casework.api.urls import api
from casework.audit.models import AuditAction, AuditEvent

CSRF_SECRET = "a" * 32  # any 32 allowed characters form a valid unmasked CSRF secret


def test_token_reads_as_its_user(cm_health, client_health):
    response = Api(token_for(cm_health)).get("me")
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == cm_health.email
    assert body["auth"] == "token"
    assert body["token"]["read_only"] is False
    assert [p["name"] for p in body["programs"]] == ["Care Transitions"]


def test_anonymous_caller_gets_401_with_bearer_challenge(db):
    response = Api().get("clients")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"


def test_anonymous_write_gets_401_not_a_csrf_403(db):
    assert_problem(Api().post("clients", {"given_name": "A"}), 401)


def test_unknown_token_is_refused_with_401(db):
    response = Api("cw_not-a-real-token").get("clients")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_REFUSED).exists()


def test_malformed_token_is_refused_with_401(db):
    assert_problem(Api("cw_\x01\x02 bad").get("clients"), 401)


def test_revoked_token_is_refused_with_401(cm_health, client_health):
    raw = token_for(cm_health)
    assert Api(raw).get(f"clients/{client_health.pk}").status_code == 200
    revoke(cm_health, raw)
    response = Api(raw).get(f"clients/{client_health.pk}")
    assert_problem(response, 401)
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_expired_token_is_refused_with_401(cm_health, client_health):
    raw = token_for(cm_health, expires_days=1)
    assert Api(raw).get(f"clients/{client_health.pk}").status_code == 200
    expire(cm_health, raw)
    assert_problem(Api(raw).get(f"clients/{client_health.pk}"), 401)
    refused = AuditEvent.objects.get(action=AuditAction.TOKEN_REFUSED)
    assert refused.details["reason"] == "expired"


def test_read_only_token_can_read(cm_health, client_health):
    reader = Api(token_for(cm_health, read_only=True))
    assert reader.get(f"clients/{client_health.pk}").status_code == 200
    assert reader.get("me").json()["token"]["read_only"] is True


@pytest.mark.parametrize("method", ["post", "patch"])
def test_read_only_token_cannot_write(cm_health, client_health, programs, method):
    reader = Api(token_for(cm_health, read_only=True))
    if method == "post":
        body = {"given_name": "A", "family_name": "B", "program_id": programs["healthcare"].pk}
        response = reader.post("clients", body)
    else:
        response = reader.patch(
            f"clients/{client_health.pk}", {"city": "Troy"}, HTTP_IF_MATCH='"1"'
        )
    assert_problem(response, 403)
    client_health.refresh_from_db()
    assert client_health.city == "Albany"


def test_deactivated_users_token_is_refused(cm_health, org_admin, client_health):
    from casework.accounts.services import user_deactivate

    raw = token_for(cm_health)
    user_deactivate(actor=org_admin, user=cm_health)
    assert_problem(Api(raw).get(f"clients/{client_health.pk}"), 401)


def _session(user, *, csrf: bool) -> Api:
    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(user)
    session_api = Api(client=browser)
    if csrf:
        from django.conf import settings

        browser.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
        session_api.headers["HTTP_X_CSRFTOKEN"] = CSRF_SECRET
    return session_api


def test_session_reads_without_csrf_token(cm_health, client_health):
    response = _session(cm_health, csrf=False).get(f"clients/{client_health.pk}")
    assert response.status_code == 200
    assert _session(cm_health, csrf=False).get("me").json()["auth"] == "session"


def test_session_writes_with_csrf_token(cm_health, client_health):
    response = _session(cm_health, csrf=True).patch(
        f"clients/{client_health.pk}", {"city": "Troy"}, HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200, response.content
    assert response.json()["city"] == "Troy"


def test_session_write_without_csrf_token_is_refused(cm_health, client_health):
    response = _session(cm_health, csrf=False).patch(
        f"clients/{client_health.pk}", {"city": "Troy"}, HTTP_IF_MATCH='"1"'
    )
    assert "CSRF" in assert_problem(response, 403)["detail"]
    client_health.refresh_from_db()
    assert client_health.city == "Albany"


# Operations deliberately open to anyone, each with its reason.
PUBLIC_OPERATIONS = {
    # Workforce: the career-pathway roadmap is generic published guidance, no personal data.
    ("get", "/api/v1/pathway"),
}


def test_every_operation_requires_authentication():
    """Deny by default: every operation in the schema (any area's) needs auth, unless listed."""
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if (method, path) in PUBLIC_OPERATIONS:
                continue
            assert operation.get("security"), f"{method.upper()} {path} has no auth"


def test_session_without_required_two_factor_is_refused(cm_health, agency, client_health):
    from casework.accounts.services import organization_set_mfa_roles

    organization_set_mfa_roles(actor=None, organization=agency, roles=["case_manager"])
    response = _session(cm_health, csrf=False).get("me")
    # Answered by accounts' two-factor middleware, before the API runs.
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 403
