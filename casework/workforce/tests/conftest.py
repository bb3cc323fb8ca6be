"""Workforce test helpers: a staff member's record built through the services."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from casework.accounts.models import User
from casework.workforce import services
from casework.workforce.models import Certification, Licence, Position

TODAY = date(2026, 3, 1)


def add_licence(user: User, kind: str = "RN", jurisdiction: str = "NY", **extra: Any) -> Licence:
    data = {"kind": kind, "jurisdiction": jurisdiction, "issued_on": date(2020, 1, 1)} | extra
    return services.entry_create(actor=user, user=user, model=Licence, data=data)


def add_certification(user: User, kind: str = "CCM", **extra: Any) -> Certification:
    data = {"kind": kind, "issued_on": date(2022, 3, 1), "expires_on": date(2027, 3, 1)} | extra
    return services.entry_create(actor=user, user=user, model=Certification, data=data)


def add_position(user: User, **extra: Any) -> Position:
    data = {
        "employer": "Mercy Hospital",
        "setting": "hospital",
        "role_title": "Case manager",
        "employment": "full_time",
        "started_on": date(2025, 1, 1),
        "ended_on": date(2025, 12, 31),
    } | extra
    return services.entry_create(actor=user, user=user, model=Position, data=data)


@pytest.fixture
def today() -> date:
    return TODAY
