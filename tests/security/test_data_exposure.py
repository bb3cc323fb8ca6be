"""What each reader may see of a client they may reach: lists stay in their tenant, the SSN
stays masked but for the audited reveal, substance-use rows need a Part 2 consent, and every
read of a client is in the audit trail."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from casework.accounts.models import Organization, User
from casework.audit.models import AuditAction, AuditEvent
from casework.clients import consent as consents
from casework.clients.models import ConsentCategory, DisabilityType
from tests.security.conftest import FAMILY, SSN, SSN_DIGITS, World, signed_in
from tests.security.test_api_authorization import Api


def _text(response: Any) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8", "replace")


# --- Lists and searches stay inside the tenant ---------------------------------------------

LISTS = [
    "/",
    "/clients/",
    "/clients/?q=Abernathy",
    "/clients/?q=Dolores&sort=newest",
    "/clients/?dob=1961-04-12",
    "/intake/?given_name=Dolores&family_name=Abernathy&program=0",
]
API_LISTS = ["/clients", "/clients?q=Abernathy", "/enrollments", "/duplicates"]


@pytest.mark.parametrize("who", ["cm_other_program", "other_agency_admin", "other_agency_cm"])
def test_lists_and_searches_never_show_another_programs_or_tenants_clients(
    who: str, world: World, intruders: dict[str, User | None]
) -> None:
    user = intruders[who]
    http = signed_in(user)
    link = f'href="/clients/{world.client.pk}/"'
    for url in LISTS:
        response = http.get(url)
        assert response.status_code in (200, 403, 404), (url, response.status_code)
        text = _text(response)
        assert link not in text, (who, url)
        if FAMILY not in url:  # a search form shows back what was typed
            assert FAMILY not in text, (who, url)
    api = Api(user)
    for path in API_LISTS:
        response = api.get(path)
        assert response.status_code in (200, 403), (path, response.content[:200])
        assert FAMILY not in _text(response), (who, path)


def test_the_owner_does_find_the_client_in_the_same_lists(world: World) -> None:
    """The twin of the test above: the searches do return the client to its own staff."""
    found = _text(signed_in(world.owner).get("/clients/?dob=1961-04-12"))
    assert f'href="/clients/{world.client.pk}/"' in found
    assert FAMILY in _text(Api(world.owner).get("/clients?q=Abernathy"))


@pytest.mark.parametrize("who", ["partner", "other_agency_admin"])
def test_audit_and_compliance_exports_stay_in_the_tenant(
    who: str, world: World, intruders: dict[str, User | None], org_admin: User
) -> None:
    signed_in(org_admin).get(f"/clients/{world.client.pk}/")  # an event about the client
    http = signed_in(intruders[who])
    for url in ("/audit/export.csv", "/audit/", "/credentials/compliance.csv"):
        response = http.get(url)
        assert response.status_code in (200, 403, 404)
        text = _text(response)
        assert FAMILY not in text
        assert f",{world.client.pk},{world.client.organization_id}," not in text


# --- The SSN is masked everywhere but the audited reveal ------------------------------------

OWNER_PAGES = [
    "/clients/{pk}/",
    "/clients/{pk}/edit/",
    "/clients/{pk}/sections/",
    "/clients/{pk}/profile/",
    "/clients/{pk}/ssn/",
    "/clients/{pk}/history/",
    "/clients/{pk}/consents/",
    "/clients/?q=Abernathy",
]
OWNER_API = [
    "/clients/{pk}",
    "/clients?q=Abernathy",
    "/clients/{pk}/identifiers",
    "/clients/{pk}/consents",
]


def _has_ssn(text: str) -> bool:
    return SSN in text or SSN_DIGITS in text


def test_ssn_appears_only_in_the_audited_reveal(world: World, org_admin: User) -> None:
    http = signed_in(world.owner)
    api = Api(world.owner)
    for url in OWNER_PAGES:
        text = _text(http.get(url.format(pk=world.client.pk)))
        assert not _has_ssn(text), url
    assert "6789" in _text(http.get(f"/clients/{world.client.pk}/ssn/"))  # the masked form
    for path in OWNER_API:
        text = _text(api.get(path.format(pk=world.client.pk)))
        assert not _has_ssn(text), path
    for url in ("/audit/", "/audit/export.csv"):
        text = _text(signed_in(org_admin).get(url))
        assert not _has_ssn(text), url
    reveals = AuditEvent.objects.filter(action=AuditAction.REVEAL)
    before = reveals.count()
    revealed = http.post(f"/clients/{world.client.pk}/ssn/reveal/")
    assert SSN in _text(revealed)
    assert reveals.count() == before + 1
    assert api.call("post", f"/clients/{world.client.pk}/ssn/reveal").json() == {"ssn": SSN}
    assert reveals.count() == before + 2


def test_consent_recipients_cannot_reveal_the_ssn(world: World, lakeside_cm: User) -> None:
    _consent_to(world, lakeside_cm, [ConsentCategory.GENERAL])
    assert signed_in(lakeside_cm).get(f"/clients/{world.client.pk}/").status_code == 200
    assert signed_in(lakeside_cm).post(f"/clients/{world.client.pk}/ssn/reveal/").status_code == 404
    api = Api(lakeside_cm)
    assert api.call("post", f"/clients/{world.client.pk}/ssn/reveal").status_code == 404


# --- Substance use (42 CFR Part 2) needs a Part 2 consent -----------------------------------


def _consent_to(world: World, user: User, categories: list[str]) -> None:
    org = Organization.objects.get(name="Lakeside Health")
    assert user.memberships.filter(program__organization=org).exists()
    data: dict[str, Any] = {
        "recipient_organization": org,
        "categories": categories,
        "purpose": "Treatment coordination",
        "signature_method": "typed",
        "signed_by_name": "Dolores Abernathy",
    }
    if ConsentCategory.SUBSTANCE_USE in categories:
        data |= {
            "information_description": "Substance use diagnosis and treatment dates",
            "expiry_date": datetime.date.today() + datetime.timedelta(days=90),
            "revocation_right_acknowledged": True,
        }
    consents.consent_record(actor=world.owner, client=world.client, data=data)


def _sud_visible(world: World, user: User) -> list[bool]:
    """Whether the SUD row shows in each place a consent recipient can look."""
    pk, item = world.client.pk, world.parts["disabilities"]
    api = Api(user)
    listed = api.get(f"/clients/{pk}/disabilities").json()
    page = _text(signed_in(user).get(f"/clients/{pk}/record/disabilities/"))
    return [
        any(row["disability_type"] == DisabilityType.SUBSTANCE_USE for row in listed),
        api.get(f"/clients/{pk}/disabilities/{item}").status_code == 200,
        "<td>Substance use disorder" in page.split("<tbody", 1)[-1].split("</table>", 1)[0],
    ]


def test_substance_use_rows_need_a_part2_consent(world: World, lakeside_cm: User) -> None:
    _consent_to(world, lakeside_cm, [ConsentCategory.GENERAL, ConsentCategory.MENTAL_HEALTH])
    assert _sud_visible(world, lakeside_cm) == [False, False, False]
    for url in ("history", "consents"):
        response = signed_in(lakeside_cm).get(f"/clients/{world.client.pk}/{url}/")
        assert response.status_code == 404, url
    _consent_to(world, lakeside_cm, [ConsentCategory.SUBSTANCE_USE])
    assert _sud_visible(world, lakeside_cm) == [True, True, True]


def test_program_staff_see_substance_use_rows_without_consent(world: World) -> None:
    assert _sud_visible(world, world.owner) == [True, True, True]


# --- Every read of a client is audited -------------------------------------------------------

CLIENT_READS = [
    "web:client_detail",
    "web:client_edit",
    "web:record_profile",
    "web:record_ssn",
    "web:record_history",
    "web:consent_list",
    "web:consent_create",
]


def _audited(read: Any) -> int:
    events = AuditEvent.objects.exclude(action=AuditAction.DENIED)
    before = events.count()
    response = read()
    assert response.status_code == 200, response.status_code
    return events.count() - before


@pytest.mark.parametrize("name", CLIENT_READS)
def test_client_pages_write_an_audit_event(name: str, world: World) -> None:
    url = reverse(name, kwargs={"pk": world.client.pk})
    assert _audited(lambda: signed_in(world.owner).get(url)) >= 1


@pytest.mark.parametrize(
    "url",
    [
        "/clients/{pk}/record/identifiers/",
        "/clients/{pk}/record/insurance/{insurance}/",
        "/consents/{consent}/signed-form/",
        "/enrollments/{enrollment}/transition/",
        "/intake/screenings/{screening}/",
        "/intake/{program}/clients/{pk}/",
    ],
)
def test_record_pages_write_an_audit_event(url: str, world: World) -> None:
    url = url.format(
        pk=world.client.pk,
        insurance=world.parts["insurance"],
        consent=world.consent.pk,
        enrollment=world.enrollment.pk,
        screening=world.screening_id,
        program=world.program.pk,
    )
    assert _audited(lambda: signed_in(world.owner).get(url)) >= 1


def _api_reads(world: World) -> list[str]:
    from tests.security.test_api_authorization import _fill, operations

    return [
        _fill(path, world)
        for method, path in operations()
        if method == "get"
        and "{" in path
        # not client data (the directory: issue 14's shared resource directory)
        and not path.startswith(("/workforce", "/programs", "/instruments", "/directory"))
    ]


def test_every_api_read_of_a_client_writes_an_audit_event(world: World) -> None:
    api = Api(world.owner)
    missing = [path for path in _api_reads(world) if _audited(lambda p=path: api.get(p)) < 1]
    assert missing == []
