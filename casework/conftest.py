"""Named personas and factories shared by the whole suite.

One agency (Riverside Community Services) with a program per practice area, staff in every
role, a second agency (Lakeside Health) and a partner organization. Tests read like
stories: ``cm_health`` may see ``client_health``; ``cm_mental_health`` may not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from casework.accounts import services as accounts
from casework.accounts.models import Organization, PracticeArea, Program, Role, User
from casework.clients import services as clients
from casework.clients.models import Client

PASSWORD = "correct horse battery staple 42"  # noqa: S105 - test personas only


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # WhiteNoise otherwise indexes every static file (USWDS ships thousands) for each new
    # test client; autorefresh looks files up on demand instead.
    settings.WHITENOISE_AUTOREFRESH = True


def make_user(email: str, full_name: str = "") -> User:
    return accounts.user_create(
        actor=None,
        email=email,
        full_name=full_name or email.split("@")[0].replace(".", " ").title(),
        password=PASSWORD,
    )


@pytest.fixture
def agency(db: None) -> Organization:
    return accounts.organization_create(actor=None, name="Riverside Community Services", state="NY")


@pytest.fixture
def programs(agency: Organization) -> dict[str, Program]:
    names = {
        PracticeArea.HEALTHCARE: "Care Transitions",
        PracticeArea.MENTAL_HEALTH: "Community Mental Health",
        PracticeArea.SOCIAL_SERVICES: "Housing Stability",
        PracticeArea.VOCATIONAL_REHAB: "Vocational Rehabilitation",
    }
    return {
        area.value: accounts.program_create(
            actor=None, organization=agency, name=name, practice_area=area
        )
        for area, name in names.items()
    }


def _staff(
    email: str, role: str, program: Program | None = None, organization: Organization | None = None
) -> User:
    user = make_user(email)
    accounts.membership_grant(
        actor=None, user=user, role=role, program=program, organization=organization
    )
    return user


@pytest.fixture
def cm_health(programs: dict[str, Program]) -> User:
    return _staff("cm.healthcare@example.org", Role.CASE_MANAGER, programs["healthcare"])


@pytest.fixture
def cm_mental_health(programs: dict[str, Program]) -> User:
    return _staff("cm.mental_health@example.org", Role.CASE_MANAGER, programs["mental_health"])


@pytest.fixture
def sup_health(programs: dict[str, Program]) -> User:
    return _staff("sup.healthcare@example.org", Role.SUPERVISOR, programs["healthcare"])


@pytest.fixture
def intake_health(programs: dict[str, Program]) -> User:
    return _staff("intake.healthcare@example.org", Role.INTAKE_WORKER, programs["healthcare"])


@pytest.fixture
def org_admin(agency: Organization) -> User:
    return _staff("admin@example.org", Role.ORG_ADMIN, organization=agency)


@pytest.fixture
def auditor(agency: Organization) -> User:
    return _staff("auditor@example.org", Role.AUDITOR, organization=agency)


@pytest.fixture
def partner(db: None) -> User:
    org = accounts.organization_create(
        actor=None, name="Harbor Food Bank", kind=Organization.Kind.PARTNER
    )
    return _staff("partner@example.org", Role.PARTNER, organization=org)


@pytest.fixture
def other_agency_admin(db: None) -> User:
    org = accounts.organization_create(actor=None, name="Lakeside Health", state="NJ")
    return _staff("admin@lakeside.example.org", Role.ORG_ADMIN, organization=org)


@pytest.fixture
def make_client(programs: dict[str, Program]) -> Callable[..., Client]:
    """``make_client("healthcare", actor=cm_health, given_name="Ada")`` creates and enrolls."""

    def factory(
        area: str = "healthcare", *, actor: User, cm: User | None = None, **fields: Any
    ) -> Client:
        status = fields.pop("enrollment_status", "active")
        data = {"given_name": "Maria", "family_name": "Lopez", "date_of_birth": None} | fields
        return clients.client_create(
            actor=actor,
            program=programs[area],
            data=data,
            primary_case_manager=cm,
            enrollment_status=status,
        )

    return factory


@pytest.fixture
def client_health(make_client: Callable[..., Client], cm_health: User) -> Client:
    """A healthcare client whose primary case manager is ``cm_health``."""
    import datetime

    return make_client(
        "healthcare",
        actor=cm_health,
        cm=cm_health,
        given_name="Dolores",
        family_name="Abernathy",
        date_of_birth=datetime.date(1961, 4, 12),
        phone="(518) 555-0100",
        city="Albany",
        state="NY",
    )
