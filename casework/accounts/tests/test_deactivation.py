"""A deactivated user is shut out at once: sessions end and tokens stop working (ASVS 7.4.2)."""

import pytest
from django.contrib.sessions.models import Session

from casework.accounts import services
from casework.accounts.access import access_for
from casework.accounts.models import User
from casework.audit.models import AuditAction, AuditEvent


def user_sessions(user):
    return [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)
    ]


@pytest.fixture
def signed_in(client, cm_health):
    client.force_login(cm_health)
    return client


def test_deactivation_ends_every_session_of_the_user(signed_in, cm_health, cm_mental_health):
    from django.test import Client

    other = Client()
    other.force_login(cm_mental_health)
    assert len(user_sessions(cm_health)) == 1

    services.user_deactivate(actor=None, user=cm_health)

    assert user_sessions(cm_health) == []
    assert len(user_sessions(cm_mental_health)) == 1  # the deny twin: others stay signed in


def test_a_deactivated_users_session_no_longer_opens_pages(signed_in, cm_health, client_health):
    assert signed_in.get(f"/clients/{client_health.pk}/").status_code == 200
    services.user_deactivate(actor=None, user=cm_health)
    response = signed_in.get(f"/clients/{client_health.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_deactivation_revokes_every_token(cm_health):
    _, first = services.api_token_create(actor=cm_health, user=cm_health, name="one")
    _, second = services.api_token_create(actor=cm_health, user=cm_health, name="two")
    services.user_deactivate(actor=None, user=cm_health)
    assert services.api_token_authenticate(first) is None
    assert services.api_token_authenticate(second) is None


def test_a_deactivated_users_token_is_refused_over_http(client, cm_health):
    _, raw = services.api_token_create(actor=cm_health, user=cm_health, name="script")
    auth = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/me", headers=auth).status_code == 200
    services.user_deactivate(actor=None, user=cm_health)
    assert client.get("/api/v1/me", headers=auth).status_code == 401


def test_a_deactivated_user_reaches_nothing(cm_health, client_health):
    services.user_deactivate(actor=None, user=cm_health)
    user = User.objects.get(pk=cm_health.pk)
    assert access_for(user).is_empty
    assert not type(client_health).objects.visible_to(user).exists()


def test_a_deactivated_user_cannot_sign_in(client, cm_health):
    from casework.conftest import PASSWORD

    services.user_deactivate(actor=None, user=cm_health)
    client.post("/login/", {"username": cm_health.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_deactivation_is_audited_and_the_user_kept(cm_health, org_admin):
    services.user_deactivate(actor=org_admin, user=cm_health)
    assert User.objects.filter(pk=cm_health.pk, is_active=False).exists()
    row = AuditEvent.objects.get(target_type="user", target_id=str(cm_health.pk), actor=org_admin)
    assert row.action == AuditAction.UPDATE
    assert row.changes == {"is_active": [True, False]}
