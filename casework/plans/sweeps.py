"""The plans app's daily sweep (run by ``casework notifications sweep``)."""

from __future__ import annotations

from datetime import date

from casework.notifications.sweeps import sweep
from casework.plans.notices import deadline_sweep


@sweep("plan-deadlines", "Employment-plan deadlines near or passed, and plan reviews overdue")
def plan_deadlines(day: date) -> int:
    return deadline_sweep(on=day)
