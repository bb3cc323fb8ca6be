"""The intake record's parts and the enrollment lifecycle (issue 3), at the service layer."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from casework.accounts import services as accounts
from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from casework.clients import consent as consents
from casework.clients import record_services as parts
from casework.clients import services
from casework.clients.models import ClientAddress, ClientIdentifier, Disability, Enrollment
from casework.clients.permissions import access_client
from casework.core.exceptions import NotFound, StaleVersion


def _address(line1, valid_from):
    return {
        "use": "current",
        "line1": line1,
        "city": "Albany",
        "state": "NY",
        "valid_from": valid_from,
    }


def test_new_current_address_moves_the_old_one_to_previous(cm_health, client_health):
    parts.record_part_add(
        actor=cm_health,
        client=client_health,
        part="addresses",
        data=_address("1 Old Road", datetime.date(2020, 1, 1)),
    )
    parts.record_part_add(
        actor=cm_health,
        client=client_health,
        part="addresses",
        data=_address("2 New Street", datetime.date(2026, 6, 1)),
    )
    rows = {a.line1: a for a in ClientAddress.objects.filter(client=client_health)}
    assert rows["1 Old Road"].use == "previous"
    assert rows["1 Old Road"].valid_to == datetime.date(2026, 5, 31)
    assert rows["2 New Street"].use == "current"
    assert AuditEvent.objects.filter(target_type="clientaddress").count() == 3


def test_part_update_is_versioned(cm_health, client_health):
    item = parts.record_part_add(
        actor=cm_health,
        client=client_health,
        part="identifiers",
        data={"kind": "medicaid", "issuer": "NY", "value": "AB12345C"},
    )
    parts.record_part_update(
        actor=cm_health, item=item, expected_version=1, data={"value": "AB12345D"}
    )
    with pytest.raises(StaleVersion):
        parts.record_part_update(
            actor=cm_health, item=item, expected_version=1, data={"value": "ZZ"}
        )
    assert ClientIdentifier.objects.get(pk=item.pk).value == "AB12345D"


def test_unknown_part_fields_are_refused(cm_health, client_health):
    with pytest.raises(ValidationError) as error:
        parts.record_part_add(
            actor=cm_health,
            client=client_health,
            part="insurance",
            data={"payer": "Acme", "member_id": "1", "ssn": "x"},
        )
    assert "ssn" in error.value.message_dict


def test_part_of_another_client_is_not_found(cm_health, client_health, make_client):
    other = make_client(actor=cm_health, given_name="Teddy", family_name="Flood")
    item = parts.record_part_add(
        actor=cm_health,
        client=other,
        part="emergency_contacts",
        data={"name": "Kin", "phone": "555-0101"},
    )
    with pytest.raises(NotFound):
        parts.record_part_get(client=client_health, part="emergency_contacts", item_id=item.pk)


def test_substance_use_disability_needs_a_part2_consent(
    cm_health, client_health, other_agency_admin
):
    for kind in (5, 10):
        parts.record_part_add(
            actor=cm_health,
            client=client_health,
            part="disabilities",
            data={
                "disability_type": kind,
                "response": 1,
                "substance_use": 2 if kind == 10 else None,
            },
        )
    org = other_agency_admin.memberships.get().organization
    consents.consent_record(
        actor=cm_health,
        client=client_health,
        data={
            "recipient_organization": org,
            "categories": ["general"],
            "purpose": "referral",
            "signature_method": "typed",
            "signed_by_name": "Dolores Abernathy",
        },
    )
    seen = access_client(other_agency_admin, client_health.pk)
    shown = parts.record_parts_for(other_agency_admin, seen)["disabilities"]
    types = [d.disability_type for d in shown if isinstance(d, Disability)]
    assert types == [5]
    own = access_client(cm_health, client_health.pk)
    assert len(parts.record_parts_for(cm_health, own)["disabilities"]) == 2


def test_confidential_client_addresses_hidden_outside_care_team(
    cm_health, client_health, org_admin
):
    parts.record_part_add(
        actor=cm_health,
        client=client_health,
        part="addresses",
        data=_address("9 Safe House Way", datetime.date(2026, 1, 1)),
    )
    services.client_update(
        actor=cm_health,
        client=client_health,
        expected_version=client_health.version,
        data={"address_confidential": True},
    )
    seen = access_client(org_admin, client_health.pk)
    assert parts.record_parts_for(org_admin, seen)["addresses"] == []
    own = access_client(cm_health, client_health.pk)
    assert len(parts.record_parts_for(cm_health, own)["addresses"]) == 1


def _enrollment(client):
    return Enrollment.objects.get(client=client)


def test_closing_needs_a_reason_and_is_final(cm_health, client_health):
    enrollment = _enrollment(client_health)
    with pytest.raises(ValidationError) as error:
        services.enrollment_transition(
            actor=cm_health, enrollment=enrollment, expected_version=enrollment.version, to="closed"
        )
    assert "closure_reason" in error.value.message_dict
    services.enrollment_transition(
        actor=cm_health,
        enrollment=enrollment,
        expected_version=enrollment.version,
        to="closed",
        closure_reason="goals_met",
    )
    closed = _enrollment(client_health)
    assert closed.end_date is not None
    with pytest.raises(ValidationError):
        services.enrollment_transition(
            actor=cm_health, enrollment=closed, expected_version=closed.version, to="active"
        )


def test_reenrollment_keeps_history(cm_health, client_health, programs):
    enrollment = _enrollment(client_health)
    services.enrollment_transition(
        actor=cm_health,
        enrollment=enrollment,
        expected_version=enrollment.version,
        to="closed",
        closure_reason="moved",
    )
    services.enrollment_create(
        actor=cm_health, client=client_health, program=programs["healthcare"]
    )
    assert Enrollment.objects.filter(client=client_health).count() == 2


def test_housing_programs_record_a_destination(make_client, programs):
    worker = accounts.user_create(actor=None, email="cm.h@example.org", full_name="CM H")
    accounts.membership_grant(
        actor=None, user=worker, role=Role.CASE_MANAGER, program=programs["social_services"]
    )
    client = make_client("social_services", actor=worker)
    enrollment = _enrollment(client)
    with pytest.raises(ValidationError) as error:
        services.enrollment_transition(
            actor=worker,
            enrollment=enrollment,
            expected_version=enrollment.version,
            to="closed",
            closure_reason="moved",
        )
    assert "destination" in error.value.message_dict
    services.enrollment_transition(
        actor=worker,
        enrollment=enrollment,
        expected_version=enrollment.version,
        to="closed",
        closure_reason="moved",
        destination=410,
    )
    assert _enrollment(client).destination == 410


def test_waitlist_position_follows_waiting_order(cm_health, make_client):
    waiting = []
    for name in ("Ada", "Bea", "Cy"):
        client = make_client(actor=cm_health, given_name=name, enrollment_status="referred")
        waiting.append(client)
    for client in waiting:
        enrollment = _enrollment(client)
        services.enrollment_transition(
            actor=cm_health,
            enrollment=enrollment,
            expected_version=enrollment.version,
            to="waitlisted",
        )
    assert [_enrollment(c).waitlist_position for c in waiting] == [1, 2, 3]
