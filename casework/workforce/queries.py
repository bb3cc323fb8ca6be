"""Read-side: a staff member's record as engine facts, their credential report, the
program requirements they fail, the clients affected, and the compliance report."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from casework.accounts.access import access_for
from casework.accounts.models import Membership, Program, Role, User
from casework.clients.models import Enrollment
from casework.core.messages import public_citation
from casework.workforce import eligibility as engine
from casework.workforce.models import (
    Certification,
    CredentialException,
    CredentialRequirement,
    Licence,
    RuleSet,
)
from casework.workforce.permissions import primary_organization_id
from casework.workforce.rules import current_rules


def staff_record(user: User) -> engine.StaffRecord:
    """The engine's view of one staff member's record (signed hours only)."""
    return engine.StaffRecord(
        degrees=[
            engine.DegreeFact(
                code=e.degree,
                level=e.level,
                field=_degree_field(e.degree),
                accreditation=e.accreditation,
                completed_on=e.completed_on,
                # An unticked box is "not recorded", not "no": the engine says cannot tell.
                field_experience=e.supervised_field_experience or None,
                disability_coursework=e.disability_coursework,
            )
            for e in user.education.all()
        ],
        licences=[_fact(x) for x in user.licences.all()],
        certifications=[_fact(x) for x in user.certifications.all()],
        positions=[
            engine.PositionFact(
                started_on=p.started_on,
                ended_on=p.ended_on,
                setting=p.setting,
                case_management=p.case_management,
                supervises_case_managers=p.supervises_case_managers,
                full_time=p.employment == "full_time",
                hours_per_week=p.hours_per_week,
                supervisor_credentials=tuple(p.supervisor_credential_codes) if p.supervised else (),
                supervised=p.supervised,
            )
            for p in user.positions.all()
        ],
        hours=[
            engine.HoursFact(
                worked_on=h.worked_on,
                hours=float(h.hours),
                kind=h.kind,
                practicum=h.practicum_id is not None,
            )
            for h in user.supervised_hours.filter(signed_at__isnull=False)
        ],
        ce=[
            engine.CeFact(
                completed_on=c.completed_on,
                hours=float(c.hours),
                category=c.category,
                course=c.course,
            )
            for c in user.continuing_education.all()
        ],
        # A result an admin could not verify is not evidence.
        exams=[
            engine.ExamFact(
                code=x.kind, taken_on=x.taken_on, passed=x.passed, jurisdiction=x.jurisdiction
            )
            for x in user.exam_results.exclude(verification="rejected")
        ],
    )


def _degree_field(code: str) -> str:
    from casework.workforce.models import DEGREE_FACTS

    return DEGREE_FACTS.get(code, ("", "other"))[1]


def _fact(credential: Any) -> engine.CredentialFact:
    return engine.CredentialFact(
        kind=credential.kind,
        jurisdiction=getattr(credential, "jurisdiction", ""),
        # Expiry is the engine's to judge against its ``today``; here only status counts.
        current=credential.is_current(date.min),
        issued_on=credential.issued_on,
        expires_on=credential.expires_on,
    )


def rule_meta(rule: RuleSet) -> dict[str, Any]:
    return {
        "rule_version": rule.version,
        "agency_override": rule.organization_id is not None,
        "source": public_citation(rule.citation),
        "source_url": rule.source_url,
        "marker": rule.marker,
    }


def credential_entry(result: engine.CredentialResult, rule: RuleSet) -> dict[str, Any]:
    """The ``credentials`` item shared by the API, the CLI and the pathway planner."""
    return {
        "code": result.code,
        "name": result.name,
        "eligible": result.eligible,
        "status": result.status,
        "missing": result.missing,
        "cannot_tell": result.cannot_tell,
        "requirements": [r.as_dict() for r in result.requirements],
        **rule_meta(rule),
    }


def evaluate_all(
    record: engine.StaffRecord,
    *,
    today: date,
    codes: Iterable[str] | None = None,
    organization_id: int | None = None,
) -> list[dict[str, Any]]:
    """Every certification and licence rule in force (or ``codes``), evaluated; an agency's
    overrides apply when ``organization_id`` is given."""
    wanted = set(codes) if codes is not None else None
    entries = []
    for code, rule in current_rules(organization_id=organization_id).items():
        if rule.kind not in {"certification", "licence"}:
            continue
        if wanted is not None and code not in wanted:
            continue
        result = engine.evaluate(record, code=code, name=rule.name, params=rule.params, today=today)
        entries.append(credential_entry(result, rule))
    return entries


def renewals_for(user: User, record: engine.StaffRecord, *, today: date) -> list[dict[str, Any]]:
    """CE progress in the current cycle of each held credential that has a renewal rule."""
    rules = current_rules(organization_id=primary_organization_id(user))
    out = []
    held: list[tuple[str, Any]] = [(c.kind, c) for c in user.certifications.all()]
    held += [(f"{lic.kind}-{lic.jurisdiction}", lic) for lic in user.licences.all()]
    for code, credential in held:
        rule = rules.get(code)
        renewal = rule.params.get("renewal") if rule else None
        if rule is None or renewal is None or not credential.is_current(today):
            continue
        start, deadline = engine.renewal_cycle(
            renewal, issued_on=credential.issued_on, expires_on=credential.expires_on, today=today
        )
        progress = engine.renewal_progress(
            record.ce,
            renewal,
            code=code,
            name=rule.name,
            cycle_start=start,
            deadline=deadline,
            certifications=record.certifications,
            today=today,
        )
        out.append(progress.as_dict() | rule_meta(rule))
    return out


def credentials_report(user: User, *, today: date | None = None) -> dict[str, Any]:
    """What ``casework credentials check`` and the API answer for one staff member."""
    day = today or timezone.localdate()
    record = staff_record(user)
    return {
        "email": user.email,
        "name": user.full_name,
        "as_of": day.isoformat(),
        "credentials": evaluate_all(
            record, today=day, organization_id=primary_organization_id(user)
        ),
        "renewals": renewals_for(user, record, today=day),
    }


# --- credential-gated work ---------------------------------------------------------------


def requirement_for(program: Program, role: str) -> CredentialRequirement | None:
    return CredentialRequirement.objects.filter(program=program, role=role, is_active=True).first()


# (kind, jurisdiction); a certification has no jurisdiction.
Held = tuple[str, str | None]


def current_credentials(user_ids: Iterable[int], *, today: date) -> dict[int, list[Held]]:
    """The current licences and certifications of many users in two queries."""
    ids = set(user_ids)
    current = Q(status="active") & ~Q(verification="rejected")
    current &= Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    held: dict[int, list[Held]] = {}
    for user_id, kind, where in Licence.objects.filter(current, user_id__in=ids).values_list(
        "user_id", "kind", "jurisdiction"
    ):
        held.setdefault(user_id, []).append((kind, where))
    for user_id, kind in Certification.objects.filter(current, user_id__in=ids).values_list(
        "user_id", "kind"
    ):
        held.setdefault(user_id, []).append((kind, None))
    return held


def satisfies(held: Iterable[Held], requirement: CredentialRequirement) -> bool:
    """Whether the credentials ``held`` meet ``requirement`` (a licence in the right state)."""
    state = requirement.program.state if requirement.in_program_state else ""
    return any(
        kind in requirement.any_of and (where is None or not state or where == state)
        for kind, where in held
    )


def holds_requirement(user: User, requirement: CredentialRequirement, *, today: date) -> bool:
    held = current_credentials([user.pk], today=today).get(user.pk, [])
    return satisfies(held, requirement)


def active_exception(user: User, program: Program, *, today: date) -> CredentialException | None:
    return (
        CredentialException.objects.filter(
            user=user, program=program, revoked_at__isnull=True, starts_on__lte=today
        )
        .filter(ends_on__gte=today)
        .order_by("-ends_on")
        .first()
    )


def refusal_reason(
    user: User, program: Program, role: str, *, today: date | None = None
) -> str | None:
    """Why ``user`` may not hold ``role`` in ``program``, or None if they may."""
    day = today or timezone.localdate()
    requirement = requirement_for(program, role)
    if requirement is None or holds_requirement(user, requirement, today=day):
        return None
    if active_exception(user, program, today=day) is not None:
        return None
    return _reason_text(user, requirement)


def _reason_text(user: User, requirement: CredentialRequirement) -> str:
    state = requirement.program.state if requirement.in_program_state else ""
    where = f" issued in {state}" if state else ""
    role = Role(requirement.role).label.lower()
    return (
        f"{user} does not hold a current {' or '.join(requirement.any_of)}{where}, which "
        f"{requirement.program.name} requires of a {role}. An administrator can record a "
        "time-limited exception."
    )


def supervisors_of(user: User) -> list[User]:
    """Supervisors of any program in which ``user`` holds an active role."""
    programs = Membership.objects.active().filter(user=user, program__isnull=False)
    return list(
        User.objects.filter(
            is_active=True,
            memberships__in=Membership.objects.active().filter(
                role=Role.SUPERVISOR, program_id__in=programs.values("program_id")
            ),
        )
        .exclude(pk=user.pk)
        .distinct()
    )


@dataclass
class StaffGap:
    """One staff member's unmet program requirement, with the clients it affects."""

    staff: User
    program: Program
    requirement: CredentialRequirement
    reason: str
    enrollments: list[Enrollment] = field(default_factory=list)


