"""Consent, break-the-glass, the protected SSN and confidential addresses (issue 3)."""

import datetime
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casework.accounts import services as accounts
from casework.accounts.models import Role
from casework.audit.models import AuditAction, AuditEvent
from casework.clients import consent as consents
from casework.clients.models import Client, Consent
from casework.clients.permissions import access_client
from casework.core.exceptions import NotFound, PermissionDenied
from casework.notifications.models import Notification

TYPED = {"signature_method": "typed", "signed_by_name": "Dolores Abernathy"}


@pytest.fixture
def lakeside_cm(other_agency_admin):
    org = other_agency_admin.memberships.get().organization
    program = accounts.program_create(
        actor=None, organization=org, name="Lakeside Primary Care", practice_area="healthcare"
    )
    user = accounts.user_create(actor=None, email="cm@lakeside.example.org", full_name="Lake CM")
    accounts.membership_grant(actor=None, user=user, role=Role.CASE_MANAGER, program=program)
    return user


def _consent_to(user, client, actor, **extra):
    org = user.memberships.get().organization
    data = {
        "recipient_organization": org,
        "categories": ["general"],
        "purpose": "care coordination",
    }
    return consents.consent_record(actor=actor, client=client, data=data | TYPED | extra)


def test_second_organization_sees_nothing_without_consent(lakeside_cm, client_health):
    assert not Client.objects.visible_to(lakeside_cm).exists()
    with pytest.raises(NotFound):
        access_client(lakeside_cm, client_health.pk)


def test_consent_opens_the_client_to_the_recipient_organization(
    lakeside_cm, client_health, cm_health
):
    _consent_to(lakeside_cm, client_health, cm_health)
    seen = access_client(lakeside_cm, client_health.pk)
    assert seen.access_basis == "consent"
    assert seen.access_categories == frozenset({"general"})
    assert list(Client.objects.visible_to(lakeside_cm).search("aber")) == [client_health]


def test_consent_opens_only_the_consented_categories(lakeside_cm, client_health, cm_health):
    _consent_to(lakeside_cm, client_health, cm_health, categories=["general", "mental_health"])
    seen = access_client(lakeside_cm, client_health.pk)
    assert "mental_health" in seen.access_categories
    assert "substance_use" not in seen.access_categories


def test_revocation_ends_access_at_once(lakeside_cm, client_health, cm_health):
    consent = _consent_to(lakeside_cm, client_health, cm_health)
    consents.consent_revoke(actor=cm_health, consent=consent, reason="client asked")
    with pytest.raises(NotFound):
        access_client(lakeside_cm, client_health.pk)


def test_expired_consent_gives_no_access(lakeside_cm, client_health, cm_health):
    today = timezone.localdate()
    _consent_to(
        lakeside_cm,
        client_health,
        cm_health,
        effective_date=today - timedelta(days=60),
        signed_on=today - timedelta(days=60),
        expiry_date=today - timedelta(days=1),
    )
    with pytest.raises(NotFound):
        access_client(lakeside_cm, client_health.pk)


def test_consent_to_a_partner_does_not_open_client_records(partner, client_health, cm_health):
    _consent_to(partner, client_health, cm_health)
    assert not Client.objects.visible_to(partner).exists()


def test_part2_consent_requires_every_element(lakeside_cm, client_health, cm_health):
    with pytest.raises(ValidationError) as error:
        _consent_to(lakeside_cm, client_health, cm_health, categories=["substance_use"])
    assert {"information_description", "expiry_date", "revocation_right_acknowledged"} <= set(
        error.value.message_dict
    )


def test_part2_consent_carries_the_redisclosure_notice(lakeside_cm, client_health, cm_health):
    consent = _consent_to(
        lakeside_cm,
        client_health,
        cm_health,
        categories=["substance_use"],
        information_description="Diagnosis and medication for opioid use disorder",
        expiry_trigger="treatment_ended",
        revocation_right_acknowledged=True,
    )
    assert "42 CFR part 2" in consent.redisclosure_notice
    assert "substance_use" in access_client(lakeside_cm, client_health.pk).access_categories


def test_substance_use_is_hidden_without_a_part2_consent(lakeside_cm, client_health, cm_health):
    _consent_to(lakeside_cm, client_health, cm_health, categories=["general", "mental_health"])
    assert "substance_use" not in access_client(lakeside_cm, client_health.pk).access_categories


def test_drawn_signature_is_required_for_a_drawn_consent(lakeside_cm, client_health, cm_health):
    with pytest.raises(ValidationError) as error:
        _consent_to(lakeside_cm, client_health, cm_health, signature_method="drawn")
    assert "signature_image" in error.value.message_dict


def test_break_glass_needs_a_reason(cm_mental_health, client_health):
    with pytest.raises(ValidationError) as error:
        consents.break_glass_open(actor=cm_mental_health, client_id=client_health.pk, reason="")
    assert "reason" in error.value.message_dict
    with pytest.raises(NotFound):
        access_client(cm_mental_health, client_health.pk)


