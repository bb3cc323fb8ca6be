"""Consent expiry by event, required elements as data, notices, accounting, emergency access
(issue 9: 42 CFR 2.31, 2.32; HIPAA 164.528 and 164.312(a)(2)(ii))."""

from __future__ import annotations

import datetime
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from casework.accounts import services as accounts
from casework.accounts.models import Role
from casework.audit.models import AppendOnlyError, AuditEvent, Disclosure
from casework.clients import consent as consents
from casework.clients import consent_events
from casework.clients.consent_rules import HIPAA_REDISCLOSURE_STATEMENT
from casework.clients.disclosure import disclosure_notice, disclosures_of, notice_lines
from casework.clients.models import Client, Consent, ConsentElementSet, Enrollment
from casework.clients.permissions import access_client
from casework.clients.services import enrollment_transition
from casework.core.exceptions import NotFound
from casework.notifications.models import Notification

TYPED = {"signature_method": "typed", "signed_by_name": "Dolores Abernathy"}
PART2 = {
    "categories": ["general", "substance_use"],
    "information_description": "Diagnosis and medication for opioid use disorder",
    "revocation_right_acknowledged": True,
}


@pytest.fixture
def lakeside_cm(other_agency_admin):
    org = other_agency_admin.memberships.get().organization
    program = accounts.program_create(
        actor=None, organization=org, name="Lakeside Primary Care", practice_area="healthcare"
    )
    user = accounts.user_create(actor=None, email="cm@lakeside.example.org", full_name="Lake CM")
    accounts.membership_grant(actor=None, user=user, role=Role.CASE_MANAGER, program=program)
    return user


def _consent(recipient, client, actor, **extra):
    data = {
        "recipient_organization": recipient.memberships.get().organization,
        "categories": ["general"],
        "purpose": "care coordination",
    }
    return consents.consent_record(actor=actor, client=client, data=data | TYPED | extra)


def _close(enrollment, actor, reason="goals_met", **extra):
    enrollment.refresh_from_db()
    return enrollment_transition(
        actor=actor,
        enrollment=enrollment,
        expected_version=enrollment.version,
        to="closed",
        closure_reason=reason,
        **extra,
    )


# --- Expiry by an observable event -----------------------------------------------------------


def test_closing_the_named_enrollment_ends_the_consent_at_once(
    lakeside_cm, client_health, cm_health
):
    enrollment = client_health.enrollments.get()
    consent = _consent(
        lakeside_cm,
        client_health,
        cm_health,
        expiry_trigger="enrollment_closed",
        expiry_enrollment=enrollment,
    )
    assert access_client(lakeside_cm, client_health.pk).access_basis == "consent"
    _close(enrollment, cm_health)
    consent.refresh_from_db()
    assert consent.ended_at is not None
    assert "enrollment it named closed" in consent.ended_note
    assert not Consent.objects.in_force().filter(pk=consent.pk).exists()
    with pytest.raises(NotFound):
        access_client(lakeside_cm, client_health.pk)
    assert not Client.objects.visible_to(lakeside_cm).exists()
    row = AuditEvent.objects.get(target_type="consent", target_id=str(consent.pk), action="update")
    assert row.details["expiry_event"] == "enrollment_closed"
    assert row.changes["ended_at"][0] is None


def test_treatment_ends_only_when_no_enrollment_is_left_in_the_agency(
    lakeside_cm, client_health, cm_health, programs, org_admin
):
    from casework.clients.services import enrollment_create

    first = client_health.enrollments.get()
    second = enrollment_create(
        actor=org_admin, client=client_health, program=programs["mental_health"]
    )
    consent = _consent(lakeside_cm, client_health, cm_health, expiry_trigger="treatment_ended")
    _close(first, cm_health)
    consent.refresh_from_db()
    assert consent.ended_at is None
    _close(second, org_admin)
    consent.refresh_from_db()
    assert consent.ended_at is not None
    assert "treatment" in consent.ended_note


def test_the_clients_death_ends_a_consent_waiting_on_it(lakeside_cm, client_health, cm_health):
    consent = _consent(lakeside_cm, client_health, cm_health, expiry_trigger="client_died")
    other = _consent(lakeside_cm, client_health, cm_health, purpose="benefits")
    _close(client_health.enrollments.get(), cm_health, reason="deceased")
    consent.refresh_from_db()
    other.refresh_from_db()
    assert consent.ended_at is not None
    assert other.ended_at is None


def test_an_ordinary_closing_does_not_end_a_death_consent(lakeside_cm, client_health, cm_health):
    consent = _consent(lakeside_cm, client_health, cm_health, expiry_trigger="client_died")
    _close(client_health.enrollments.get(), cm_health, reason="moved")
    consent.refresh_from_db()
    assert consent.ended_at is None


def test_the_enrollment_event_must_name_an_open_enrollment_of_this_client(
    lakeside_cm, client_health, cm_health
):
    with pytest.raises(ValidationError) as error:
        _consent(lakeside_cm, client_health, cm_health, expiry_trigger="enrollment_closed")
    assert "expiry_enrollment" in error.value.message_dict


