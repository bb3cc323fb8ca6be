"""The daily sweeps: each reminder goes to the right people once, whatever the reruns."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from casework.accounts.models import User
from casework.clients.models import Client
from casework.notifications.models import Notification
from casework.notifications.sweeps import registered, run_sweeps
from casework.workforce.models import ContinuingEducation, SupervisedHours
from casework.workforce.tests.conftest import add_certification, add_licence

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 1)


def titles(user: User, kind: str) -> list[str]:
    rows = Notification.objects.filter(recipient=user, kind=kind).order_by("id")
    return list(rows.values_list("title", flat=True))


def test_every_sweep_is_registered() -> None:
    assert set(registered()) >= {
        "credentials",
        "ce-shortfall",
        "hours-to-sign",
        "consents",
        "clients-unassigned",
        "competency-reviews",
        "plan-deadlines",
    }


def test_credential_expiring_in_60_days_reaches_staff_and_supervisor_once(
    cm_health: User, sup_health: User
) -> None:
    add_licence(cm_health, expires_on=TODAY + timedelta(days=60))
    assert run_sweeps(today=TODAY, only=["credentials"]) == {"credentials": 2}
    assert run_sweeps(today=TODAY, only=["credentials"]) == {"credentials": 0}
    assert len(titles(cm_health, "credential_expiry")) == 1
    assert len(titles(sup_health, "credential_expiry")) == 1


def test_ce_shortfall_six_months_before_renewal_to_staff_and_supervisor(
    cm_health: User, sup_health: User
) -> None:
    add_certification(cm_health, issued_on=date(2021, 8, 1), expires_on=date(2026, 8, 1))
    ContinuingEducation.objects.create(
        user=cm_health,
        provider="CMSA",
        course="Care transitions",
        completed_on=date(2025, 1, 10),
        hours=Decimal("20"),
        category="other",
    )
    assert run_sweeps(today=TODAY, only=["ce-shortfall"]) == {"ce-shortfall": 2}
    assert run_sweeps(today=TODAY, only=["ce-shortfall"]) == {"ce-shortfall": 0}
    [mine] = titles(cm_health, "ce_shortfall")
    assert mine.startswith("Continuing education behind: your Certified Case Manager")
    assert "Aug 1, 2026" in mine
    body = Notification.objects.get(recipient=cm_health, kind="ce_shortfall").body
    assert "60 more CE hours" in body
    [theirs] = titles(sup_health, "ce_shortfall")
    assert "Cm Healthcare's" in theirs


def test_no_ce_reminder_more_than_six_months_before_or_when_met(cm_health: User) -> None:
    add_certification(cm_health, issued_on=date(2021, 10, 1), expires_on=date(2026, 10, 1))
    assert run_sweeps(today=TODAY, only=["ce-shortfall"]) == {"ce-shortfall": 0}
    for category, hours in (("ethics", "8"), ("other", "72")):
        ContinuingEducation.objects.create(
            user=cm_health,
            provider="CMSA",
            course=f"{category} course",
            completed_on=date(2025, 1, 10),
            hours=Decimal(hours),
            category=category,
        )
    assert run_sweeps(today=date(2026, 5, 1), only=["ce-shortfall"]) == {"ce-shortfall": 0}


def test_hours_waiting_for_signature_remind_the_supervisor_once_per_new_entry(
    cm_health: User, sup_health: User
) -> None:
    def log(day: int) -> SupervisedHours:
        return SupervisedHours.objects.create(
            user=cm_health,
            supervisor=sup_health,
            worked_on=date(2026, 2, day),
            hours=Decimal("2"),
            kind="individual_supervision",
        )

    log(1)
    log(2)
    assert run_sweeps(today=TODAY, only=["hours-to-sign"]) == {"hours-to-sign": 1}
    assert run_sweeps(today=TODAY, only=["hours-to-sign"]) == {"hours-to-sign": 0}
    log(3)
    assert run_sweeps(today=TODAY, only=["hours-to-sign"]) == {"hours-to-sign": 1}
    assert titles(sup_health, "hours_to_sign") == [
        "2 supervised-hours entries wait for your signature",
        "3 supervised-hours entries wait for your signature",
    ]
    assert titles(cm_health, "hours_to_sign") == []


def test_clients_without_case_manager_reach_the_program_supervisor(
    make_client: Callable[..., Client], intake_health: User, sup_health: User, cm_health: User
) -> None:
    make_client("healthcare", actor=intake_health, given_name="Ana")
    make_client("healthcare", actor=cm_health, given_name="Ben", cm=cm_health)
    assert run_sweeps(only=["clients-unassigned"]) == {"clients-unassigned": 1}
    assert run_sweeps(only=["clients-unassigned"]) == {"clients-unassigned": 0}
    [note] = Notification.objects.filter(recipient=sup_health, kind="clients_unassigned")
    assert note.title == "1 client in Care Transitions has no case manager"
    assert note.url.startswith("/caseloads/reassign/?program=")
    assert titles(cm_health, "clients_unassigned") == []


def test_command_runs_every_sweep_and_a_second_run_sends_nothing(
    cm_health: User, sup_health: User, make_client: Callable[..., Client], intake_health: User
) -> None:
    add_licence(cm_health, expires_on=date.today() + timedelta(days=30))
    make_client("healthcare", actor=intake_health, given_name="Ana")
    first, second = StringIO(), StringIO()
    call_command("notifications", "sweep", stdout=first)
    assert "credentials: 2 notification(s) sent." in first.getvalue()
    assert "clients-unassigned: 1 notification(s) sent." in first.getvalue()
    before = Notification.objects.count()
    call_command("notifications", "sweep", stdout=second)
    assert Notification.objects.count() == before
    assert all(
        line.endswith(": 0 notification(s) sent.") for line in second.getvalue().split("\n") if line
    )