def gaps(memberships: Iterable[Membership], *, today: date) -> list[StaffGap]:
    """Unmet requirements (no credential, no exception) among ``memberships``, with the open
    clients of each staff member in that program; a fixed number of queries however many."""
    requirements = {
        (r.program_id, r.role): r
        for r in CredentialRequirement.objects.filter(is_active=True).select_related("program")
    }
    pairs: dict[tuple[int, int], tuple[User, CredentialRequirement]] = {}
    for m in memberships:
        req = requirements.get((m.program_id or 0, m.role))
        if req is not None:
            pairs.setdefault((m.user_id, req.pk), (m.user, req))
    user_ids = {user_id for user_id, _ in pairs}
    held = current_credentials(user_ids, today=today)
    excepted = set(
        CredentialException.objects.filter(
            user_id__in=user_ids, revoked_at__isnull=True, starts_on__lte=today, ends_on__gte=today
        ).values_list("user_id", "program_id")
    )
    failing = [
        (user, req)
        for user, req in pairs.values()
        if not satisfies(held.get(user.pk, []), req) and (user.pk, req.program_id) not in excepted
    ]
    clients = _open_enrollments(failing)
    return [
        StaffGap(
            user,
            req.program,
            req,
            _reason_text(user, req),
            clients.get((user.pk, req.program_id), []),
        )
        for user, req in failing
    ]


