"""The competency framework page: org admins edit their agency's edition, platform
administrators the published one, nobody else; each save is a new version and reviews keep
the version they were made in."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client as HttpClient

from casework.accounts.models import User
from casework.conftest import make_user
from casework.workforce.development import services
from casework.workforce.development.models import CompetencyFramework

pytestmark = pytest.mark.django_db
URL = "/development/framework/"
LEVELS = ("developing", "competent", "proficient", "expert")


def login(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def form_data(skills: list[dict[str, Any]], based_on: int, extra: dict[str, str] | None = None):
    """The page's form as a browser would post it: every skill, then one blank extra."""
    data: dict[str, Any] = {
        "skill-TOTAL_FORMS": str(len(skills) + 1),
        "skill-INITIAL_FORMS": str(len(skills)),
        "skill-MIN_NUM_FORMS": "0",
        "skill-MAX_NUM_FORMS": "30",
        "based_on": str(based_on),
    }
    for index, skill in enumerate(skills):
        data[f"skill-{index}-code"] = skill["code"]
        data[f"skill-{index}-name"] = skill["name"]
        data[f"skill-{index}-description"] = skill["description"]
        for level in LEVELS:
            data[f"skill-{index}-{level}"] = skill["indicators"][level]
    for key, value in (extra or {}).items():
        data[f"skill-{len(skills)}-{key}"] = value
    return data


NEW_SKILL = {
    "name": "Trauma-informed practice",
    "description": "Recognises trauma and avoids re-traumatising clients.",
    **{level: f"{level.title()} trauma practice." for level in LEVELS},
}


def test_an_org_admin_adds_a_skill_and_rewords_one_as_a_new_version(
    org_admin: User, cm_health: User, sup_health: User
) -> None:
    published = services.framework_current()
    past = services.review_start(actor=sup_health, staff=cm_health, due_on=date(2026, 6, 30))
    http = login(org_admin)
    page = http.get(URL).content.decode()
    assert "Now version 1, the published edition" in page
    assert "Organisation of a high-volume caseload" in page
    skills = [dict(s) for s in published.skills]
    skills[0] = dict(skills[0], name="Advocacy and negotiation")
    response = http.post(URL, form_data(skills, published.version, NEW_SKILL))
    assert response.status_code == 302, response.content.decode()[:2000]
    agency = org_admin.memberships.get().organization
    edition = services.framework_current(agency.pk)
    assert (edition.version, edition.organization_id) == (2, agency.pk)
    assert [s["code"] for s in edition.skills][-1] == "trauma_informed_practice"
    assert edition.skill("trauma_informed_practice")["origin"] == "agency"  # type: ignore[index]  # just added
    assert edition.skill("advocacy")["name"] == "Advocacy and negotiation"  # type: ignore[index]  # kept
    # The published framework and the review made before the edit are untouched.
    assert services.framework_current().skills == published.skills
    past.refresh_from_db()
    assert past.framework_id == published.pk
    review_page = login(sup_health).get(f"/development/reviews/{past.pk}/").content.decode()
    assert "Advocacy and negotiation" not in review_page
    assert "Trauma-informed practice" not in review_page
    # The page now shows the agency edition and both versions.
    page = http.get(URL).content.decode()
    assert "Now version 2, Riverside Community Services" in page
    assert "own edition" in page
    assert page.count('<tr><th scope="row">v') == 2


def test_an_agency_skill_can_be_removed_but_a_founding_one_cannot(org_admin: User) -> None:
    agency = org_admin.memberships.get().organization
    published = services.framework_current()
    own = {
        "code": "trauma",
        "name": "Trauma",
        "description": "d",
        "indicators": {level: level for level in LEVELS},
    }
    edition = services.framework_edit(
        actor=org_admin, organization=agency, skills=[*published.skills, own]
    )
    http = login(org_admin)
    page = http.get(URL).content.decode()
    assert page.count("Remove this skill from the next version") == 1
    data = form_data(edition.skills, edition.version) | {
        "skill-5-DELETE": "on",
        "skill-0-DELETE": "on",
    }
    assert http.post(URL, data).status_code == 302
    latest = services.framework_current(agency.pk)
    assert [s["code"] for s in latest.skills] == [s["code"] for s in published.skills]


def test_a_missing_indicator_is_named_and_what_was_typed_is_kept(org_admin: User) -> None:
    published = services.framework_current()
    half = dict(NEW_SKILL, expert="")
    response = login(org_admin).post(URL, form_data(published.skills, published.version, half))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_skill-5-expert-error"' in page
    assert "Trauma-informed practice" in page
    assert CompetencyFramework.objects.count() == 1


def test_a_stale_edit_is_refused_instead_of_overwriting(org_admin: User) -> None:
    agency = org_admin.memberships.get().organization
    published = services.framework_current()
    services.framework_edit(actor=org_admin, organization=agency, skills=list(published.skills))
    response = login(org_admin).post(URL, form_data(published.skills, published.version, NEW_SKILL))
    assert response.status_code == 200
    assert "Someone saved version 2 while you were editing" in response.content.decode()
    assert services.framework_current(agency.pk).version == 2


def test_only_admins_reach_the_page(
    cm_health: User,
    sup_health: User,
    intake_health: User,
    auditor: User,
    partner: User,
    other_agency_admin: User,
    org_admin: User,
) -> None:
    published = services.framework_current()
    data = form_data(published.skills, published.version, NEW_SKILL)
    for user in (cm_health, sup_health, intake_health, auditor, partner):
        http = login(user)
        assert http.get(URL).status_code == 403, user
        assert http.post(URL, data).status_code == 403, user
    assert CompetencyFramework.objects.count() == 1
    assert HttpClient().get(URL).status_code == 302  # anonymous: to sign-in
    # Another agency's admin edits only their own agency's edition.
    assert login(other_agency_admin).post(URL, data).status_code == 302
    lakeside = other_agency_admin.memberships.get().organization
    assert services.framework_current(lakeside.pk).organization_id == lakeside.pk
    riverside = org_admin.memberships.get().organization
    assert services.framework_current(riverside.pk).organization_id is None


def test_a_platform_administrator_edits_the_published_framework(org_admin: User) -> None:
    root = make_user("root@example.org")
    root.is_superuser = True
    root.save(update_fields=["is_superuser"])
    published = services.framework_current()
    skills = [dict(s) for s in published.skills]
    skills[1] = dict(skills[1], name="Caseload organisation")
    assert login(root).post(URL, form_data(skills, published.version)).status_code == 302
    latest = services.framework_current()
    assert (latest.version, latest.organization_id) == (2, None)
    agency = org_admin.memberships.get().organization
    assert services.framework_current(agency.pk).skill("organization")["name"] == (  # type: ignore[index]  # exists
        "Caseload organisation"
    )
