"""The IPE's 90-day clock read from every version of the plan (34 CFR 361.45(e)): it starts
on the eligibility date, a new version does not restart it, agreed extensions carry over;
at its boundaries, and through the API, the plan page and the deadline sweep."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from casework.accounts.models import User
from casework.clients.models import Client, Enrollment
from casework.plans.models import PlanVersion
from casework.plans.sections import plan_ipe_clock
from casework.plans.tests.test_plans_api import api, call, fill_goals

ELIGIBLE = datetime.date(2026, 1, 1)  # day 90 is Apr 1, 2026
IPE = {"eligibility_date": "2026-01-01"}
EXTENDED = IPE | {
    "extension_to": "2026-05-15",
    "extension_reason": "Waiting for medical records",
    "extension_agreed_on": "2026-03-20",
}


def day(n: int) -> datetime.date:
    return ELIGIBLE + datetime.timedelta(days=n)


@pytest.mark.parametrize(
    ("today", "days_left", "alert"),
    [
        (day(59), 31, ""),
        (day(60), 30, "30_days"),
        (day(79), 11, "30_days"),
        (day(80), 10, "10_days"),
        (day(90), 0, "10_days"),
        (day(91), -1, "lapsed"),
    ],
)
def test_alerts_at_30_and_10_days_and_after_day_90(
    today: datetime.date, days_left: int, alert: str
) -> None:
    clock = plan_ipe_clock([(IPE, None)], today=today)
    assert clock is not None
    assert clock["deadline"] == day(90) == datetime.date(2026, 4, 1)
    assert (clock["days_left"], clock["alert"]) == (days_left, alert)


@pytest.mark.parametrize(("signed", "met"), [(day(90), True), (day(91), False)])
def test_signed_on_day_90_is_in_time_day_91_is_late(signed: datetime.date, met: bool) -> None:
    clock = plan_ipe_clock([(IPE, signed)], today=day(120))
    assert clock is not None
    assert clock["met"] is met
    assert clock["alert"] == ""
    assert clock["annual_review_due"] == signed + datetime.timedelta(days=365)


def test_a_new_draft_version_does_not_restart_the_clock() -> None:
    # Version 1 signed on day 45; version 2, a draft made on day 120, copies the IPE.
    clock = plan_ipe_clock([(IPE, day(45)), (IPE, None)], today=day(120))
    assert clock is not None
    assert clock["met"] is True
    assert clock["signed_on"] == day(45)
    assert clock["alert"] == ""
    assert clock["deadline"] == day(90)


def test_eligibility_comes_from_the_first_version_with_an_ipe() -> None:
    moved = IPE | {"eligibility_date": "2026-03-01"}
    clock = plan_ipe_clock([(None, day(10)), (IPE, None), (moved, None)], today=day(85))
    assert clock is not None
    assert clock["eligibility_date"] == ELIGIBLE
    assert (clock["deadline"], clock["alert"]) == (day(90), "10_days")


def test_an_extension_carries_over_until_another_is_agreed() -> None:
    clock = plan_ipe_clock([(EXTENDED, None), (IPE, None)], today=day(100))
    assert clock is not None
    assert clock["extended"] is True
    assert clock["deadline"] == datetime.date(2026, 5, 15)
    assert (clock["days_left"], clock["alert"]) == (34, "")
    # Signed on the extended deadline: in time.
    signed = plan_ipe_clock([(EXTENDED, datetime.date(2026, 5, 15)), (IPE, None)], today=day(200))
    assert signed is not None
    assert signed["met"] is True
    later = EXTENDED | {"extension_to": "2026-06-30", "extension_agreed_on": "2026-05-10"}
    again = plan_ipe_clock([(EXTENDED, None), (IPE, None), (later, None)], today=day(100))
    assert again is not None
    assert again["deadline"] == datetime.date(2026, 6, 30)


def test_no_ipe_no_clock() -> None:
    assert plan_ipe_clock([(None, None)], today=day(1)) is None


@pytest.fixture
def plan(client_health: Client, cm_health: User) -> dict[str, Any]:
    """A plan built from a needs assessment (as in ``test_plans_api``)."""
    http = api(cm_health)
    made = call(
        http,
        "post",
        f"/clients/{client_health.pk}/assessments",
        {"instrument": "needs", "answers": {"housing": 1}},
    ).json()
    body = {"assessment_ids": [made["id"]]}
    response = call(http, "post", f"/clients/{client_health.pk}/plans/from-needs", body)
    assert response.status_code == 201, response.content
    return response.json()


def test_api_page_and_sweep_read_all_versions(plan: dict[str, Any], cm_health: User) -> None:
    from casework.notifications.models import Notification
    from casework.plans.notices import deadline_sweep

    Enrollment.objects.filter(pk=plan["enrollment_id"]).update(primary_case_manager=cm_health)
    http = api(cm_health)
    today = datetime.date.today()
    eligible = today - datetime.timedelta(days=80)  # day 90 is in 10 days
    extension = {
        "eligibility_date": eligible.isoformat(),
        "extension_to": (today + datetime.timedelta(days=40)).isoformat(),
        "extension_reason": "Waiting for the medical report",
        "extension_agreed_on": (today - datetime.timedelta(days=1)).isoformat(),
    }
    url = f"/plans/{plan['id']}/sections/ipe"
    assert call(http, "put", url, extension).status_code == 200
    fill_goals(http, plan)
    signed = call(
        http, "post", f"/plans/{plan['id']}/sign", {"method": "typed", "signed_name": "D"}
    )
    assert signed.status_code == 200, signed.content
    # Editing the IPE afterwards starts version 2, a draft, without the extension's fields.
    edited = call(
        http,
        "put",
        url,
        {"eligibility_date": eligible.isoformat(), "employment_goal": "Forklift operator"},
    )
    assert edited.status_code == 200, edited.content
    assert PlanVersion.objects.filter(plan_id=plan["id"]).count() == 2
    clock = call(http, "get", f"/plans/{plan['id']}").json()["ipe_clock"]
    assert clock["deadline"] == extension["extension_to"]
    assert clock["extended"] is True
    assert clock["met"] is True
    assert clock["signed_on"] == today.isoformat()
    assert clock["alert"] == ""
    # No alert for an IPE that was signed in time, whatever the later draft.
    deadline_sweep(on=today + datetime.timedelta(days=15))
    assert not Notification.objects.filter(kind="ipe_deadline").exists()
    page = http.get(f"/plans/{plan['id']}/").content.decode()
    assert "Signed in time on" in page
    assert "(agreed extension)" in page
    # A new version cannot move the eligibility date to restart the clock.
    moved = call(http, "put", url, {"eligibility_date": today.isoformat()})
    assert moved.status_code == 422
    assert "eligibility_date" in moved.content.decode()
    assert "does not restart the 90-day clock" in moved.content.decode()