def _open_enrollments(
    failing: list[tuple[User, CredentialRequirement]],
) -> dict[tuple[int, int], list[Enrollment]]:
    found: dict[tuple[int, int], list[Enrollment]] = {}
    if not failing:
        return found
    rows = Enrollment.objects.open().filter(
        primary_case_manager_id__in={user.pk for user, _ in failing},
        program_id__in={req.program_id for _, req in failing},
    )
    for enrollment in rows.select_related("client", "program").order_by("client__family_name"):
        key = (enrollment.primary_case_manager_id or 0, enrollment.program_id)
        found.setdefault(key, []).append(enrollment)
    return found


def memberships_in_scope(actor: User) -> Any:
    """Program memberships of staff the actor supervises or administers."""
    access = access_for(actor)
    return (
        Membership.objects.active()
        .filter(program__isnull=False)
        .filter(
            Q(program_id__in=access.supervised_program_ids)
            | Q(organization_id__in=access.admin_org_ids)
        )
        .select_related("user", "program")
    )


def expiring(users: Iterable[User], *, today: date, days: int = 90) -> list[dict[str, Any]]:
    """Licences and certifications of ``users`` expired or expiring within ``days``."""
    by_id = {user.pk: user for user in users}
    horizon = today + timedelta(days=days)
    due = {"user_id__in": list(by_id), "expires_on__lte": horizon}
    rows: list[dict[str, Any]] = []
    credentials: list[Licence | Certification] = [*Licence.objects.filter(**due)]
    credentials += Certification.objects.filter(**due)
    for credential in credentials:
        assert credential.expires_on is not None  # filtered on it
        rows.append(
            {
                "staff": by_id[credential.user_id],
                "credential": credential,
                "days_left": (credential.expires_on - today).days,
            }
        )
    rows.sort(key=lambda r: int(r["days_left"]))
    return rows


def _finding(
    user: User, finding: str, detail: str, program: str = "", clients: str = ""
) -> dict[str, str]:
    return {
        "staff": user.full_name,
        "email": user.email,
        "program": program,
        "finding": finding,
        "detail": detail,
        "affected_clients": clients,
    }


