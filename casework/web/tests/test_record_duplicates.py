"""The duplicates queue, merge and undo through the web UI (issue 3)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.test import Client as HttpClient

from casework.audit.models import AuditEvent
from casework.clients import record_services as parts
from casework.clients.models import Client, ClientIdentifier, ClientName, DuplicateCandidate
from casework.web.tests.helpers import signed_in, text


@pytest.fixture
def pair(cm_health, org_admin, make_client):
    """The same person entered twice: in healthcare, and by an admin in mental health."""
    first = make_client(
        actor=cm_health,
        given_name="Robert",
        family_name="Ford",
        date_of_birth=datetime.date(1950, 3, 1),
        phone="555-0101",
    )
    second = make_client(
        "mental_health",
        actor=org_admin,
        given_name="Bob",
        family_name="Ford",
        date_of_birth=datetime.date(1950, 3, 1),
        phone="555-0199",
    )
    parts.record_part_add(
        actor=cm_health,
        client=first,
        part="identifiers",
        data={"kind": "mrn", "issuer": "Mercy", "value": "MRN-77"},
    )
    return first, second


@pytest.fixture
def queued(pair, org_admin):
    from casework.clients.merge import duplicate_candidates_record

    first, second = pair
    duplicate_candidates_record(
        organization_id=first.organization_id,
        pairs=[(first.pk, second.pk, 0.93, ["date of birth matches"])],
    )
    return DuplicateCandidate.objects.get()


@pytest.fixture
def admin(org_admin):
    return signed_in(HttpClient(), org_admin)


def test_queue_shows_the_pair_side_by_side_with_differences_marked(admin, queued):
    page = text(admin.get("/duplicates/"))
    assert "Robert" in page
    assert "Bob" in page
    assert "0.93" in page
    assert "date of birth matches" in page
    assert 'class="cw-differs"' in page
    assert "style=" not in page


def test_case_managers_have_no_queue(cm_health, queued):
    http = signed_in(HttpClient(), cm_health)
    assert http.get("/duplicates/").status_code == 403
    assert (
        http.post(f"/duplicates/{queued.pk}/merge/", {"survivor": queued.client_a_id}).status_code
        == 404
    )
    assert DuplicateCandidate.objects.get().status == "open"


def test_merge_then_undo_restores_every_record(admin, queued, pair):
    first, second = pair
    response = admin.post(f"/duplicates/{queued.pk}/merge/", {"survivor": second.pk})
    assert response.status_code == 302
    assert Client.objects.get(pk=first.pk).merged_into_id == second.pk
    assert ClientIdentifier.objects.get().client_id == second.pk
    assert ClientName.objects.filter(client=second, kind="merged").exists()
    assert AuditEvent.objects.filter(target_type="client_merge").exists()
    assert "Undo merge" in text(admin.get("/duplicates/"))
    from casework.clients.models import ClientMerge

    merge = ClientMerge.objects.get()
    assert admin.post(f"/merges/{merge.pk}/undo/").status_code == 302
    restored = Client.objects.get(pk=first.pk)
    assert restored.is_active
    assert restored.merged_into_id is None
    assert ClientIdentifier.objects.get().client_id == first.pk
    assert not ClientName.objects.filter(client=second).exists()
    assert DuplicateCandidate.objects.get().status == "open"


def test_not_a_duplicate_is_remembered(admin, queued, pair):
    from casework.clients.merge import duplicate_candidates_record

    assert admin.post(f"/duplicates/{queued.pk}/not-duplicate/").status_code == 302
    first, second = pair
    duplicate_candidates_record(
        organization_id=first.organization_id, pairs=[(first.pk, second.pk, 0.99, [])]
    )
    assert DuplicateCandidate.objects.get().status == "not_duplicate"
    assert "Robert" not in text(admin.get("/duplicates/"))


def test_merge_needs_a_survivor_from_the_pair(admin, queued, pair):
    response = admin.post(f"/duplicates/{queued.pk}/merge/", {"survivor": "999"})
    assert response.status_code == 302
    assert DuplicateCandidate.objects.get().status == "open"


def test_run_the_matcher_queues_likely_pairs_with_reasons(admin, pair):
    response = admin.post("/duplicates/run/", follow=True)
    assert response.status_code == 200
    found = DuplicateCandidate.objects.get()
    assert {found.client_a_id, found.client_b_id} == {pair[0].pk, pair[1].pk}
    assert found.reasons
    assert 0 <= found.score <= 1
    run = AuditEvent.objects.get(target_type="client_match_run")
    assert run.actor_label == "admin@example.org"


def test_case_managers_cannot_run_the_matcher(cm_health, pair):
    http = signed_in(HttpClient(), cm_health)
    assert http.post("/duplicates/run/").status_code == 403
    assert not DuplicateCandidate.objects.exists()


@pytest.fixture
def three_pairs(pair, cm_health, cm_mental_health, make_client):
    """A pair in healthcare, one in mental health, and ``pair`` across the two programs."""
    born = datetime.date(1972, 6, 15)
    health = [
        make_client(actor=cm_health, given_name=name, family_name="Okafor", date_of_birth=born)
        for name in ("Katherine", "Kathy")
    ]
    mental = [
        make_client(
            "mental_health",
            actor=cm_mental_health,
            given_name="Wei",
            family_name=family,
            date_of_birth=datetime.date(1988, 1, 30),
        )
        for family in ("Chen", "Chen")
    ]
    return {
        "health": _ids(*health),
        "mental": _ids(*mental),
        "across": _ids(*pair),
    }


def _ids(a: Client, b: Client) -> tuple[int, int]:
    return min(a.pk, b.pk), max(a.pk, b.pk)


def _queued() -> set[tuple[int, int]]:
    return set(DuplicateCandidate.objects.values_list("client_a_id", "client_b_id"))


@pytest.mark.parametrize(
    ("reviewer", "expected"),
    [("sup_health", {"health"}), ("org_admin", {"health", "mental", "across"})],
)
def test_the_page_and_the_command_queue_the_same_pairs_for_a_reviewer(
    request, three_pairs, reviewer, expected
):
    from django.core.management import call_command

    user = request.getfixturevalue(reviewer)
    response = signed_in(HttpClient(), user).post("/duplicates/run/", follow=True)
    from_page = _queued()
    assert from_page == {three_pairs[name] for name in expected}
    assert f"found {len(expected)} likely duplicate pair(s) among the clients you may see" in (
        text(response)
    )
    DuplicateCandidate.objects.all().delete()
    call_command("match", "--reviewer", user.email, "--no-progress", stdout=io.StringIO())
    assert _queued() == from_page
    runs = AuditEvent.objects.filter(target_type="client_match_run").order_by("pk")
    assert [(r.actor_id, r.details["channel"]) for r in runs] == [
        (user.pk, "duplicates page"),
        (user.pk, "command line"),
    ]
    assert runs[0].details["clients"] == runs[1].details["clients"]
    assert runs[0].details["pairs"] == len(expected)
