"""Opening hours from HSDS schedules, in the agency's time zone, closed on public holidays.

HSDS 3.0 describes regular hours as RFC 5545 recurrence fields: ``freq`` WEEKLY with
``byday`` (``MO,TU``) and ``opens_at``/``closes_at``; MONTHLY with ``bymonthday``; and
``valid_from``/``valid_to`` bounds. Holiday closures come from the ``holidays`` package for
the agency's region (``CASEWORK_HOLIDAY_REGION``, e.g. ``US-NY``): a service is treated as
closed on a public holiday, since directories rarely publish holiday hours.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import holidays
from django.conf import settings
from django.utils import timezone

from casework.resources.models import Schedule

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@cache
def _holidays(region: str, year: int) -> holidays.HolidayBase:
    country, _, subdiv = region.partition("-")
    return holidays.country_holidays(country, subdiv=subdiv or None, years=year)


def holiday_name(day: datetime.date) -> str:
    """The public holiday on ``day`` in the agency's region, or ''."""
    region = getattr(settings, "CASEWORK_HOLIDAY_REGION", "US")
    return str(_holidays(region, day.year).get(day) or "")


def _time(text: str) -> datetime.time | None:
    """``09:00``, ``09:00:00`` or ``09:00-05:00`` (the offset is ignored: local hours)."""
    if not text:
        return None
    core = text[:8].rstrip("Z+-")
    for size in (8, 5):
        try:
            return datetime.time.fromisoformat(core[:size])
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class Window:
    opens: datetime.time
    closes: datetime.time

    def label(self) -> str:
        return f"{self.opens:%H:%M}\u2013{self.closes:%H:%M}"


def _applies(schedule: Schedule, day: datetime.date) -> bool:
    if schedule.valid_from and day < schedule.valid_from:
        return False
    if schedule.valid_to and day > schedule.valid_to:
        return False
    if schedule.until and day > schedule.until:
        return False
    freq = (schedule.freq or "WEEKLY").upper()
    if freq == "MONTHLY" and schedule.bymonthday:
        return str(day.day) in {d.strip() for d in schedule.bymonthday.split(",")}
    days = {d.strip().upper()[-2:] for d in schedule.byday.split(",") if d.strip()}
    return not days or DAYS[day.weekday()] in days


def windows_on(schedules: Iterable[Schedule], day: datetime.date) -> list[Window]:
    """The opening windows on ``day`` (none on a public holiday)."""
    if holiday_name(day):
        return []
    found = []
    for schedule in schedules:
        opens, closes = _time(schedule.opens_at), _time(schedule.closes_at)
        if opens and closes and _applies(schedule, day):
            found.append(Window(opens, closes))
    return sorted(set(found), key=lambda w: w.opens)


def is_open(schedules: Iterable[Schedule], when: datetime.datetime) -> bool:
    """Whether any schedule has the service open at ``when`` (an aware or local time)."""
    local = timezone.localtime(when) if timezone.is_aware(when) else when
    moment = local.time()
    return any(w.opens <= moment < w.closes for w in windows_on(schedules, local.date()))


def hours_label(schedules: Iterable[Schedule], day: datetime.date) -> str:
    """Plain-language hours for ``day``: "09:00-17:00", "Closed (Thanksgiving)", "Closed"."""
    schedules = list(schedules)
    if not schedules:
        return "Hours not listed"
    holiday = holiday_name(day)
    if holiday:
        return f"Closed ({holiday})"
    windows = windows_on(schedules, day)
    return ", ".join(w.label() for w in windows) if windows else "Closed"


def week_lines(schedules: Iterable[Schedule]) -> list[str]:
    """One line per weekly schedule: "Mon, Tue 09:00-17:00"."""
    lines = []
    for schedule in schedules:
        opens, closes = _time(schedule.opens_at), _time(schedule.closes_at)
        if not (opens and closes):
            if schedule.description:
                lines.append(schedule.description)
            continue
        days = [d.strip().upper()[-2:] for d in schedule.byday.split(",") if d.strip()]
        names = ", ".join(DAY_NAMES[DAYS.index(d)] for d in days if d in DAYS) or "Every day"
        lines.append(f"{names} {opens:%H:%M}\u2013{closes:%H:%M}")
    return lines
