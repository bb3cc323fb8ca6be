"""``/me`` and ``/programs``: what the caller holds and where they may work."""

from __future__ import annotations

from casework.api.tests.helpers import assert_problem


def test_me_lists_organization_roles(api_as, org_admin, agency):
    body = api_as(org_admin).get("me").json()
    assert body["roles"] == ["org_admin"]
    assert body["organizations"] == [
        {"id": agency.pk, "name": agency.name, "kind": "agency", "roles": ["org_admin"]}
    ]
    assert body["programs"] == []


def test_me_needs_authentication(db):
    from casework.api.tests.helpers import Api

    assert_problem(Api().get("me"), 401)


def test_case_manager_sees_own_program_and_may_write_there(api_as, cm_health, programs):
    results = api_as(cm_health).get("programs").json()["results"]
    assert [(p["id"], p["roles"], p["can_write"]) for p in results] == [
        (programs["healthcare"].pk, ["case_manager"], True)
    ]


def test_org_admin_sees_every_program_of_the_organization(api_as, org_admin, programs):
    body = api_as(org_admin).get("programs").json()
    assert body["count"] == 4
    assert all(p["can_write"] for p in body["results"])


def test_auditor_sees_every_program_but_may_write_in_none(api_as, auditor, programs):
    body = api_as(auditor).get("programs").json()
    assert body["count"] == 4
    assert not any(p["can_write"] for p in body["results"])


def test_partner_and_other_agency_see_none_of_the_programs(
    api_as, partner, other_agency_admin, programs
):
    assert api_as(partner).get("programs").json()["count"] == 0
    assert api_as(other_agency_admin).get("programs").json()["count"] == 0


def test_programs_filter_by_practice_area(api_as, org_admin, programs):
    results = api_as(org_admin).get("programs?practice_area=mental_health").json()["results"]
    assert [p["id"] for p in results] == [programs["mental_health"].pk]
    assert_problem(api_as(org_admin).get("programs?practice_area=astrology"), 422)
