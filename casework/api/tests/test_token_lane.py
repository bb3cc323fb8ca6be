"""API calls with a bearer token take the short middleware chain (``api.middleware``).

They are judged by the token alone: no session is read or written, and no cookie is set,
yet every response carries the same request id and security headers as the rest.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.test import RequestFactory

from casework.api.middleware import is_token_call
from casework.api.tests.helpers import Api, assert_problem, token_for
from casework.audit.models import AuditEvent


def test_a_token_call_carries_the_request_id_and_security_headers(cm_health, client_health):
    response = Api(token_for(cm_health)).get(
        f"clients/{client_health.pk}", HTTP_X_REQUEST_ID="lane-test-0001"
    )
    assert response.status_code == 200
    assert response["X-Request-ID"] == "lane-test-0001"
    assert response["Content-Security-Policy"].startswith("default-src 'self'")
    assert response["Cache-Control"] == "no-store"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Permissions-Policy" in response
    # The audit row is bound to the request, as on the full chain.
    event = AuditEvent.objects.filter(action="view", client_id=client_health.pk).latest("id")
    assert (event.request_id, event.channel) == ("lane-test-0001", "api")


def test_a_token_call_sets_no_cookie_and_reads_no_session(cm_health, sup_health, client_health):
    browser = HttpClient()
    browser.force_login(sup_health)
    session_key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    response = Api(token_for(cm_health), client=browser).get("me")
    # The token's user, not the signed-in one, and the session is left as it was.
    assert response.json()["email"] == cm_health.email
    assert response.json()["auth"] == "token"
    assert not response.cookies
    assert browser.cookies[settings.SESSION_COOKIE_NAME].value == session_key


def test_a_bad_token_never_falls_back_to_the_session(sup_health, client_health):
    browser = HttpClient()
    browser.force_login(sup_health)
    response = Api("cw_not-a-real-token", client=browser).get(f"clients/{client_health.pk}")
    assert_problem(response, 401)


def test_a_session_call_still_takes_the_full_chain(cm_health, client_health):
    browser = HttpClient()
    browser.force_login(cm_health)
    # Unsafe methods on the session still need the CSRF token (CsrfViewMiddleware's cookie).
    csrf_browser = HttpClient(enforce_csrf_checks=True)
    csrf_browser.force_login(cm_health)
    refused = csrf_browser.patch(
        f"/api/v1/clients/{client_health.pk}",
        data="{}",
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
    )
    assert_problem(refused, 403)
    assert browser.get(f"/api/v1/clients/{client_health.pk}").status_code == 200


@pytest.mark.parametrize(
    ("path", "authorization", "expected"),
    [
        ("/api/v1/clients/1", "Bearer cw_abc", True),
        ("/api/v1/me", "bearer cw_abc", True),
        ("/api/v1/me", "", False),
        ("/api/v1/me", "Basic dXNlcjpwYXNz", False),
        ("/clients/1/", "Bearer cw_abc", False),
        ("/apiary/", "Bearer cw_abc", False),
    ],
)
def test_which_calls_take_the_short_chain(path, authorization, expected):
    request = RequestFactory().get(path, HTTP_AUTHORIZATION=authorization)
    assert is_token_call(request) is expected


def test_the_short_chain_is_a_subset_of_the_full_one_in_the_same_order():
    full = settings.MIDDLEWARE
    short = settings.CASEWORK_TOKEN_MIDDLEWARE
    assert full[0] == "casework.api.middleware.TokenRequestMiddleware"
    assert [name for name in full if name in short] == short
    # What must never be skipped for anyone: request ids, security headers.
    assert "casework.core.middleware.RequestContextMiddleware" in short
    assert "casework.core.middleware.SecurityHeadersMiddleware" in short
    assert "django.middleware.security.SecurityMiddleware" in short


def test_the_short_chain_turns_a_crash_into_a_problem_not_a_traceback(cm_health, monkeypatch):
    import casework.api.clients as clients_api

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(clients_api, "access_client", explode)
    client = HttpClient(raise_request_exception=False)
    response = Api(token_for(cm_health), client=client).get("clients/1")
    assert response.status_code == 500
    assert b"boom" not in response.content
    assert b"Traceback" not in response.content
