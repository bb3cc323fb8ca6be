"""Demo discharge plans for the healthcare programs, so the 30-day readmission report has
something true to show: discharges over the last six months, some readmitted within 30 days,
one readmission planned, one after the window, and recent ones whose window is still open."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from casework.accounts.models import PracticeArea, Program
from casework.clients.models import Enrollment
from casework.plans.models import PlanVersion
from casework.plans.services import plan_open, section_save

DESTINATIONS = ("home", "home_health", "skilled_nursing", "inpatient_rehab", "home")


def seed_discharges(program: Program, *, count: int = 30, seed: int = 1) -> int:
    """Record ``count`` discharges (with readmissions for some) on open enrollments of a
    healthcare program that have a case manager; nothing if the program already has some."""
    if program.practice_area != PracticeArea.HEALTHCARE:
        return 0
    if PlanVersion.objects.filter(
        plan__enrollment__program=program, sections__has_key="discharge"
    ).exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data needs no cryptographic randomness
    today = timezone.localdate()
    enrollments = (
        Enrollment.objects.open()
        .filter(program=program, service_plan__isnull=True)
        .exclude(primary_case_manager=None)
        .select_related("primary_case_manager")
        .order_by("pk")[:count]
    )
    made = 0
    for n, enrollment in enumerate(enrollments):
        discharged = today - datetime.timedelta(days=3 + (n * 17) % 178)
        section: dict[str, object] = {
            "destination": DESTINATIONS[n % len(DESTINATIONS)],
            "anticipated_date": discharged.isoformat(),
            "discharged_on": discharged.isoformat(),
            "follow_up_date": (discharged + datetime.timedelta(days=5)).isoformat(),
            "medication_reconciliation_done": True,
        }
        after = rng.choice((None, None, None, None, 4, 11, 19, 27, 45))
        if after is not None and discharged + datetime.timedelta(days=after) <= today:
            section["readmitted_on"] = (discharged + datetime.timedelta(days=after)).isoformat()
            section["readmission_planned"] = n % 9 == 4
        actor = enrollment.primary_case_manager
        plan = plan_open(actor=actor, enrollment=enrollment)
        section_save(actor=actor, plan=plan, kind="discharge", data=section)
        made += 1
    return made
