"""Merging duplicates and undoing it (issue 3)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from casework.audit.models import AuditEvent
from casework.clients import consent as consents
from casework.clients import merge as merging
from casework.clients import record_services as parts
from casework.clients.models import Client, ClientName, Consent, DuplicateCandidate, Enrollment
from casework.core.exceptions import PermissionDenied


@pytest.fixture
def twin_records(cm_health, make_client, programs):
    """The same person entered twice: once in healthcare, once in mental health."""
    from casework.accounts import services as accounts
    from casework.accounts.models import Role

    mh = accounts.user_create(actor=None, email="cm.mh2@example.org", full_name="MH Two")
    accounts.membership_grant(
        actor=None, user=mh, role=Role.CASE_MANAGER, program=programs["mental_health"]
    )
    first = make_client(
        actor=cm_health,
        given_name="Robert",
        family_name="Ford",
        date_of_birth=datetime.date(1950, 3, 1),
    )
    second = make_client(
        "mental_health",
        actor=mh,
        given_name="Bob",
        family_name="Ford",
        date_of_birth=datetime.date(1950, 1, 3),
    )
    parts.record_part_add(
        actor=mh,
        client=second,
        part="identifiers",
        data={"kind": "mrn", "issuer": "Mercy", "value": "MRN-77"},
    )
    parts.record_part_add(
        actor=mh, client=second, part="contacts", data={"system": "phone", "value": "555-0199"}
    )
    consents.consent_record(
        actor=mh,
        client=second,
        data={
            "recipient_name": "Dr. Ford's daughter",
            "categories": ["general"],
            "purpose": "family",
            "signature_method": "typed",
            "signed_by_name": "Bob Ford",
        },
    )
    return first, second


@pytest.fixture
def supervisor_of_both(programs):
    from casework.accounts import services as accounts
    from casework.accounts.models import Role

    user = accounts.user_create(actor=None, email="sup.both@example.org", full_name="Sup Both")
    for area in ("healthcare", "mental_health"):
        accounts.membership_grant(
            actor=None, user=user, role=Role.SUPERVISOR, program=programs[area]
        )
    return user


def _rows(client):
    return {
        "enrollments": set(Enrollment.objects.filter(client=client).values_list("pk", "version")),
        "consents": set(Consent.objects.filter(client=client).values_list("pk", flat=True)),
        "names": set(ClientName.objects.filter(client=client).values_list("pk", flat=True)),
        "parts": {k: [r.pk for r in v] for k, v in parts.record_parts_for(None, client).items()},
    }


def test_merge_moves_every_record_and_keeps_names_as_aliases(twin_records, supervisor_of_both):
    first, second = twin_records
    merge = merging.client_merge(actor=supervisor_of_both, survivor=first, merged=second)
    assert Enrollment.objects.filter(client=first).count() == 2
    assert Consent.objects.filter(client=first).count() == 1
    moved = parts.record_parts_for(None, first)
    assert [str(i) for i in moved["identifiers"]] == ["Medical record number MRN-77"]
    assert [str(c) for c in moved["contacts"]] == ["555-0199"]
    assert {str(n) for n in ClientName.objects.filter(client=first)} == {"Bob Ford"}
    gone = Client.objects.get(pk=second.pk)
    assert not gone.is_active
    assert gone.merged_into_id == first.pk
    event = AuditEvent.objects.get(target_type="client_merge", target_id=str(merge.pk))
    assert event.details["pre_merge"]["given_name"] == "Bob"


def test_unmerge_restores_every_moved_record_exactly(twin_records, supervisor_of_both):
    first, second = twin_records
    before_first, before_second = _rows(first), _rows(second)
    merge = merging.client_merge(actor=supervisor_of_both, survivor=first, merged=second)
    restored = merging.client_unmerge(actor=supervisor_of_both, merge=merge)
    assert restored.is_active
    assert restored.merged_into_id is None
    after_first, after_second = _rows(first), _rows(second)
    assert after_first["consents"] == before_first["consents"]
    assert after_second["consents"] == before_second["consents"]
    assert after_first["names"] == before_first["names"]
    assert after_second["parts"] == before_second["parts"]
    assert {pk for pk, _ in after_second["enrollments"]} == {
        pk for pk, _ in before_second["enrollments"]
    }
    assert AuditEvent.objects.filter(target_type="client_unmerge").count() == 1


def test_case_manager_cannot_merge(twin_records, cm_health):
    first, second = twin_records
    with pytest.raises(PermissionDenied):
        merging.client_merge(actor=cm_health, survivor=first, merged=second)


def test_merge_refuses_two_open_enrollments_in_one_program(
    cm_health, make_client, supervisor_of_both
):
    a = make_client(actor=cm_health, given_name="Ann", family_name="Lee")
    b = make_client(actor=cm_health, given_name="Anne", family_name="Lee")
    with pytest.raises(ValidationError) as error:
        merging.client_merge(actor=supervisor_of_both, survivor=a, merged=b)
    assert "Care Transitions" in str(error.value)


def test_not_a_duplicate_is_remembered(twin_records, supervisor_of_both, agency):
    first, second = twin_records
    pairs = [(second.pk, first.pk, 0.91, ["last name matches"])]
    assert merging.duplicate_candidates_record(organization_id=agency.pk, pairs=pairs) == 1
    candidate = merging.duplicate_queue(supervisor_of_both).get()
    assert (candidate.client_a_id, candidate.client_b_id) == (first.pk, second.pk)
    merging.duplicate_mark_not_duplicate(actor=supervisor_of_both, candidate=candidate)
    merging.duplicate_candidates_record(organization_id=agency.pk, pairs=pairs)
    assert not merging.duplicate_queue(supervisor_of_both).exists()
    assert DuplicateCandidate.objects.get().status == "not_duplicate"


def test_queue_hides_pairs_the_user_cannot_see(twin_records, cm_health, agency):
    first, second = twin_records
    merging.duplicate_candidates_record(
        organization_id=agency.pk, pairs=[(first.pk, second.pk, 0.9, [])]
    )
    assert not merging.duplicate_queue(cm_health).exists()
