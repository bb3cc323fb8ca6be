"""Appointments: double-booking warning, calendars, and the private iCalendar feed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client as HttpClient
from django.utils import timezone
from icalendar import Calendar

from casework.scheduling import calendar as feeds
from casework.scheduling import services


def _http(user: Any) -> HttpClient:
    http = HttpClient()
    http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return http


def _book(cm: Any, client: Any, programs: Any, hours: float = 2, **data: Any) -> Any:
    return services.appointment_create(
        actor=cm,
        client=client,
        program=programs["healthcare"],
        worker=cm,
        data={
            "starts_at": timezone.now() + timedelta(hours=hours),
            "duration_minutes": 60,
            "mode": "in_person",
            "place": "42 Sweetwater Hollow",
            "purpose": "Housing application for Dolores",
        }
        | data,
    )


def test_the_feed_parses_and_shows_initials_only(
    cm_health: Any, client_health: Any, programs: Any
) -> None:
    _book(cm_health, client_health, programs)
    raw = feeds.feed_create(actor=cm_health)
    response = HttpClient().get(f"/calendar/feed/{raw}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    for secret in ("Dolores", "Abernathy", "Sweetwater", "Housing"):
        assert secret not in body
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "DA (in person)"


def test_a_revoked_or_replaced_feed_address_is_refused(
    cm_health: Any, client_health: Any, programs: Any
) -> None:
    first = feeds.feed_create(actor=cm_health)
    second = feeds.feed_create(actor=cm_health)
    assert HttpClient().get(f"/calendar/feed/{first}.ics").status_code == 404
    assert HttpClient().get(f"/calendar/feed/{second}.ics").status_code == 200
    _http(cm_health).post("/calendar/feed/", {"action": "revoke"})
    assert HttpClient().get(f"/calendar/feed/{second}.ics").status_code == 404
    assert HttpClient().get("/calendar/feed/not-a-token.ics").status_code == 404


def test_double_booking_warns_before_booking(
    cm_health: Any, client_health: Any, programs: Any
) -> None:
    first = _book(cm_health, client_health, programs)
    start = timezone.localtime(first.starts_at + timedelta(minutes=30))
    form = {
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "30",
        "mode": "phone",
        "worker": cm_health.pk,
        "program": programs["healthcare"].pk,
    }
    http = _http(cm_health)
    warned = http.post(f"/clients/{client_health.pk}/appointments/new/", form)
    assert warned.status_code == 200
    assert "This overlaps 1 other appointment" in warned.content.decode()
    assert services.double_bookings(cm_health.pk, start, 30) == [first]
    booked = http.post(
        f"/clients/{client_health.pk}/appointments/new/", form | {"book_anyway": "on"}
    )
    assert booked.status_code == 302


def test_week_and_day_calendars_list_the_workers_appointments(
    cm_health: Any, client_health: Any, programs: Any, cm_mental_health: Any
) -> None:
    _book(cm_health, client_health, programs, hours=0.1)
    day = timezone.localdate().isoformat()
    mine = _http(cm_health).get(f"/calendar/?view=day&day={day}").content.decode()
    assert "Dolores Abernathy" in mine
    theirs = _http(cm_mental_health).get(f"/calendar/?day={day}").content.decode()
    assert "Abernathy" not in theirs
