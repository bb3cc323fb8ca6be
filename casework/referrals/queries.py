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


def _yes_no(value: bool | None, yes: str, no: str) -> str:
    return "" if value is None else (yes if value else no)


def outcome_text(referral: Referral) -> str:
    """The referral's outcome in plain words, e.g. "Service delivered; enrolled." ("" until
    the receiving side closed it with an outcome)."""
    parts = [
        _yes_no(referral.service_delivered, "service delivered", "service not delivered"),
        _yes_no(referral.enrolled, "enrolled", "not enrolled"),
    ]
    words = "; ".join(p for p in parts if p)
    return f"{words[:1].upper()}{words[1:]}." if words else ""


def intervention_referrals(referral: Referral) -> dict[str, Any]:
    """One referral of a plan intervention as the plan shows it (page and API)."""
    return {
        "id": referral.pk,
        "status": referral.status,
        "status_label": referral.get_status_display(),
        "recipient": referral.recipient_label,
        "service_delivered": referral.service_delivered,
        "enrolled": referral.enrolled,
        "outcome": outcome_text(referral),
        "outcome_note": referral.outcome_note,
        "status_reason": referral.status_reason,
        "closed_at": referral.closed_at,
    }
