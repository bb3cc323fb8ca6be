"""Choosing and changing a client's primary case manager (issue 10)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from casework.accounts import services as accounts
from casework.accounts.models import Program, Role, User
from casework.audit.models import AuditEvent
from casework.clients.assignment import (
    case_manager_candidates,
    enrollment_assign_case_manager,
    enrollments_assign_case_manager,
)
from casework.clients.models import Client, Enrollment
from casework.conftest import make_user
from casework.core.exceptions import PermissionDenied, StaleVersion
from casework.notifications.models import Notification
from casework.workforce import services as workforce

pytestmark = pytest.mark.django_db


@pytest.fixture
def cm_two(programs: dict[str, Program]) -> User:
    user = make_user("cm.two@example.org", "Casey Two")
    accounts.membership_grant(
        actor=None, user=user, role=Role.CASE_MANAGER, program=programs["healthcare"]
    )
    return user


def _enrollment(client: Client) -> Enrollment:
    return Enrollment.objects.select_related("program").get(client=client)


def test_supervisor_reassigns_with_reason_audited_and_both_told(
    sup_health: User, cm_health: User, cm_two: User, client_health: Client
) -> None:
    enrollment = _enrollment(client_health)
    enrollment_assign_case_manager(
        actor=sup_health, enrollment=enrollment, case_manager=cm_two, reason="Leave cover"
    )
    assert _enrollment(client_health).primary_case_manager == cm_two
    event = (
        AuditEvent.objects.filter(target_type="enrollment", target_id=enrollment.pk)
        .order_by("id")
        .last()
    )
    assert event is not None
    assert event.actor == sup_health
    assert event.details == {"reason": "Leave cover", "assignment": True}
    assert event.changes == {"primary_case_manager_id": [cm_health.pk, cm_two.pk]}
    told = Notification.objects.filter(kind="case_manager_assigned")
    assert sorted(n.recipient.email for n in told) == sorted([cm_two.email, cm_health.email])
    # Titles leave the system by email: they name the program, never the client.
    assert all("Abernathy" not in n.title + n.body for n in told)


def test_case_manager_cannot_take_someone_elses_client(cm_two: User, client_health: Client) -> None:
    with pytest.raises(PermissionDenied):
        enrollment_assign_case_manager(
            actor=cm_two, enrollment=_enrollment(client_health), case_manager=cm_two, reason="x"
        )
    assert _enrollment(client_health).primary_case_manager_id != cm_two.pk


def test_case_manager_takes_an_unassigned_client_themselves(
    cm_two: User, make_client: Callable[..., Client], sup_health: User
) -> None:
    client = make_client("healthcare", actor=sup_health)
    enrollment_assign_case_manager(
        actor=cm_two, enrollment=_enrollment(client), case_manager=cm_two, reason="Mine now"
    )
    assert _enrollment(client).primary_case_manager == cm_two


def test_case_manager_cannot_give_an_unassigned_client_to_another(
    cm_two: User, cm_health: User, make_client: Callable[..., Client], sup_health: User
) -> None:
    client = make_client("healthcare", actor=sup_health)
    with pytest.raises(PermissionDenied):
        enrollment_assign_case_manager(
            actor=cm_two, enrollment=_enrollment(client), case_manager=cm_health, reason="x"
        )


def test_only_staff_of_the_program_can_be_chosen(
    sup_health: User, cm_mental_health: User, client_health: Client
) -> None:
    with pytest.raises(ValidationError) as refused:
        enrollment_assign_case_manager(
            actor=sup_health,
            enrollment=_enrollment(client_health),
            case_manager=cm_mental_health,
            reason="x",
        )
    assert "not a case manager in Care Transitions" in str(refused.value)


def test_staff_failing_the_credential_gate_are_not_offered_or_accepted(
    org_admin: User, sup_health: User, cm_two: User, client_health: Client
) -> None:
    program = _enrollment(client_health).program
    workforce.credential_requirement_set(
        actor=org_admin, program=program, role=Role.CASE_MANAGER, any_of=["LSW"]
    )
    assert cm_two not in case_manager_candidates(program)
    with pytest.raises(ValidationError) as refused:
        enrollment_assign_case_manager(
            actor=sup_health,
            enrollment=_enrollment(client_health),
            case_manager=cm_two,
            reason="x",
        )
    assert "LSW" in str(refused.value)


def test_reason_is_required_and_never_cut(sup_health: User, client_health: Client) -> None:
    for reason in ("  ", "x" * 501):
        with pytest.raises(ValidationError) as refused:
            enrollment_assign_case_manager(
                actor=sup_health,
                enrollment=_enrollment(client_health),
                case_manager=None,
                reason=reason,
            )
        assert "reason" in refused.value.message_dict


def test_a_stale_version_is_refused(sup_health: User, client_health: Client) -> None:
    with pytest.raises(StaleVersion):
        enrollment_assign_case_manager(
            actor=sup_health,
            enrollment=_enrollment(client_health),
            case_manager=None,
            reason="x",
            expected_version=99,
        )


def test_bulk_reassignment_is_all_or_nothing_and_tells_each_person_once(
    sup_health: User,
    cm_health: User,
    cm_two: User,
    make_client: Callable[..., Client],
    cm_mental_health: User,
) -> None:
    clients = [
        make_client("healthcare", actor=cm_health, cm=cm_health, given_name=f"C{i}")
        for i in range(3)
    ]
    rows = [_enrollment(c) for c in clients]
    assert (
        enrollments_assign_case_manager(
            actor=sup_health, enrollments=rows, case_manager=cm_two, reason="Left the agency"
        )
        == 3
    )
    assert Notification.objects.filter(recipient=cm_two).count() == 1
    assert "3 clients were assigned to you" in Notification.objects.get(recipient=cm_two).title
    assert Notification.objects.filter(recipient=cm_health).count() == 1
    # One refusal (a closed enrollment) leaves all of them as they were.
    other = make_client("healthcare", actor=cm_health, cm=cm_health, given_name="Z")
    closing = _enrollment(other)
    closing.status = "closed"
    closing.closure_reason = "completed"
    closing.save()
    rows = [_enrollment(c) for c in clients] + [closing]
    with pytest.raises(ValidationError):
        enrollments_assign_case_manager(
            actor=sup_health, enrollments=rows, case_manager=cm_health, reason="Back"
        )
    assert {e.primary_case_manager_id for e in Enrollment.objects.filter(client__in=clients)} == {
        cm_two.pk
    }


def test_a_new_client_gets_only_yourself_unless_you_supervise(
    cm_two: User, cm_health: User, make_client: Callable[..., Client]
) -> None:
    with pytest.raises(ValidationError) as refused:
        make_client("healthcare", actor=cm_two, cm=cm_health)
    assert "Only a supervisor of Care Transitions" in str(refused.value)