def compliance_rows(actor: User, *, today: date) -> list[dict[str, str]]:
    """Who in the actor's scope is out of compliance, and why (one row per finding): a
    required credential missing, a credential expired, or a renewal due within 90 days
    with its continuing education incomplete."""
    memberships = list(memberships_in_scope(actor))
    rows = [
        _finding(
            gap.staff,
            "Missing required credential",
            gap.reason,
            gap.program.name,
            str(len(gap.enrollments)),
        )
        for gap in gaps(memberships, today=today)
    ]
    staff = {m.user_id: m.user for m in memberships}.values()
    due_soon: dict[int, User] = {}
    for item in expiring(staff, today=today):
        credential, user = item["credential"], item["staff"]
        if item["days_left"] < 0:
            detail = f"{credential} expired on {credential.expires_on}"
            rows.append(_finding(user, "Expired credential", detail))
        else:
            due_soon[user.pk] = user
    for user in due_soon.values():  # only those renewing soon: a few, not the whole staff
        for renewal in renewals_for(user, staff_record(user), today=today):
            if renewal["missing"] and date.fromisoformat(renewal["deadline"]) <= today + timedelta(
                days=90
            ):
                detail = f"{renewal['name']}: " + "; ".join(renewal["missing"])
                rows.append(_finding(user, "Renewal CE incomplete", detail))
    return sorted(rows, key=lambda r: (r["staff"], r["finding"]))


def _dump(entry: Any, fields: Iterable[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": entry.pk}
    for name in fields:
        value = getattr(entry, name)
        out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def staff_record_dict(user: User) -> dict[str, Any]:
    """The staff member's whole record as plain data (API and CLI)."""
    cred = (
        "number",
        "issued_on",
        "expires_on",
        "status",
        "verification",
        "verification_method",
        "verified_at",
    )
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.full_name,
        "education": [
            _dump(
                e,
                (
                    "degree",
                    "level",
                    "field_of_study",
                    "institution",
                    "accreditation",
                    "completed_on",
                    "supervised_field_experience",
                ),
            )
            for e in user.education.all()
        ],
        "licences": [
            _dump(x, ("kind", "jurisdiction", *cred)) | {"verified_by": str(x.verified_by or "")}
            for x in user.licences.select_related("verified_by")
        ],
        "certifications": [
            _dump(x, ("kind", *cred)) | {"verified_by": str(x.verified_by or "")}
            for x in user.certifications.select_related("verified_by")
        ],
        "exam_results": [
            _dump(x, ("kind", "jurisdiction", "taken_on", "passed", "score", "verification"))
            | {"verified_by": str(x.verified_by or "")}
            for x in user.exam_results.select_related("verified_by")
        ],
        "positions": [
            _dump(
                p,
                (
                    "employer",
                    "setting",
                    "role_title",
                    "case_management",
                    "supervises_case_managers",
                    "employment",
                    "hours_per_week",
                    "started_on",
                    "ended_on",
                    "supervised",
                    "supervisor_name",
                    "supervisor_credentials",
                ),
            )
            for p in user.positions.all()
        ],
        "supervised_hours": [
            _dump(h, ("worked_on", "kind", "note", "signed_at"))
            | {"hours": float(h.hours), "supervisor": str(h.supervisor), "locked": h.is_locked}
            for h in user.supervised_hours.select_related("supervisor")
        ],
        "continuing_education": [
            _dump(c, ("provider", "course", "completed_on", "category"))
            | {"hours": float(c.hours), "has_certificate": bool(c.certificate)}
            for c in user.continuing_education.all()
        ],
        "practicums": [
            _dump(p, ("school", "placement_site", "required_hours", "started_on", "ends_on"))
            | {
                "field_instructor": str(p.field_instructor),
                "signed_hours": float(
                    sum(h.hours for h in p.hours.all() if h.signed_at is not None)
                ),
            }
            for p in user.practicums.select_related("field_instructor")
        ],
    }


def supervisor_choices(user: User) -> Any:
    """Who may be named to sign ``user``'s hours: supervisors of their programs, and field
    instructors of their practicums."""
    ids = [u.pk for u in supervisors_of(user)]
    ids += list(user.practicums.values_list("field_instructor_id", flat=True))
    return User.objects.filter(pk__in=ids, is_active=True).exclude(pk=user.pk)
