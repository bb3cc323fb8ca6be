"""Response clocks: escalation after the program's business days, skipping weekends and
public holidays, first to the referring worker and then to the supervisors, once each."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django_tasks.base import TaskResultStatus

from casework.notifications.models import Notification
from casework.referrals.clocks import (
    add_business_days,
    overdue_for,
    referrals_escalate,
    referrals_waiting_on,
)
from casework.referrals.models import Referral, ResponseClock
from casework.referrals.tasks import referrals_escalate_task

NY = ZoneInfo("America/New_York")


def _sent_on(referral: Referral, day: datetime.date) -> None:
    sent = datetime.datetime.combine(day, datetime.time(10), tzinfo=NY)
    Referral.objects.filter(pk=referral.pk).update(requested_at=sent)


def test_business_days_skip_weekends_and_holidays() -> None:
    wednesday = datetime.date(2026, 11, 25)  # Thanksgiving is Thu 26 Nov 2026
    assert add_business_days(wednesday, 1) == datetime.date(2026, 11, 27)
    assert add_business_days(wednesday, 3) == datetime.date(2026, 12, 1)  # Fri, Mon, Tue
    friday = datetime.date(2026, 12, 4)
    assert add_business_days(friday, 1) == datetime.date(2026, 12, 7)


def test_escalates_to_the_worker_then_the_supervisor(referral, cm_health, sup_health) -> None:
    _sent_on(referral, datetime.date(2026, 11, 25))
    assert referrals_escalate(today=datetime.date(2026, 12, 1)) == 0  # day 3: still in time
    assert referrals_escalate(today=datetime.date(2026, 12, 2)) == 1
    assert Notification.objects.filter(recipient=cm_health, kind="referral_overdue").count() == 1
    assert not Notification.objects.filter(recipient=sup_health).exists()
    assert list(overdue_for(cm_health)) == [referral]
    assert referral in referrals_waiting_on(cm_health)
    assert referrals_escalate(today=datetime.date(2026, 12, 3)) == 0  # told once
    assert referrals_escalate(today=datetime.date(2026, 12, 7)) == 1  # 6 business days: Mon
    assert Notification.objects.filter(recipient=sup_health, kind="referral_overdue").count() == 1


def test_the_program_sets_its_own_number_of_days(referral, programs, cm_health) -> None:
    ResponseClock.objects.create(program=programs["healthcare"], business_days=1)
    _sent_on(referral, datetime.date(2026, 12, 7))  # Monday
    assert referrals_escalate(today=datetime.date(2026, 12, 8)) == 0
    assert referrals_escalate(today=datetime.date(2026, 12, 9)) == 1


def test_nothing_escalates_on_a_weekend_or_once_answered(referral, partner) -> None:
    _sent_on(referral, datetime.date(2026, 11, 2))
    assert referrals_escalate(today=datetime.date(2026, 12, 5)) == 0  # a Saturday
    Referral.objects.filter(pk=referral.pk).update(status="accepted")
    assert referrals_escalate(today=datetime.date(2026, 12, 7)) == 0


def test_the_background_task_runs_the_sweep(referral) -> None:
    _sent_on(referral, datetime.date(2020, 1, 6))
    result = referrals_escalate_task.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert isinstance(result.return_value, int)


@pytest.mark.usefixtures("referral")
def test_the_partner_s_waiting_list_is_its_unanswered_inbox(partner) -> None:
    assert referrals_waiting_on(partner).count() == 1


def _web(user):
    from django.test import Client as HttpClient

    http = HttpClient()
    http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return http


def test_an_admin_sets_the_days_on_the_web_and_the_sweep_uses_them(
    referral, programs, org_admin, cm_health
) -> None:
    from casework.audit.models import AuditEvent

    program = programs["healthcare"]
    http = _web(org_admin)
    listing = http.get("/referrals/response-times/")
    assert listing.status_code == 200
    assert program.name in listing.content.decode()
    url = f"/referrals/response-times/{program.pk}/"
    for typed, message in (("0", "Enter between 1 and 14 business days."),
                           ("15", "Enter between 1 and 14 business days."),
                           ("two", "Enter a whole number of business days.")):  # fmt: skip
        page = http.post(url, {"business_days": typed})
        assert page.status_code == 422
        text = page.content.decode()
        assert f"Business days to answer: {message}" in text
        assert f'value="{typed}"' in text
    assert not ResponseClock.objects.exists()
    assert http.post(url, {"business_days": "1"}).status_code == 302
    assert ResponseClock.objects.get(program=program).business_days == 1
    event = AuditEvent.objects.get(target_type="referral_response_clock")
    assert event.changes == {"business_days": [3, 1]}
    _sent_on(referral, datetime.date(2026, 12, 7))  # Monday
    assert referrals_escalate(today=datetime.date(2026, 12, 9)) == 1  # after 1 day, not 3
    # A case manager reads referrals but does not set the clock.
    assert _web(cm_health).get(url).status_code == 403
    assert _web(cm_health).post(url, {"business_days": "9"}).status_code == 403
    assert _web(cm_health).get("/referrals/response-times/").status_code == 403


def test_the_api_reads_and_sets_the_days(programs, org_admin, cm_health) -> None:
    from casework.api.tests.helpers import Api, token_for

    program = programs["healthcare"]
    path = f"programs/{program.pk}/referral-clock"
    admin = Api(token_for(org_admin))
    assert admin.get(path).json() == {"program_id": program.pk, "program": program.name,
                                      "business_days": 3, "is_default": True,
                                      "can_change": True}  # fmt: skip
    bad = admin._call("put", path, {"business_days": 30})
    assert bad.status_code == 422
    assert "business_days" in bad.content.decode()
    done = admin._call("put", path, {"business_days": 5})
    assert done.json()["business_days"] == 5
    assert done.json()["is_default"] is False
    worker = Api(token_for(cm_health))
    assert worker.get(path).json()["can_change"] is False
    assert worker._call("put", path, {"business_days": 2}).status_code == 403
