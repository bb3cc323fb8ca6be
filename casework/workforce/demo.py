"""Demo workforce data: realistic credentials for the demo agency's staff.

``seed_workforce(organization, seed)`` gives every signing-in staff member (the named demo
accounts) education, licences or certifications, positions, supervised hours and CE, some
expiring within 90 days; gives the caseload-only healthcare case managers an RN licence in
bulk (one of them lapsed, so a supervisor sees clients to reassign); and makes the
healthcare program require an RN or LSW licence in its state. Jordan Reyes, a healthcare
case manager whose RN lapsed three days ago, holds two clients for the supervisor to
reassign. Safe to call twice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from casework.accounts.models import Membership, Organization, PracticeArea, Role, User
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.workforce import services
from casework.workforce.models import (
    Certification,
    ContinuingEducation,
    CredentialRequirement,
    Education,
    Licence,
    Position,
)

BULK_BATCH = 1000


@dataclass(frozen=True)
class Profile:
    degree: str
    accreditation: str
    licence: str
    certification: str
    setting: str


PROFILES = {
    PracticeArea.HEALTHCARE: Profile("BSN", "NURSING", "RN", "CCM", "hospital"),
    PracticeArea.MENTAL_HEALTH: Profile("MSW", "CSWE", "LMSW", "", "community_mental_health"),
    PracticeArea.SOCIAL_SERVICES: Profile("BSW", "CSWE", "LSW", "", "non_profit"),
    PracticeArea.VOCATIONAL_REHAB: Profile("MRC", "CACREP", "", "CRC", "vocational_rehab"),
}
# Days until expiry for the named accounts, by role: a spread across the 90/60/30 alerts.
EXPIRY_DAYS: dict[str, int] = {Role.CASE_MANAGER: 75, Role.SUPERVISOR: 400, Role.INTAKE_WORKER: 25}


def seed_workforce(organization: Organization, seed: int = 1) -> dict[str, int]:
    """Load the demo credentials for ``organization``; returns what was added."""
    rng = random.Random(seed)  # noqa: S311 - demo data needs no cryptographic randomness
    today = timezone.localdate()
    members = list(
        Membership.objects.active()
        .filter(organization=organization, program__isnull=False)
        .select_related("user", "program")
        .order_by("user__email", "pk")
    )
    staff = {m.user_id: m for m in members}
    if Licence.objects.filter(user_id__in=staff).exists():
        return {"staff": 0, "bulk_licences": 0}
    admin = _org_admin(organization)
    named = [m for m in staff.values() if m.user.has_usable_password()]
    with transaction.atomic():
        for membership in named:
            _named_record(membership, rng, today, admin)
        bulk = _bulk_rn_licences(organization, members, named, today)
        if admin is not None:
            _lapsed_case_manager(organization, admin, today)
            _require_licence(organization, admin)
    return {"staff": len(named), "bulk_licences": bulk}


def _org_admin(organization: Organization) -> User | None:
    row = (
        Membership.objects.active()
        .filter(organization=organization, role=Role.ORG_ADMIN)
        .select_related("user")
        .first()
    )
    return row.user if row else None


def _named_record(m: Membership, rng: random.Random, today: date, admin: User | None) -> None:
    user, program = m.user, m.program
    assert program is not None  # program memberships only
    profile = PROFILES[PracticeArea(program.practice_area)]
    state = program.state or "NY"
    years = 8 if m.role == Role.SUPERVISOR else rng.randint(2, 5)
    graduated = date(today.year - years - 1, 5, 15)
    _add(
        user,
        Education,
        degree=profile.degree,
        institution="State University",
        accreditation=profile.accreditation,
        completed_on=graduated,
        supervised_field_experience=True,
    )
    expires = today + timedelta(days=EXPIRY_DAYS.get(m.role, 300))
    if profile.licence:
        licence = _add(
            user,
            Licence,
            kind=profile.licence,
            jurisdiction=state,
            number=f"{state}{rng.randint(100000, 999999)}",
            issued_on=graduated + timedelta(days=120),
            expires_on=expires,
        )
        if admin is not None and admin.pk != user.pk:
            services.credential_verify(
                actor=admin, credential=licence, outcome="verified", method="primary_source"
            )
    if profile.certification and (m.role == Role.SUPERVISOR or rng.random() < 0.7):
        _add(
            user,
            Certification,
            kind=profile.certification,
            number=str(rng.randint(10000, 99999)),
            issued_on=expires - timedelta(days=5 * 365),
            expires_on=expires,
        )
    supervised_by = (
        "" if m.role == Role.SUPERVISOR else f"Supervisor ({profile.certification or 'LCSW'})"
    )
    _add(
        user,
        Position,
        employer=program.organization.name,
        setting=profile.setting,
        role_title=m.get_role_display(),
        employment="full_time",
        started_on=today - timedelta(days=30 * rng.randint(8, 30)),
        ended_on=None,
        supervised=bool(supervised_by),
        supervisor_name=supervised_by,
        supervisor_credentials=profile.certification or "LCSW",
        supervises_case_managers=m.role == Role.SUPERVISOR,
    )
    for n in range(rng.randint(2, 5)):
        category = ["ethics", "case_management", "clinical", "practice"][n % 4]
        _add(
            user,
            ContinuingEducation,
            provider="Case Management Society",
            course=f"{category.replace('_', ' ').title()} update {n + 1}",
            completed_on=today - timedelta(days=rng.randint(20, 700)),
            hours=Decimal(rng.choice(["1.5", "2", "3", "6"])),
            category=category,
        )


def _add(user: User, model: Any, **data: Any) -> Any:
    return services.entry_create(actor=user, user=user, model=model, data=data)


def _bulk_rn_licences(
    organization: Organization, members: list[Membership], named: list[Membership], today: date
) -> int:
    """Caseload-only healthcare case managers hold an RN; the first one's has just lapsed."""
    named_ids = {m.user_id for m in named}
    fillers = sorted(
        {
            m.user_id
            for m in members
            if m.program.practice_area == PracticeArea.HEALTHCARE  # type: ignore[union-attr]  # program memberships
            and m.role == Role.CASE_MANAGER
            and m.user_id not in named_ids
        }
    )
    rows = [
        Licence(
            user_id=user_id,
            kind="RN",
            jurisdiction=organization.state or "NY",
            number=f"RN{user_id:07d}",
            issued_on=today - timedelta(days=900),
            expires_on=today - timedelta(days=3)
            if i == 0
            else today + timedelta(days=400 + i % 300),
        )
        for i, user_id in enumerate(fillers)
    ]
    Licence.objects.bulk_create(rows, batch_size=BULK_BATCH)
    if rows:
        record(
            actor=None,
            action=AuditAction.CREATE,
            target_type="workforce.licence",
            organization_id=organization.pk,
            details={"rn_licences_added": len(rows), "reason": "demo staff"},
        )
    return len(rows)