# --- An event Casework cannot observe ------------------------------------------------------


def test_a_free_text_event_needs_a_review_date(lakeside_cm, client_health, cm_health):
    with pytest.raises(ValidationError) as error:
        _consent(lakeside_cm, client_health, cm_health, expiry_event="client finds housing")
    assert "review_date" in error.value.message_dict


def test_review_date_notifies_the_case_manager_and_the_consent_stays_in_force(
    lakeside_cm, client_health, cm_health
):
    review = timezone.localdate() + timedelta(days=10)
    consent = _consent(
        lakeside_cm,
        client_health,
        cm_health,
        expiry_event="client finds housing",
        review_date=review,
    )
    assert consent.expiry_trigger == "other"
    assert consent_events.consent_review_sweep(today=review - timedelta(days=1)) == 0
    assert consent_events.consent_review_sweep(today=review) == 1
    assert consent_events.consent_review_sweep(today=review) == 0
    assert Notification.objects.filter(recipient=cm_health, kind="consent_review").count() == 1
    later = review + timedelta(days=5)
    assert Consent.objects.in_force(later).filter(pk=consent.pk).exists()


def test_recording_the_event_happened_ends_the_consent(lakeside_cm, client_health, cm_health):
    consent = _consent(
        lakeside_cm,
        client_health,
        cm_health,
        expiry_event="client finds housing",
        review_date=timezone.localdate() + timedelta(days=10),
    )
    with pytest.raises(ValidationError) as error:
        consent_events.consent_event_outcome(actor=cm_health, consent=consent, happened=False)
    assert "next_review_date" in error.value.message_dict
    later = timezone.localdate() + timedelta(days=40)
    consent_events.consent_event_outcome(
        actor=cm_health, consent=consent, happened=False, next_review_date=later
    )
    consent.refresh_from_db()
    assert consent.review_date == later
    consent_events.consent_event_outcome(actor=cm_health, consent=consent, happened=True)
    consent.refresh_from_db()
    assert consent.ended_at is not None
    with pytest.raises(NotFound):
        access_client(lakeside_cm, client_health.pk)


# --- Required elements --------------------------------------------------------------------


def test_every_consent_says_how_to_revoke(lakeside_cm, client_health, cm_health):
    consent = _consent(lakeside_cm, client_health, cm_health)
    assert "revoke" in consent.revocation_instructions


def test_a_tpo_consent_to_a_covered_entity_carries_the_hipaa_statement(
    lakeside_cm, client_health, cm_health
):
    consent = _consent(
        lakeside_cm,
        client_health,
        cm_health,
        kind="tpo",
        recipient_is_covered_entity=True,
        expiry_trigger="treatment_ended",
        **PART2,
    )
    assert consent.hipaa_redisclosure_statement == HIPAA_REDISCLOSURE_STATEMENT
    plain = _consent(lakeside_cm, client_health, cm_health, purpose="x")
    assert plain.hipaa_redisclosure_statement == ""


def test_part2_consent_refuses_an_empty_way_to_revoke_and_statement(
    lakeside_cm, client_health, cm_health, monkeypatch
):
    monkeypatch.setattr("casework.clients.consent.fill_defaults", lambda consent: None)
    with pytest.raises(ValidationError) as error:
        _consent(
            lakeside_cm,
            client_health,
            cm_health,
            kind="tpo",
            recipient_is_covered_entity=True,
            expiry_trigger="treatment_ended",
            **PART2,
        )
    assert {"revocation_instructions", "hipaa_redisclosure_statement"} <= set(
        error.value.message_dict
    )


def test_state_example_sets_ship_inactive_and_an_admin_adopts_one(
    lakeside_cm, client_health, cm_health, agency
):
    example = ConsentElementSet.objects.get(organization=None, key="hiv-state-example")
    assert not example.is_active
    _consent(lakeside_cm, client_health, cm_health, categories=["general", "hiv"])
    ConsentElementSet.objects.create(
        organization=agency,
        key=example.key,
        name="HIV-related information (New York)",
        category="hiv",
        state="NY",
        elements=["expiry_date", "information_description"],
    )
    with pytest.raises(ValidationError) as error:
        _consent(lakeside_cm, client_health, cm_health, categories=["general", "hiv"])
    assert {"expiry_date", "information_description"} <= set(error.value.message_dict)
    _consent(
        lakeside_cm,
        client_health,
        cm_health,
        categories=["general", "hiv"],
        information_description="HIV status and viral load",
        expiry_date=timezone.localdate() + timedelta(days=365),
    )


def test_consent_effective_before_1900_is_refused(lakeside_cm, client_health, cm_health):
    with pytest.raises(ValidationError) as error:
        _consent(lakeside_cm, client_health, cm_health, effective_date=datetime.date(1899, 12, 31))
    assert "effective_date" in error.value.message_dict


