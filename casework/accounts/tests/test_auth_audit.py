"""Failed sign-ins, lockouts and reset requests reach the right auditors (issue 9)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client as HttpClient

from casework.accounts.auth_audit import UNKNOWN_ACCOUNT, identifier_hash
from casework.accounts.services import api_token_create
from casework.audit.models import AuditAction, AuditEvent

WRONG = "definitely not the password"


def _api_actions(user, action):
    _token, raw = api_token_create(actor=user, user=user, name="t")
    answer = HttpClient().get(
        f"/api/v1/audit-events?action={action}", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert answer.status_code == 200, answer.content
    return answer.json()["results"]


def _web_actions(user, action):
    http = HttpClient()
    http.force_login(user)
    page = http.get(f"/audit/?action={action}")
    assert page.status_code == 200
    return page.content.decode()


@pytest.fixture
def failed_known(client, cm_health):
    client.post("/login/", {"username": cm_health.email, "password": WRONG})
    return cm_health


def test_a_failed_sign_in_is_scoped_to_the_accounts_organization(
    failed_known, agency, auditor, other_agency_admin
):
    row = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert row.organization_id == agency.pk
    assert row.target_id == str(failed_known.pk)
    assert [r["actor_label"] for r in _api_actions(auditor, "login_failed")] == [failed_known.email]
    assert failed_known.email in _web_actions(auditor, "login_failed")
    assert _api_actions(other_agency_admin, "login_failed") == []
    assert failed_known.email not in _web_actions(other_agency_admin, "login_failed")


def test_an_unknown_account_is_hashed_and_seen_by_every_organizations_auditors(
    client, auditor, other_agency_admin
):
    typed = "Nobody.Here@example.org"
    client.post("/login/", {"username": typed, "password": WRONG})
    row = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert row.target_type == UNKNOWN_ACCOUNT
    assert row.organization_id is None
    assert row.details["identifier_hash"] == identifier_hash(typed)
    assert "nobody" not in (str(row.details) + row.actor_label).lower()
    for reader in (auditor, other_agency_admin):
        (seen,) = _api_actions(reader, "login_failed")
        assert seen["target_type"] == UNKNOWN_ACCOUNT


def test_a_lockout_is_scoped_to_the_account(client, cm_health, agency, other_agency_admin):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        client.post("/login/", {"username": cm_health.email, "password": WRONG})
    rows = AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT)
    assert rows.exists()
    assert {r.organization_id for r in rows} == {agency.pk}
    assert _api_actions(other_agency_admin, "locked_out") == []


def test_a_reset_request_is_scoped_and_an_unknown_address_hashed(client, cm_health, agency):
    client.post("/account/password-reset/", {"email": cm_health.email})
    client.post("/account/password-reset/", {"email": "stranger@example.org"})
    rows = AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET).order_by("pk")
    known, unknown = rows
    assert known.organization_id == agency.pk
    assert unknown.target_type == UNKNOWN_ACCOUNT
    assert "stranger" not in str(unknown.details) + unknown.actor_label
