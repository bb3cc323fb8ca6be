"""Search first: the existing clients an incoming person may already be.

Only active clients the worker may see are ever considered
(``Client.objects.active().visible_to``), so a record merged away is never offered, and a
record in another program of the same organization never leaks through the match list; the
page always says that there may be records the worker cannot see.

The search is ``clients.intake_search.find_candidates`` (indexed branches: dates, names
with any date, nicknames, placeholders, one-edit typos; then the Fellegi-Sunter model, with
plain-word reasons and the branches that offered each candidate). Should no matching model
be shipped, a simpler ranking is used: a small pool (same date of birth, similar family
name, same phone) scored with rapidfuzz string similarity.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.db.models import Q
from rapidfuzz import fuzz

from casework.clients import intake_check
from casework.clients.matching.intake import ALERT_THRESHOLD
from casework.clients.matching.model import default_model
from casework.clients.models import Client, normalize_name
from casework.clients.permissions import redact_confidential_addresses
from casework.clients.services import client_list_record

POOL_LIMIT = 200
SHOW_LIMIT = intake_check.SHOW_LIMIT
MIN_SCORE = 0.35

# One shape for both rankings: the client, its score, reasons and the branches that found it.
Candidate = intake_check.Match


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")[-10:]


def _pool(user: Any, given: str, family: str, dob: date | None, phone: str) -> list[Client]:
    condition = Q()
    family_key = normalize_name(family)
    if family_key:
        condition |= Q(family_name_key__startswith=family_key[:3])
    given_key = normalize_name(given)
    if given_key:
        # Swapped first and last names are a common data-entry slip.
        condition |= Q(family_name_key__startswith=given_key[:3])
    if dob is not None:
        condition |= Q(date_of_birth=dob)
        # Day and month transposed.
        if dob.day <= 12:
            condition |= Q(date_of_birth=date(dob.year, dob.day, dob.month))
    digits = _digits(phone)
    if len(digits) >= 7:
        condition |= Q(phone__contains=digits[-4:])
    if not condition:
        return []
    visible = Client.objects.active().visible_to(user).filter(condition)
    return list(visible.order_by("pk")[:POOL_LIMIT])


def _name_score(given: str, family: str, client: Client) -> tuple[float, list[str]]:
    g, f = normalize_name(given), normalize_name(family)
    cg, cf = client.given_name_key, client.family_name_key
    cp = client.preferred_name_key
    straight = (fuzz.ratio(g, cg) + fuzz.ratio(f, cf)) / 200
    swapped = (fuzz.ratio(g, cf) + fuzz.ratio(f, cg)) / 200
    preferred = (fuzz.ratio(g, cp) + fuzz.ratio(f, cf)) / 200 if cp else 0.0
    best = max(straight, swapped, preferred)
    reasons = []
    if f and f == cf:
        reasons.append("last name matches")
    elif f and fuzz.ratio(f, cf) >= 80:
        reasons.append("last name is spelled similarly")
    if g and g in (cg, cp):
        reasons.append("first name matches")
    elif g and max(fuzz.ratio(g, cg), fuzz.ratio(g, cp) if cp else 0) >= 80:
        reasons.append("first name is spelled similarly")
    if best == swapped and swapped > straight and swapped >= 0.8:
        reasons.append("first and last names look swapped")
    return best, reasons


def _dob_score(dob: date | None, client: Client) -> tuple[float, list[str]]:
    born = client.date_of_birth
    if dob is None or born is None:
        return 0.5, []
    if dob == born:
        return 1.0, ["date of birth matches"]
    if dob.year == born.year and (dob.day, dob.month) == (born.month, born.day):
        return 0.8, ["date of birth matches with day and month swapped"]
    same = sum((dob.year == born.year, dob.month == born.month, dob.day == born.day))
    if same == 2:
        return 0.6, ["date of birth differs in one part"]
    return 0.0, []


def score_candidate(
    client: Client, *, given: str, family: str, dob: date | None, phone: str
) -> Candidate:
    name, reasons = _name_score(given, family, client)
    born, dob_reasons = _dob_score(dob, client)
    score = 0.6 * name + 0.4 * born
    digits = _digits(phone)
    if len(digits) >= 7 and digits == _digits(client.phone):
        score = min(1.0, score + 0.15)
        dob_reasons.append("phone number matches")
    return Candidate(
        client=client,
        score=round(score, 3),
        reasons=reasons + dob_reasons,
        possible_duplicate=score >= ALERT_THRESHOLD,
    )


def _matched(
    user: Any, *, given_name: str, family_name: str, date_of_birth: date | None, phone: str
) -> list[Candidate]:
    return intake_check.matches_for(
        user,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        phone=phone,
        k=SHOW_LIMIT,
    )


def _fallback(
    user: Any, *, given_name: str, family_name: str, date_of_birth: date | None, phone: str
) -> list[Candidate]:
    pool = _pool(user, given_name, family_name, date_of_birth, phone)
    scored = [
        score_candidate(c, given=given_name, family=family_name, dob=date_of_birth, phone=phone)
        for c in pool
    ]
    return sorted(
        (c for c in scored if c.score >= MIN_SCORE), key=lambda c: (-c.score, c.client.pk)
    )[:SHOW_LIMIT]


def find_candidates(
    user: Any, *, given_name: str, family_name: str, date_of_birth: date | None, phone: str = ""
) -> list[Candidate]:
    """Probable existing matches among the clients ``user`` may see, best first (audited)."""
    search = _matched if default_model() is not None else _fallback
    shown = search(
        user,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        phone=phone,
    )
    query = {
        "intake_search": f"{given_name} {family_name}".strip(),
        "dob": date_of_birth.isoformat() if date_of_birth else "",
        "phone": "yes" if phone else "",
    }
    redact_confidential_addresses(user, [c.client for c in shown])
    client_list_record(actor=user, clients=[c.client for c in shown], query=query)
    return shown
