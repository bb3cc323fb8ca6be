"""What waits for a supervisor: the "Waiting for you" panel of the start page.

Counts and links only (no client names), each a few queries however large the programs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count
from django.urls import reverse

from casework.accounts.access import access_for
from casework.accounts.models import Membership, User
from casework.casenotes.permissions import notes_to_cosign
from casework.clients.models import Enrollment
from casework.workforce import queries as workforce
from casework.workforce.models import SupervisedHours

CREDENTIAL_HORIZON_DAYS = 90


@dataclass(frozen=True)
class Waiting:
    count: int
    text: str
    url: str
    link: str


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _hours(user: Any) -> list[Waiting]:
    n = SupervisedHours.objects.filter(supervisor=user, signed_at__isnull=True).count()
    text = _plural(n, "supervised-hours entry waits", "supervised-hours entries wait")
    url = reverse("web:workforce_supervision")
    return [Waiting(n, f"{text} for your signature", url, "Sign hours")] if n else []


def _notes(user: Any) -> list[Waiting]:
    n = notes_to_cosign(user).count()
    text = _plural(n, "note waits", "notes wait")
    url = f"{reverse('web:worklist')}?kind=cosign_note"
    return [Waiting(n, f"{text} for your co-signature", url, "Co-sign notes")] if n else []


def _unassigned(program_ids: frozenset[int]) -> list[Waiting]:
    rows = (
        Enrollment.objects.open()
        .filter(program_id__in=program_ids, primary_case_manager__isnull=True)
        .values("program_id", "program__name")
        .annotate(n=Count("id"))
        .order_by("program__name")
    )
    return [
        Waiting(
            row["n"],
            f"{_plural(row['n'], 'client', 'clients')} in {row['program__name']} "
            f"{'has' if row['n'] == 1 else 'have'} no case manager",
            f"{reverse('web:reassign')}?program={row['program_id']}&from=none",
            "Assign a case manager",
        )
        for row in rows
    ]


def _credentials(user: Any, program_ids: frozenset[int], today: date) -> list[Waiting]:
    staff_ids = Membership.objects.active().filter(program_id__in=program_ids).values("user_id")
    staff = User.objects.filter(pk__in=staff_ids, is_active=True).exclude(pk=user.pk)
    n = len(workforce.expiring(staff, today=today, days=CREDENTIAL_HORIZON_DAYS))
    text = _plural(n, "staff credential", "staff credentials")
    url = reverse("web:workforce_supervision")
    return (
        [Waiting(n, f"{text} expired or expiring within 90 days", url, "See credentials")]
        if n
        else []
    )


def waiting_for(user: Any, *, today: date) -> list[Waiting]:
    """Hours to sign, notes to co-sign, clients without a case manager and staff
    credentials expiring, in the programs the user supervises."""
    supervised = access_for(user).supervised_program_ids
    items = _hours(user)
    if supervised:
        items += _notes(user) + _unassigned(supervised) + _credentials(user, supervised, today)
    return items