def test_break_glass_opens_for_a_time_and_alerts_supervisors(
    cm_mental_health, client_health, sup_health
):
    reason = "Client in crisis at the ER, need medication list"
    consents.break_glass_open(actor=cm_mental_health, client_id=client_health.pk, reason=reason)
    seen = access_client(cm_mental_health, client_health.pk)
    assert seen.access_basis == "break_glass"
    assert Notification.objects.filter(recipient=sup_health, kind="break_glass").count() == 1
    event = AuditEvent.objects.get(target_type="break_glass")
    assert event.details["reason"] == reason
    later = timezone.now() + timedelta(minutes=61)
    with mock.patch("django.utils.timezone.now", return_value=later), pytest.raises(NotFound):
        access_client(cm_mental_health, client_health.pk)


def test_break_glass_does_not_cross_organizations(other_agency_admin, client_health):
    with pytest.raises(NotFound):
        consents.break_glass_open(
            actor=other_agency_admin,
            client_id=client_health.pk,
            reason="An emergency somewhere else entirely",
        )


def test_ssn_is_encrypted_masked_and_revealed_with_an_audit(cm_health, client_health):
    consents.client_set_ssn(
        actor=cm_health,
        client=client_health,
        ssn="123-45-6789",
        expected_version=client_health.version,
    )
    stored = Client.objects.get(pk=client_health.pk)
    assert stored.ssn_masked == "***-**-6789"
    assert "123456789" not in stored.ssn_encrypted
    assert consents.client_reveal_ssn(actor=cm_health, client=stored) == "123-45-6789"
    assert AuditEvent.objects.filter(action=AuditAction.REVEAL, client_id=stored.pk).count() == 1
    assert "123" not in str(AuditEvent.objects.filter(client_id=stored.pk).values_list("changes"))


def test_emergency_access_keeps_the_ssn_masked_and_audits_the_attempt(
    cm_health, cm_mental_health, client_health
):
    consents.client_set_ssn(
        actor=cm_health, client=client_health, ssn="123-45-6789", expected_version=1
    )
    reason = "Client in crisis at the ER, need medication list"
    consents.break_glass_open(actor=cm_mental_health, client_id=client_health.pk, reason=reason)
    seen = access_client(cm_mental_health, client_health.pk, audit=False)
    assert seen.ssn_masked == "***-**-6789"
    with pytest.raises(PermissionDenied):
        consents.client_reveal_ssn(actor=cm_mental_health, client=seen)
    assert not AuditEvent.objects.filter(action=AuditAction.REVEAL).exists()
    refusal = AuditEvent.objects.get(action=AuditAction.DENIED, actor=cm_mental_health)
    assert refusal.client_id == client_health.pk
    assert refusal.details["field"] == "ssn"


@pytest.mark.parametrize(
    "bad",
    [
        "12345678",
        "000-12-3456",
        "666-12-3456",
        "900-12-3456",
        "123-00-4567",
        "123-45-0000",
        "abc-de-fghi",
    ],
)
def test_malformed_ssns_are_refused(cm_health, client_health, bad):
    with pytest.raises(ValidationError) as error:
        consents.client_set_ssn(
            actor=cm_health, client=client_health, ssn=bad, expected_version=client_health.version
        )
    assert "ssn" in error.value.message_dict


def test_confidential_address_hidden_outside_the_care_team(
    cm_health, client_health, org_admin, intake_health
):
    from casework.clients.services import client_update

    client_update(
        actor=cm_health,
        client=client_health,
        expected_version=client_health.version,
        data={"address_confidential": True, "address_line1": "12 Hidden Lane"},
    )
    assert access_client(cm_health, client_health.pk).address_line1 == "12 Hidden Lane"
    for outsider in (org_admin, intake_health):
        seen = access_client(outsider, client_health.pk)
        assert seen.address_line1 == ""
        assert seen.address_hidden


def test_future_birth_date_is_refused(cm_health, make_client):
    with pytest.raises(ValidationError) as error:
        make_client(actor=cm_health, date_of_birth=datetime.date.today() + timedelta(days=1))
    assert "date_of_birth" in error.value.message_dict


def test_consent_expiry_notifies_the_case_manager_once(lakeside_cm, client_health, cm_health):
    _consent_to(
        lakeside_cm, client_health, cm_health, expiry_date=timezone.localdate() + timedelta(days=20)
    )
    assert consents.consent_expiry_sweep() == 1
    assert consents.consent_expiry_sweep() == 0
    assert Notification.objects.filter(recipient=cm_health, kind="consent_expiring").count() == 1


def test_consent_is_audited(lakeside_cm, client_health, cm_health):
    consent = _consent_to(lakeside_cm, client_health, cm_health)
    assert AuditEvent.objects.filter(target_type="consent", target_id=str(consent.pk)).exists()
    assert Consent.objects.in_force().count() == 1


def test_sweep_command_notifies_once(lakeside_cm, client_health, cm_health):
    from io import StringIO

    from django.core.management import call_command

    _consent_to(
        lakeside_cm, client_health, cm_health, expiry_date=timezone.localdate() + timedelta(days=10)
    )
    out = StringIO()
    call_command("sweep_consents", stdout=out)
    call_command("sweep_consents", stdout=out)
    assert out.getvalue().splitlines() == ["1 notification(s) sent.", "0 notification(s) sent."]