# --- The notice travels with the disclosure ------------------------------------------------


def test_the_recipient_gets_the_part2_notice_and_the_scope(lakeside_cm, client_health, cm_health):
    _consent(lakeside_cm, client_health, cm_health, expiry_trigger="treatment_ended", **PART2)
    seen = access_client(lakeside_cm, client_health.pk)
    notice = seen.disclosure_notice
    assert "42 CFR part 2" in notice.part2_notice
    (scope,) = notice.scopes
    assert scope.until == "Treatment in the disclosing program ends"
    assert "revoke" in scope.how_to_revoke
    assert any("42 CFR part 2" in line for line in notice_lines(notice))


def test_staff_of_the_clients_program_get_no_notice(cm_health, client_health):
    seen = access_client(cm_health, client_health.pk)
    assert seen.disclosure_notice is None
    assert disclosure_notice(cm_health, seen) is None


def test_no_part2_notice_without_substance_use(lakeside_cm, client_health, cm_health):
    _consent(lakeside_cm, client_health, cm_health)
    notice = access_client(lakeside_cm, client_health.pk).disclosure_notice
    assert notice.part2_notice == ""
    assert notice.scopes[0].until == "until revoked"


# --- Accounting of disclosures -----------------------------------------------------------


def test_a_read_under_consent_is_accounted_for(lakeside_cm, client_health, cm_health):
    consent = _consent(lakeside_cm, client_health, cm_health)
    access_client(cm_health, client_health.pk)
    assert disclosures_of(client_health.pk) == []
    access_client(lakeside_cm, client_health.pk)
    (row,) = disclosures_of(client_health.pk)
    assert row.recipient_id == lakeside_cm.pk
    assert row.basis == "consent"
    assert row.consent_ids == [consent.pk]
    assert row.categories == ["general"]
    assert row.purpose == "care coordination"
    assert row.audit_event_id is not None


def test_emergency_access_is_accounted_for(cm_mental_health, client_health):
    reason = "Client in crisis at the ER, need medication list"
    consents.break_glass_open(actor=cm_mental_health, client_id=client_health.pk, reason=reason)
    access_client(cm_mental_health, client_health.pk)
    (row,) = disclosures_of(client_health.pk)
    assert row.basis == "break_glass"


def test_the_accounting_cannot_be_changed(lakeside_cm, client_health, cm_health):
    _consent(lakeside_cm, client_health, cm_health)
    access_client(lakeside_cm, client_health.pk)
    row = Disclosure.objects.get()
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        Disclosure.objects.update(purpose="x")
    with pytest.raises(AppendOnlyError):
        row.delete()
    from django.db import DatabaseError, connection

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_disclosure SET purpose = 'x'")


# --- Emergency access ----------------------------------------------------------------------


def test_emergency_access_lasts_the_organizations_limit(cm_mental_health, client_health, agency):
    reason = "Client in crisis at the ER, need medication list"
    grant = consents.break_glass_open(
        actor=cm_mental_health, client_id=client_health.pk, reason=reason
    )
    assert grant.expires_at - grant.opened_at == timedelta(minutes=60)
    agency.emergency_access_minutes = 120
    agency.save()
    grant = consents.break_glass_open(
        actor=cm_mental_health, client_id=client_health.pk, reason=reason
    )
    assert grant.expires_at - grant.opened_at == timedelta(minutes=120)
    with pytest.raises(ValidationError) as error:
        consents.break_glass_open(
            actor=cm_mental_health, client_id=client_health.pk, reason=reason, minutes=121
        )
    assert "minutes" in error.value.message_dict


def test_the_organization_cannot_raise_emergency_access_past_four_hours(agency):
    agency.emergency_access_minutes = 241
    with pytest.raises(ValidationError):
        agency.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        agency.save()


def test_auditors_cannot_open_emergency_access(auditor, make_client, cm_mental_health):
    client = make_client("mental_health", actor=cm_mental_health)
    reason = "Client in crisis at the ER, need medication list"
    with pytest.raises(NotFound):
        consents.break_glass_open(actor=auditor, client_id=client.pk, reason=reason)
    assert consents.client_emergency_search(actor=auditor, text="Lopez") == []


def test_emergency_access_ends_after_an_hour_by_default(cm_mental_health, client_health):
    reason = "Client in crisis at the ER, need medication list"
    consents.break_glass_open(actor=cm_mental_health, client_id=client_health.pk, reason=reason)
    later = timezone.now() + timedelta(minutes=60, seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later), pytest.raises(NotFound):
        access_client(cm_mental_health, client_health.pk)


def test_closing_before_the_start_is_refused_not_moved(cm_health, client_health):
    enrollment = client_health.enrollments.get()
    with pytest.raises(ValidationError) as error:
        _close(enrollment, cm_health, on=enrollment.start_date - timedelta(days=1))
    assert "end_date" in error.value.message_dict
    assert Enrollment.objects.get(pk=enrollment.pk).status != "closed"
