"""Rule data in the database (versioned, admin-editable, cited) and the staff pages."""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient

from casework.accounts import services as accounts
from casework.accounts.models import User
from casework.core.exceptions import PermissionDenied
from casework.workforce import services
from casework.workforce.models import RuleSet
from casework.workforce.rules import current_rule, file_rules, load_rules
from casework.workforce.tests.conftest import add_certification

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform_admin(db: None) -> User:
    return accounts.user_create(
        actor=None, email="root@example.org", full_name="Platform Admin", is_superuser=True
    )


def login(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def test_every_file_rule_is_loaded_with_its_source_and_marker() -> None:
    load_rules()
    for rule in file_rules():
        stored = RuleSet.objects.get(code=rule["code"], version=rule["version"])
        assert stored.marker in ("READ", "READ-2", "UNVERIFIED")
        assert stored.citation
    assert load_rules() == []  # idempotent


def test_admin_edits_a_rule_as_a_new_version_and_the_engine_uses_it(
    platform_admin: User, cm_health: User
) -> None:
    add_certification(cm_health, "CCM", issued_on=date(2022, 3, 1), expires_on=date(2027, 3, 1))
    ccm = current_rule("CCM")
    assert ccm is not None
    params = ccm.params | {
        "renewal": {"cycle_years": 5, "ce_hours": 90, "categories": {"ethics": 12}}
    }
    response = login(platform_admin).post(
        "/credentials/rules/CCM/",
        {
            "params": yaml.safe_dump(params),
            "citation": "CCMC 2027 renewal guide",
            "source_url": "https://ccmcertification.org/renewal",
            "marker": "READ",
            "note": "CCMC raised the renewal hours",
        },
    )
    assert response.status_code == 302
    edited = current_rule("CCM")
    assert edited is not None
    assert edited.version == ccm.version + 1
    assert edited.origin == "admin"
    assert edited.created_by == platform_admin
    assert RuleSet.objects.filter(code="CCM").count() == 2  # the old version is kept
    report = login(cm_health).get("/api/v1/workforce/me/credentials").json()
    renewal = next(r for r in report["renewals"] if r["code"] == "CCM")
    assert renewal["required_hours"] == 90
    assert renewal["rule_version"] == edited.version
    assert "12 more ethics CE hours before 2027-03-01" in renewal["missing"]
    page = login(cm_health).get("/credentials/rules/").content.decode()
    assert "CCMC 2027 renewal guide" in page
    assert "CCMC raised the renewal hours" in page


def test_rule_edit_refuses_bad_yaml_and_unknown_requirement_types(platform_admin: User) -> None:
    http = login(platform_admin)
    bad = http.post(
        "/credentials/rules/CCM/", {"params": "a: [", "citation": "x", "marker": "READ"}
    )
    assert "not valid YAML" in bad.content.decode()
    with pytest.raises(ValidationError, match="Unknown requirement"):
        services.ruleset_edit(
            actor=platform_admin,
            code="CCM",
            citation="x",
            source_url="",
            marker="READ",
            params={"requirements": [{"type": "horoscope"}]},
        )
    assert current_rule("CCM").version == 2  # type: ignore[union-attr]  # loaded from the file


def test_only_platform_admins_edit_the_published_rules(
    org_admin: User, cm_health: User, other_agency_admin: User
) -> None:
    with pytest.raises(PermissionDenied):
        services.ruleset_edit(
            actor=org_admin, code="CCM", params={}, citation="x", source_url="", marker="READ"
        )
    agency = org_admin.memberships.get().organization
    with pytest.raises(PermissionDenied):  # nor another agency's overrides
        services.ruleset_edit(
            actor=other_agency_admin,
            code="CCM",
            params={},
            citation="x",
            source_url="",
            marker="READ",
            organization=agency,
        )
    assert login(cm_health).get("/credentials/rules/CCM/").status_code == 403
    assert login(cm_health).get("/credentials/rules/").status_code == 200


def test_an_agency_overrides_a_rule_for_its_own_staff_only(
    org_admin: User, cm_health: User, other_agency_admin: User
) -> None:
    """DOMAIN.md: the published rule is the default and the agency can override it."""
    add_certification(cm_health, "CCM", issued_on=date(2022, 3, 1), expires_on=date(2027, 3, 1))
    lakeside = other_agency_admin.memberships.get().organization
    outsider = accounts.user_create(actor=None, email="cm@lakeside.example.org", full_name="Lee")
    program = accounts.program_create(
        actor=None, organization=lakeside, name="Lakeside care", practice_area="healthcare"
    )
    accounts.membership_grant(actor=None, user=outsider, role="case_manager", program=program)
    add_certification(outsider, "CCM", issued_on=date(2022, 3, 1), expires_on=date(2027, 3, 1))
    ccm = current_rule("CCM")
    assert ccm is not None
    params = ccm.params | {
        "renewal": {"cycle_years": 5, "ce_hours": 100, "categories": {"ethics": 8}}
    }
    http = login(org_admin)
    assert "You cannot" not in http.get("/credentials/rules/CCM/").content.decode()
    saved = http.post(
        "/credentials/rules/CCM/",
        {
            "params": yaml.safe_dump(params),
            "citation": "Riverside policy 2026-14: 100 CE hours",
            "marker": "READ",
            "note": "Agency policy is stricter than CCMC",
        },
    )
    assert saved.status_code == 302
    mine = login(cm_health).get("/api/v1/workforce/me/credentials").json()
    ccm_renewal = next(r for r in mine["renewals"] if r["code"] == "CCM")
    assert ccm_renewal["required_hours"] == 100
    assert ccm_renewal["agency_override"] is True
    theirs = login(outsider).get("/api/v1/workforce/me/credentials").json()
    assert next(r for r in theirs["renewals"] if r["code"] == "CCM")["required_hours"] == 80
    assert current_rule("CCM").version == 2  # type: ignore[union-attr]  # published unchanged
    page = http.get("/credentials/rules/").content.decode()
    assert "Agency override" in page
    assert "Riverside policy 2026-14" in page
    assert (
        "Agency override"
        not in login(other_agency_admin).get("/credentials/rules/").content.decode()
    )


def test_logging_ce_on_my_credentials_moves_the_ccm_renewal_progress(cm_health: User) -> None:
    add_certification(cm_health, "CCM", issued_on=date(2024, 1, 1), expires_on=date(2029, 1, 1))
    http = login(cm_health)
    before = http.get("/credentials/").content.decode()
    assert "0 of 80 CE hours" in before
    assert "8 more ethics CE hours before 2029-01-01" in before
    saved = http.post(
        "/credentials/add/ce/",
        {
            "provider": "CCMC",
            "course": "Ethics",
            "completed_on": "2025-06-01",
            "hours": "8",
            "category": "ethics",
        },
    )
    assert saved.status_code == 302
    after = http.get("/credentials/").content.decode()
    assert "8 of 80 CE hours" in after
    assert "8 more ethics CE hours" not in after
    assert "72 more CE hours before 2029-01-01" in after


@pytest.mark.parametrize(
    "kind", ["education", "licence", "certification", "position", "ce", "practicum", "hours"]
)
def test_every_add_form_renders(cm_health: User, kind: str) -> None:
    assert login(cm_health).get(f"/credentials/add/{kind}/").status_code == 200


def test_add_form_shows_field_errors_and_saves_nothing(cm_health: User) -> None:
    response = login(cm_health).post(
        "/credentials/add/licence/",
        {
            "kind": "RN",
            "jurisdiction": "NY",
            "issued_on": "2025-01-01",
            "expires_on": "2024-01-01",
            "status": "active",
        },
    )
    assert response.status_code == 200
    assert cm_health.licences.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "/credentials/",
        "/credentials/add/ce/",
        "/credentials/supervision/",
        "/credentials/compliance/",
        "/credentials/compliance.csv",
        "/credentials/requirements/",
        "/credentials/rules/",
        "/credentials/rules/CCM/",
        "/credentials/staff/1/",
        "/credentials/ce/1/certificate/",
    ],
)
def test_workforce_pages_need_sign_in(url: str) -> None:
    response = HttpClient().get(url)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_sign_in_with_no_oversight_role_cannot_open_supervision_pages(intake_health: User) -> None:
    http = login(intake_health)
    assert http.get("/credentials/supervision/").status_code == 403
    assert http.get("/credentials/compliance/").status_code == 403
