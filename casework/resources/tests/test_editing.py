"""Curating organizations and locations (web and API), and linking a listing to the partner
organization that receives its referrals: validation naming fields, forms that keep what was
typed, audit rows, HSDS provenance rows, curators only."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from casework.accounts.models import Organization as Agency
from casework.api.tests.helpers import Api, token_for
from casework.audit.models import AuditEvent
from casework.resources import models as d
from casework.resources.testing import make_directory

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(db: None) -> dict[str, d.Service]:
    return make_directory()


def _as(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return http


ORG = {"name": "Eastside Tenants Union", "description": "Helps tenants keep their homes.",
       "email": "help@eastside.example.org", "website": "https://eastside.example.org",
       "year_incorporated": "1998"}  # fmt: skip


def test_a_curator_adds_and_edits_an_organization_on_the_web(org_admin) -> None:
    http = _as(org_admin)
    response = http.post("/directory/organizations/new/", ORG)
    assert response.status_code == 302, response.content[:2000]
    org = d.Organization.objects.get(name="Eastside Tenants Union")
    assert len(org.pk) == 36
    assert org.year_incorporated == 1998
    assert response["Location"] == f"/directory/organizations/{org.pk}/"
    assert AuditEvent.objects.filter(
        action="create", target_type="directory_organization", target_id=org.pk
    ).exists()
    edited = http.post(f"/directory/organizations/{org.pk}/", ORG | {"email": "new@x.example"})
    assert edited.status_code == 302
    org.refresh_from_db()
    assert org.email == "new@x.example"
    event = AuditEvent.objects.get(action="update", target_id=org.pk)
    assert event.changes["email"] == ["help@eastside.example.org", "new@x.example"]
    provenance = d.Metadata.objects.get(
        resource_id=org.pk, field_name="email", last_action_type="update"
    )
    assert (provenance.previous_value, provenance.replacement_value) == (
        "help@eastside.example.org", "new@x.example",
    )  # fmt: skip
    assert provenance.updated_by == f"Casework user {org_admin.pk}"  # no name in the export
    listed = http.get("/directory/organizations/?q=eastside")
    assert b"Eastside Tenants Union" in listed.content


def test_bad_organization_input_names_each_field_and_keeps_what_was_typed(org_admin) -> None:
    bad = ORG | {"description": "", "email": "not-an-address", "website": "eastside",
                 "year_incorporated": "19x8"}  # fmt: skip
    response = _as(org_admin).post("/directory/organizations/new/", bad)
    assert response.status_code == 422
    text = response.content.decode()
    assert "Email: Enter an email address" in text
    assert "Website: Enter a web address starting with https://" in text
    assert "Year founded: Enter a number." in text
    assert "Description: Describe what the organization does" in text
    assert 'value="not-an-address"' in text
    assert 'value="19x8"' in text
    assert not d.Organization.objects.exists()


def test_a_curator_adds_and_edits_a_location_with_its_address(org_admin) -> None:
    http = _as(org_admin)
    org = d.Organization.objects.create(id="0d6a2a4e-6a7e-4a55-9d2b-1f0b1f6b0a11", name="A",
                                        description="B")  # fmt: skip
    place = {"location_type": "physical", "name": "Main office", "address_1": "1 State St",
             "city": "Albany", "state_province": "new york", "postal_code": "12207",
             "country": "us", "latitude": "42.65", "longitude": "-73.75"}  # fmt: skip
    response = http.post(f"/directory/organizations/{org.pk}/locations/new/", place)
    assert response.status_code == 302, response.content[:2000]
    location = d.Location.objects.get(organization=org)
    (address,) = location.addresses.all()
    assert address.state_province == "NY"
    assert (address.country, address.address_type) == ("US", "physical")
    assert AuditEvent.objects.filter(action="create", target_id=location.pk).exists()
    bad = place | {"latitude": "142", "longitude": "", "postal_code": "1220", "city": ""}
    page = http.post(f"/directory/locations/{location.pk}/", bad)
    assert page.status_code == 422
    text = page.content.decode()
    assert "Latitude: Enter a number between -90 and 90." in text
    assert "City: Give the city" in text
    assert "ZIP code: Enter a ZIP code of 5 digits" in text
    assert 'value="142"' in text
    ok = http.post(f"/directory/locations/{location.pk}/", place | {"address_2": "Suite 4"})
    assert ok.status_code == 302
    address.refresh_from_db()
    assert address.address_2 == "Suite 4"
    assert AuditEvent.objects.get(action="update", target_id=location.pk).changes == {
        "address.address_2": ["", "Suite 4"]
    }


def test_linking_a_listing_to_a_partner_routes_its_referrals(org_admin, partner, directory) -> None:
    org = directory["rent"].organization
    harbor = Agency.objects.get(name="Harbor Food Bank")
    http = _as(org_admin)
    page = http.get(f"/directory/organizations/{org.pk}/partner/")
    assert b"Harbor Food Bank" in page.content
    refused = http.post(f"/directory/organizations/{org.pk}/partner/",
                        {"partner": org_admin.memberships.get().organization_id})  # fmt: skip
    assert refused.status_code == 422  # an agency is not a partner
    response = http.post(f"/directory/organizations/{org.pk}/partner/", {"partner": harbor.pk})
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.casework_organization == harbor
    event = AuditEvent.objects.get(target_type="directory_organization", target_id=org.pk)
    assert event.changes == {"casework_organization": [None, harbor.pk]}
    http.post(f"/directory/organizations/{org.pk}/partner/", {"partner": ""})
    org.refresh_from_db()
    assert org.casework_organization is None


@pytest.mark.parametrize(
    "path",
    ["/directory/organizations/", "/directory/organizations/new/",
     "/directory/organizations/{org}/", "/directory/organizations/{org}/partner/",
     "/directory/organizations/{org}/locations/new/", "/directory/locations/{loc}/"],
)  # fmt: skip
def test_only_curators_reach_the_editing_pages(cm_health, partner, directory, path) -> None:
    location = d.Location.objects.order_by("pk").first()
    assert location is not None
    url = path.format(org=directory["rent"].organization_id, loc=location.pk)
    for user in (cm_health, partner):
        assert _as(user).get(url).status_code == 404
        assert _as(user).post(url, ORG).status_code == 404


def test_the_api_edits_organizations_locations_and_partner_links(
    org_admin, partner, cm_health
) -> None:
    api = Api(token_for(org_admin))
    created = api.post("directory/organizations", {"name": "Food Link", "description": "Food"})
    assert created.status_code == 201, created.content
    org_id = created.json()["id"]
    bad = api.patch(f"directory/organizations/{org_id}", {"email": "nope", "website": "x"})
    assert bad.status_code == 422
    fields = {e.get("field") for e in bad.json()["errors"]}
    assert {"email", "website"} <= fields
    ok = api.patch(f"directory/organizations/{org_id}", {"alternate_name": "FL"})
    assert ok.json()["alternate_name"] == "FL"
    assert ok.json()["name"] == "Food Link"
    place = api.post(f"directory/organizations/{org_id}/locations",
                     {"location_type": "physical", "address_1": "2 Elm St", "city": "Troy",
                      "state_province": "NY", "postal_code": "12180", "country": "US"})  # fmt: skip
    assert place.status_code == 201, place.content
    loc_id = place.json()["id"]
    moved = api.patch(f"directory/locations/{loc_id}", {"latitude": 42.73})
    assert moved.status_code == 422
    assert {e.get("field") for e in moved.json()["errors"]} == {"longitude"}
    harbor = Agency.objects.get(name="Harbor Food Bank")
    linked = api._call("put", f"directory/organizations/{org_id}/partner",
                       {"partner_organization_id": harbor.pk})  # fmt: skip
    assert linked.status_code == 200
    assert linked.json()["partner_organization_name"] == "Harbor Food Bank"
    assert linked.json()["locations"][0]["addresses"][0]["city"] == "Troy"
    for user in (cm_health, partner):
        other = Api(token_for(user))
        assert other.get(f"directory/organizations/{org_id}").status_code == 404
        assert other.patch(f"directory/organizations/{org_id}", {"name": "X"}).status_code == 404
