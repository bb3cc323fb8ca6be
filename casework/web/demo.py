"""Demo data that spans several domain apps, so each screen has something true to show.

Only the top layer may import every domain app; ``seed-demo`` calls :func:`seed_everyday_use`
after the clients (``clients.demo``) and staff credentials (``workforce.demo``) are loaded:

- every program gets eligibility rules, so screening answers eligible, ineligible,
  waitlisted (Housing Stability is at capacity) and "cannot tell" with reasons;
- a few open enrollments per program have no case manager, for the supervisor's
  "Not assigned" list (through the assignment service, with a reason, audited);
- each named case manager has supervised hours waiting for their supervisor's signature;
- the healthcare program has discharge plans, some readmitted, for the readmission report.
"""

from __future__ import annotations

import math
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from casework.accounts.models import Membership, Organization, PracticeArea, Program, Role, User
from casework.clients.assignment import enrollments_assign_case_manager
from casework.clients.models import Enrollment
from casework.intake.services import (
    active_enrollment_count,
    eligibility_for,
    eligibility_rules_save,
)
from casework.plans.demo import seed_discharges
from casework.workforce.models import SupervisedHours
from casework.workforce.services import supervised_hours_submit

WANTS_HELP = {
    "key": "wants_help",
    "text": "Does the client want help from this program?",
    "required_answer": True,
}
RULES: dict[str, dict[str, Any]] = {
    PracticeArea.HEALTHCARE: {
        "min_age": 18,
        "states": ["NY"],
        "questions": [WANTS_HELP],
    },
    PracticeArea.MENTAL_HEALTH: {
        "min_age": 16,
        "states": ["NY"],
        "max_income_percent": 300,
        "questions": [WANTS_HELP],
    },
    PracticeArea.SOCIAL_SERVICES: {
        "min_age": 18,
        "states": ["NY"],
        "max_income_percent": 200,
        "questions": [WANTS_HELP],
    },
    PracticeArea.VOCATIONAL_REHAB: {
        "min_age": 16,
        "max_age": 70,
        "states": ["NY"],
        "disability_types": [5, 6, 7, 8, 9, 10],
        "questions": [WANTS_HELP],
    },
}
AT_CAPACITY = PracticeArea.SOCIAL_SERVICES
UNASSIGNED_SHARE = 0.05


def seed_everyday_use(organization: Organization) -> dict[str, int]:
    """Add the rules, gaps and pending signatures above; a second call adds nothing."""
    admin = (
        Membership.objects.active()
        .filter(organization=organization, role=Role.ORG_ADMIN)
        .select_related("user")
        .first()
    )
    if admin is None:
        return {}
    actor = admin.user
    programs = list(organization.programs.filter(is_active=True).order_by("pk"))
    with transaction.atomic():
        ruled = sum(_rules(actor, p) for p in programs)
        unassigned = sum(_unassign(actor, p) for p in programs)
        pending = sum(_hours_to_sign(p) for p in programs)
        discharges = sum(seed_discharges(p) for p in programs)
    return {"rules": ruled, "unassigned": unassigned, "hours": pending, "discharges": discharges}


def _rules(actor: User, program: Program) -> int:
    current = eligibility_for(program)
    rules = RULES.get(PracticeArea(program.practice_area))
    if current.version or rules is None:
        return 0
    capacity = active_enrollment_count(program) if program.practice_area == AT_CAPACITY else None
    eligibility_rules_save(
        actor=actor, program=program, rules=rules, capacity=capacity, expected_version=0
    )
    return 1


def _unassign(actor: User, program: Program) -> int:
    """A few open clients whose case manager left: the supervisor has yet to reassign them.
    Taken from the caseloads of staff who cannot sign in when there are any."""
    open_rows = Enrollment.objects.open().filter(program=program).select_related("program")
    if open_rows.filter(primary_case_manager__isnull=True).exists():
        return 0
    count = min(6, max(2, math.ceil(open_rows.count() * UNASSIGNED_SHARE)))
    unusable = {"primary_case_manager__password__startswith": "!"}  # no sign-in, not a secret
    filler = open_rows.filter(**unusable)
    source = filler if filler.count() >= count else open_rows
    chosen = list(source.exclude(primary_case_manager__isnull=True).order_by("pk")[:count])
    if not chosen:
        return 0
    return enrollments_assign_case_manager(
        actor=actor,
        enrollments=chosen,
        case_manager=None,
        reason="Their case manager left the program (demo data).",
    )


def _hours_to_sign(program: Program) -> int:
    """Two entries of each named case manager, waiting for the program's supervisor."""
    staff = {
        m.role: m.user
        for m in Membership.objects.active()
        .filter(program=program, role__in=[Role.CASE_MANAGER, Role.SUPERVISOR])
        .select_related("user")
        .order_by("user__email")
        if m.user.has_usable_password()
    }
    worker, supervisor = staff.get(Role.CASE_MANAGER), staff.get(Role.SUPERVISOR)
    if worker is None or supervisor is None:
        return 0
    if SupervisedHours.objects.filter(user=worker, signed_at__isnull=True).exists():
        return 0
    today = timezone.localdate()
    for days, hours, kind in ((3, "1.5", "individual_supervision"), (10, "2", "group_supervision")):
        supervised_hours_submit(
            actor=worker,
            supervisor=supervisor,
            worked_on=today - timedelta(days=days),
            hours=Decimal(hours),
            kind=kind,
            note="Case review",
        )
    return 2
