"""Credential-gated work: assignment refused without the credential, allowed with an
exception until it ends (through the clients and accounts services that ask the policy)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.utils import timezone

from casework.accounts import services as accounts
from casework.accounts.models import Program, Role, User
from casework.clients import services as clients
from casework.clients.models import Client
from casework.core.exceptions import PermissionDenied
from casework.workforce import services
from casework.workforce.tests.conftest import add_licence

pytestmark = pytest.mark.django_db


@pytest.fixture
def rn_or_lsw_required(programs: dict[str, Program], org_admin: User, cm_health: User) -> Program:
    """Care Transitions requires case managers to hold an RN or LSW licence issued in NY
    (set after cm_health joined, as a new rule would be)."""
    program = programs["healthcare"]
    services.credential_requirement_set(
        actor=org_admin, program=program, role=Role.CASE_MANAGER, any_of=["RN", "LSW"]
    )
    return program


def test_assigning_a_client_without_the_credential_is_refused_with_the_reason(
    rn_or_lsw_required: Program, cm_health: User, make_client: Callable[..., Client]
) -> None:
    with pytest.raises(ValidationError) as refused:
        make_client("healthcare", actor=cm_health, cm=cm_health)
    reason = refused.value.message_dict["primary_case_manager"][0]
    assert "does not hold a current LSW or RN issued in NY" in reason
    assert "Care Transitions requires of a case manager" in reason


def test_assigning_a_client_with_an_active_licence_in_the_state_is_allowed(
    rn_or_lsw_required: Program, cm_health: User, make_client: Callable[..., Client]
) -> None:
    add_licence(cm_health, "RN", "NY", expires_on=timezone.localdate() + timedelta(days=30))
    client = make_client("healthcare", actor=cm_health, cm=cm_health)
    assert client.enrollments.get().primary_case_manager == cm_health


def test_a_licence_from_another_state_or_expired_does_not_satisfy_it(
    rn_or_lsw_required: Program, cm_health: User, make_client: Callable[..., Client]
) -> None:
    add_licence(cm_health, "RN", "TX")
    add_licence(cm_health, "LSW", "NY", expires_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ValidationError):
        make_client("healthcare", actor=cm_health, cm=cm_health)


def test_enrollment_create_refuses_and_then_allows_with_an_exception_until_it_ends(
    rn_or_lsw_required: Program,
    cm_health: User,
    org_admin: User,
    make_client: Callable[..., Client],
) -> None:
    client = make_client("healthcare", actor=cm_health)  # no case manager yet
    program = rn_or_lsw_required
    other = accounts.program_create(
        actor=None,
        organization=program.organization,
        name="Second ward",
        practice_area="healthcare",
    )
    accounts.membership_grant(actor=None, user=cm_health, role=Role.CASE_MANAGER, program=other)
    services.credential_requirement_set(
        actor=org_admin, program=other, role=Role.CASE_MANAGER, any_of=["RN"]
    )
    with pytest.raises(ValidationError):
        clients.enrollment_create(
            actor=cm_health, client=client, program=other, primary_case_manager=cm_health
        )
    today = timezone.localdate()
    ended = services.credential_exception_grant(
        actor=org_admin,
        user=cm_health,
        program=other,
        reason="Licence transfer pending",
        starts_on=today - timedelta(days=10),
        ends_on=today - timedelta(days=1),
    )
    with pytest.raises(ValidationError):  # an exception that has ended allows nothing
        clients.enrollment_create(
            actor=cm_health, client=client, program=other, primary_case_manager=cm_health
        )
    assert ended.covers(today) is False
    services.credential_exception_grant(
        actor=org_admin,
        user=cm_health,
        program=other,
        reason="NY RN licence by endorsement pending",
        ends_on=today,  # the last day it covers
    )
    enrollment = clients.enrollment_create(
        actor=cm_health, client=client, program=other, primary_case_manager=cm_health
    )
    assert enrollment.primary_case_manager == cm_health


def test_a_revoked_exception_allows_nothing(
    rn_or_lsw_required: Program,
    cm_health: User,
    org_admin: User,
    make_client: Callable[..., Client],
) -> None:
    exception = services.credential_exception_grant(
        actor=org_admin,
        user=cm_health,
        program=rn_or_lsw_required,
        reason="Pending",
        ends_on=timezone.localdate() + timedelta(days=30),
    )
    make_client("healthcare", actor=cm_health, cm=cm_health)
    services.credential_exception_revoke(actor=org_admin, exception=exception)
    with pytest.raises(ValidationError):
        make_client("healthcare", actor=cm_health, cm=cm_health, given_name="Ana")


def test_membership_grant_refuses_the_role_without_the_credential(
    rn_or_lsw_required: Program, org_admin: User
) -> None:
    newcomer = accounts.user_create(actor=None, email="new.cm@example.org", full_name="New Cm")
    with pytest.raises(ValidationError) as refused:
        accounts.membership_grant(
            actor=org_admin, user=newcomer, role=Role.CASE_MANAGER, program=rn_or_lsw_required
        )
    assert "does not hold a current LSW or RN" in str(refused.value)
    add_licence(newcomer, "LSW", "NY")
    membership = accounts.membership_grant(
        actor=org_admin, user=newcomer, role=Role.CASE_MANAGER, program=rn_or_lsw_required
    )
    assert membership.is_active


def test_membership_grant_allowed_with_an_exception(
    rn_or_lsw_required: Program, org_admin: User
) -> None:
    newcomer = accounts.user_create(actor=None, email="new.cm@example.org", full_name="New Cm")
    services.credential_exception_grant(
        actor=org_admin,
        user=newcomer,
        program=rn_or_lsw_required,
        reason="Starts licensure in May",
        ends_on=timezone.localdate() + timedelta(days=60),
    )
    assert accounts.membership_grant(
        actor=org_admin, user=newcomer, role=Role.CASE_MANAGER, program=rn_or_lsw_required
    ).is_active


def test_other_roles_and_programs_are_not_gated(
    rn_or_lsw_required: Program, programs: dict[str, Program]
) -> None:
    newcomer = accounts.user_create(actor=None, email="new.cm@example.org", full_name="New Cm")
    accounts.membership_grant(
        actor=None, user=newcomer, role=Role.INTAKE_WORKER, program=rn_or_lsw_required
    )
    accounts.membership_grant(
        actor=None, user=newcomer, role=Role.CASE_MANAGER, program=programs["mental_health"]
    )


def test_only_an_org_admin_sets_requirements_and_grants_exceptions(
    programs: dict[str, Program], sup_health: User, cm_health: User, other_agency_admin: User
) -> None:
    program = programs["healthcare"]
    for actor in (sup_health, other_agency_admin):
        with pytest.raises(PermissionDenied):
            services.credential_requirement_set(
                actor=actor, program=program, role="case_manager", any_of=["RN"]
            )
        with pytest.raises(PermissionDenied):
            services.credential_exception_grant(
                actor=actor, user=cm_health, program=program, reason="x", ends_on=date(2099, 1, 1)
            )


def test_an_exception_is_time_limited(
    rn_or_lsw_required: Program, cm_health: User, org_admin: User
) -> None:
    with pytest.raises(ValidationError, match="at most 180 days"):
        services.credential_exception_grant(
            actor=org_admin,
            user=cm_health,
            program=rn_or_lsw_required,
            reason="Long",
            ends_on=timezone.localdate() + timedelta(days=181),
        )


def test_admin_manages_requirements_and_exceptions_in_the_web_ui(
    programs: dict[str, Program], org_admin: User, cm_health: User, sup_health: User
) -> None:
    http = HttpClient()
    http.force_login(org_admin)
    program = programs["healthcare"]
    saved = http.post(
        "/credentials/requirements/",
        {
            "action": "requirement",
            "program": program.pk,
            "role": "case_manager",
            "any_of": ["RN", "LSW"],
            "in_program_state": "on",
        },
    )
    assert saved.status_code == 302
    page = http.get("/credentials/requirements/").content.decode()
    assert "must hold LSW or RN" in page
    granted = http.post(
        "/credentials/requirements/",
        {
            "action": "exception",
            "program": program.pk,
            "user": cm_health.pk,
            "reason": "Licence by endorsement pending",
            "ends_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )
    assert granted.status_code == 302
    assert (
        "Licence by endorsement pending" in http.get("/credentials/requirements/").content.decode()
    )
    denied = HttpClient()
    denied.force_login(sup_health)
    assert denied.get("/credentials/requirements/").status_code == 403