LAPSED_EMAIL = "jordan.reyes@riverside.example.org"


def _lapsed_case_manager(organization: Organization, admin: User, today: date) -> None:
    """A caseload-only healthcare case manager who took two clients and then let their RN
    lapse: the supervisor's dashboard lists those clients for reassignment."""
    from casework.accounts import services as accounts
    from casework.clients.assignment import enrollments_assign_case_manager
    from casework.clients.models import Enrollment

    program = organization.programs.filter(practice_area=PracticeArea.HEALTHCARE).first()
    if program is None or User.objects.filter(email=LAPSED_EMAIL).exists():
        return
    user = accounts.user_create(actor=admin, email=LAPSED_EMAIL, full_name="Jordan Reyes")
    licence = _add(
        user,
        Licence,
        kind="RN",
        jurisdiction=program.state or "NY",
        number="RN4410297",
        issued_on=today - timedelta(days=730),
        expires_on=today + timedelta(days=1),
    )
    accounts.membership_grant(actor=admin, user=user, role=Role.CASE_MANAGER, program=program)
    taken = Enrollment.objects.open().filter(program=program).select_related("program")
    enrollments_assign_case_manager(
        actor=admin,
        enrollments=list(taken.order_by("pk")[:2]),
        case_manager=user,
        reason="Took over two clients (demo data).",
    )
    services.entry_update(actor=user, entry=licence, data={"expires_on": today - timedelta(days=3)})


def _require_licence(organization: Organization, admin: User) -> None:
    program = organization.programs.filter(practice_area=PracticeArea.HEALTHCARE).first()
    if (
        program is None
        or CredentialRequirement.objects.filter(program=program, is_active=True).exists()
    ):
        return
    services.credential_requirement_set(
        actor=admin, program=program, role=Role.CASE_MANAGER, any_of=["RN", "LSW"]
    )
