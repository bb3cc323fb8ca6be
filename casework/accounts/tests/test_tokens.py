"""Personal API tokens through the services: shown once, stored hashed, revocable, expiring."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casework.accounts import services
from casework.accounts.models import ApiToken, hash_token
from casework.audit.models import AuditAction, AuditEvent


@pytest.fixture
def token_pair(cm_health):
    return services.api_token_create(actor=cm_health, user=cm_health, name="reporting script")


def test_a_new_token_authenticates_its_owner(token_pair, cm_health):
    token, raw = token_pair
    assert raw.startswith(services.TOKEN_PREFIX)
    assert services.api_token_authenticate(raw) == token
    assert token.user == cm_health


def test_only_the_hash_is_stored(token_pair):
    token, raw = token_pair
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hash_token(raw)
    assert raw not in {stored.key_hash, stored.prefix, stored.name}
    assert len(stored.prefix) < len(raw) // 2


def test_creation_is_audited_without_the_token(token_pair):
    token, raw = token_pair
    row = AuditEvent.objects.get(target_type="api_token", action=AuditAction.CREATE)
    assert row.target_id == str(token.pk)
    assert raw not in str(row.details) + str(row.changes)


def test_a_wrong_token_is_refused_and_audited(token_pair):
    _, raw = token_pair
    assert services.api_token_authenticate(raw[:-2] + "zz") is None
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_REFUSED).exists()


@pytest.mark.parametrize("raw", ["", "Bearer x", "cw_" + "a" * 200, "sk_live_abc"])
def test_malformed_tokens_are_refused(token_pair, raw):
    assert services.api_token_authenticate(raw) is None


def test_a_revoked_token_is_refused(token_pair, cm_health):
    token, raw = token_pair
    services.api_token_revoke(actor=cm_health, token=token)
    assert services.api_token_authenticate(raw) is None
    refused = AuditEvent.objects.get(action=AuditAction.TOKEN_REFUSED)
    assert refused.details["reason"] == "revoked"
    assert refused.actor == cm_health


def test_revocation_is_audited_once(token_pair, cm_health):
    token, _ = token_pair
    services.api_token_revoke(actor=cm_health, token=token)
    services.api_token_revoke(actor=cm_health, token=token)
    revoked = AuditEvent.objects.filter(target_type="api_token", action=AuditAction.UPDATE)
    assert revoked.count() == 1


def test_someone_else_cannot_revoke_a_token(token_pair, cm_mental_health):
    token, raw = token_pair
    with pytest.raises(ValidationError):
        services.api_token_revoke(actor=cm_mental_health, token=token)
    assert services.api_token_authenticate(raw) == token


def test_someone_else_cannot_create_a_token_for_a_user(cm_health, org_admin):
    with pytest.raises(ValidationError):
        services.api_token_create(actor=org_admin, user=cm_health, name="sneaky")
    assert not ApiToken.objects.exists()


def test_an_expiring_token_works_until_it_expires(cm_health):
    token, raw = services.api_token_create(
        actor=cm_health, user=cm_health, name="nightly", expires_days=1
    )
    assert token.expires_at is not None
    assert services.api_token_authenticate(raw) == token

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert services.api_token_authenticate(raw) is None
    refused = AuditEvent.objects.get(action=AuditAction.TOKEN_REFUSED)
    assert refused.details["reason"] == "expired"


@pytest.mark.parametrize("days", [0, -1, 100_000])
def test_expiry_outside_the_allowed_range_is_refused(cm_health, days):
    with pytest.raises(ValidationError):
        services.api_token_create(actor=cm_health, user=cm_health, name="x", expires_days=days)


def test_a_token_needs_a_name(cm_health):
    with pytest.raises(ValidationError):
        services.api_token_create(actor=cm_health, user=cm_health, name="   ")


def test_a_read_only_token_says_so(cm_health):
    token, raw = services.api_token_create(
        actor=cm_health, user=cm_health, name="dashboards", read_only=True
    )
    assert services.api_token_authenticate(raw) == token
    assert ApiToken.objects.get(pk=token.pk).read_only is True


def test_token_use_is_audited_at_most_once_per_interval(token_pair):
    _, raw = token_pair
    for _ in range(3):
        services.api_token_authenticate(raw)
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_USE).count() == 1
    assert ApiToken.objects.get(key_hash=hash_token(raw)).last_used_at is not None


def test_token_use_is_audited_again_after_the_interval(token_pair):
    token, raw = token_pair
    services.api_token_authenticate(raw)
    earlier = timezone.now() - services.TOKEN_USE_AUDIT_INTERVAL - timedelta(seconds=1)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    services.api_token_authenticate(raw)
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_USE).count() == 2


def test_a_token_works_over_http(client, token_pair, cm_health):
    _, raw = token_pair
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response.json()["email"] == cm_health.email


def test_a_revoked_token_is_refused_over_http(client, token_pair, cm_health):
    token, raw = token_pair
    services.api_token_revoke(actor=cm_health, token=token)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401
