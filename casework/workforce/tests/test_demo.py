"""The demo credentials load through the services and set up a visible scenario."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from casework.accounts.models import Organization, Program, User
from casework.clients.models import Client
from casework.workforce.demo import seed_workforce
from casework.workforce.models import Licence
from casework.workforce.queries import credentials_report, gaps, memberships_in_scope

pytestmark = pytest.mark.django_db


def test_seed_workforce_gives_staff_credentials_some_expiring_soon(
    agency: Organization,
    programs: dict[str, Program],
    cm_health: User,
    sup_health: User,
    cm_mental_health: User,
    org_admin: User,
    client_health: Client,
) -> None:
    added = seed_workforce(agency, seed=3)
    assert added["staff"] == 3
    assert seed_workforce(agency, seed=3) == {"staff": 0, "bulk_licences": 0}  # idempotent
    soon = timezone.localdate() + timedelta(days=90)
    assert Licence.objects.filter(
        user=cm_health, expires_on__lte=soon, verification="verified"
    ).exists()
    report = credentials_report(cm_health)
    assert report["renewals"]
    assert programs["healthcare"].credential_requirements.filter(is_active=True).exists()
    gap = next(g for g in gaps(memberships_in_scope(sup_health), today=timezone.localdate()))
    assert gap.staff.email == "jordan.reyes@riverside.example.org"
    assert [e.client for e in gap.enrollments] == [client_health]
