"""Closed-loop outcome measures of the referrals an organization sent, by service and by
receiving organization: how many were sent, the completion rate (completed of those
closed), and the median time to acceptance and to completion (hours, from sending)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from casework.referrals.models import ReferralQuerySet, Status

CLOSED = (Status.COMPLETED, Status.FAILED, Status.REJECTED, Status.CANCELLED)


@dataclass
class Row:
    label: str
    sent: int = 0
    closed: int = 0
    completed: int = 0
    median_hours_to_accept: float | None = None
    median_hours_to_complete: float | None = None

    @property
    def completion_rate(self) -> float | None:
        return round(100 * self.completed / self.closed, 1) if self.closed else None


def _hours(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 3600


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def outcome_table(referrals: ReferralQuerySet, *, by: str) -> list[Row]:
    """Rows by ``service`` or ``organization`` (the receiving side), most referrals first."""
    key = "service__name" if by == "service" else "recipient_organization__name"
    fields = ("status", "requested_at", "accepted_at", "closed_at", key)
    groups: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"row": None, "accept": [], "complete": []}
    )
    for status, sent, accepted, closed, label in (
        referrals.exclude(status=Status.DRAFT).exclude(status=Status.ENTERED_IN_ERROR)
        .values_list(*fields)
    ):  # fmt: skip
        group = groups[label or "Program referrals"]
        row = group["row"] = group["row"] or Row(label or "Program referrals")
        row.sent += 1
        if status in CLOSED:
            row.closed += 1
        if status == Status.COMPLETED:
            row.completed += 1
            if (hours := _hours(sent, closed)) is not None:
                group["complete"].append(hours)
        if (hours := _hours(sent, accepted)) is not None:
            group["accept"].append(hours)
    rows = []
    for group in groups.values():
        row = group["row"]
        row.median_hours_to_accept = _median(group["accept"])
        row.median_hours_to_complete = _median(group["complete"])
        rows.append(row)
    return sorted(rows, key=lambda r: (-r.sent, r.label))
