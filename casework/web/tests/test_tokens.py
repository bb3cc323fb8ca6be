"""API tokens page: create (shown once), list, revoke."""

from __future__ import annotations

import pytest
from django.urls import reverse

from casework.accounts.models import ApiToken, hash_token
from casework.web.tests.helpers import signed_in, text

pytestmark = pytest.mark.django_db


def create(http, **data):
    return http.post(
        reverse("web:tokens"), {"name": "nightly export job", "expires_days": "30"} | data
    )


def test_created_token_is_shown_once_and_stored_hashed(client, cm_health):
    signed_in(client, cm_health)
    body = text(create(client, read_only="on"))
    raw = body.split('id="new-token" type="text" value="')[1].split('"')[0]
    assert raw.startswith("cw_")
    token = ApiToken.objects.get(user=cm_health)
    assert token.key_hash == hash_token(raw)
    assert token.read_only
    assert token.expires_at is not None
    listing = text(client.get(reverse("web:tokens")))
    assert raw not in listing
    assert token.prefix in listing
    assert "nightly export job" in listing


def test_token_name_is_required(client, cm_health):
    body = text(create(signed_in(client, cm_health), name=""))
    assert 'id="id_name-error"' in body
    assert not ApiToken.objects.exists()


def test_expiry_beyond_the_limit_is_refused(client, cm_health, settings):
    body = text(
        create(signed_in(client, cm_health), expires_days=str(settings.CASEWORK_TOKEN_MAX_DAYS + 1))
    )
    assert 'id="id_expires_days-error"' in body
    assert not ApiToken.objects.exists()


def test_revoke_works(client, cm_health):
    signed_in(client, cm_health)
    create(client)
    token = ApiToken.objects.get(user=cm_health)
    response = client.post(reverse("web:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.status == "revoked"
    assert "Revoked" in text(client.get(reverse("web:tokens")))


def test_revoke_needs_post(client, cm_health):
    signed_in(client, cm_health)
    create(client)
    token = ApiToken.objects.get(user=cm_health)
    assert client.get(reverse("web:token_revoke", args=[token.pk])).status_code == 405
    token.refresh_from_db()
    assert token.status == "active"


def test_cannot_revoke_someone_elses_token(client, cm_health, cm_mental_health):
    signed_in(client, cm_health)
    create(client)
    token = ApiToken.objects.get(user=cm_health)
    client.logout()
    response = signed_in(client, cm_mental_health).post(
        reverse("web:token_revoke", args=[token.pk])
    )
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.status == "active"
    assert token.name not in text(client.get(reverse("web:tokens")))
