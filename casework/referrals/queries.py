"""Read helpers for other apps' pages: referrals of plan interventions, for the plan page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from casework.referrals.models import Referral
from casework.referrals.permissions import referred_by_staff


def referrals_by_intervention(user: Any, keys: Iterable[Any]) -> dict[str, list[Referral]]:
    """The referrals the user sees (referring side) for each plan intervention key, newest
    first: status, outcome (``service_delivered``, ``enrolled``, ``outcome_note``) and
    receiving organization, so a plan shows where each intervention's referral stands."""
    found: dict[str, list[Referral]] = {}
    rows = (
        referred_by_staff(user)
        .filter(plan_intervention_key__in=list(keys))
        .select_related("service", "recipient_organization", "recipient_program")
        .order_by("-created_at")
    )
    for referral in rows:
        found.setdefault(str(referral.plan_intervention_key), []).append(referral)
    return found
