"""Every intake write: guideline rows, rule versions, screenings, overrides, enrollment.

Each is keyword-only, runs in one transaction and writes its audit row there. Permission
checks are repeated here (not only in the gates) so that no delivery path can skip them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework.accounts.models import Program, User
from casework.audit.models import AuditAction
from casework.audit.services import diff, record
from casework.clients.assignment import enrollment_assign_case_manager
from casework.clients.models import Client, Enrollment, EnrollmentStatus
from casework.clients.permissions import check_can_take_in
from casework.clients.services import enrollment_create, enrollment_update
from casework.core.concurrency import save_versioned
from casework.core.exceptions import PermissionDenied, StaleVersion
from casework.intake import eligibility
from casework.intake.models import (
    OVERRIDE_RESULTS,
    EligibilityRulesVersion,
    EligibilityScreening,
    PovertyGuideline,
    ProgramEligibility,
    ScreeningResult,
    guideline_table,
)
from casework.intake.permissions import can_edit_rules, can_screen_in

GUIDELINES_FILE = Path(__file__).parent / "data" / "federal_poverty_guidelines.yaml"
MAX_REASON = 2000
NO_EXIT_INTERVIEW = 30  # HMIS 3.12 Destination "No exit interview completed"


# --- Poverty guidelines ------------------------------------------------------------------


def read_guidelines_file(path: Path = GUIDELINES_FILE) -> list[dict[str, Any]]:
    """Rows (year, region, amounts, source) from a guidelines YAML file like the shipped one."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rows = []
    for entry in data.get("guidelines", []):
        for region, amounts in entry["regions"].items():
            rows.append(
                {
                    "year": int(entry["year"]),
                    "region": region,
                    "first_person": int(amounts["first_person"]),
                    "per_additional_person": int(amounts["per_additional_person"]),
                    "source": str(entry["source"])[:300],
                    "source_url": str(entry.get("source_url", ""))[:300],
                    "effective_on": entry.get("effective_on"),
                }
            )
    return rows


@transaction.atomic
def poverty_guidelines_load(*, actor: Any, path: Path = GUIDELINES_FILE) -> list[PovertyGuideline]:
    """Add the file's (year, region) rows that are not loaded yet; loaded rows stay as they are.

    Published guidelines do not change after the fact, so a year already loaded is never
    overwritten (a correction is a deliberate admin change, not a side effect of a reload).
    """
    added = []
    for row in read_guidelines_file(path):
        if PovertyGuideline.objects.filter(year=row["year"], region=row["region"]).exists():
            continue
        guideline = PovertyGuideline(**row)
        guideline.full_clean()
        guideline.save()
        record(
            actor=actor,
            action=AuditAction.CREATE,
            target_type="poverty_guideline",
            target_id=guideline.pk,
            changes=diff({}, row),
        )
        added.append(guideline)
    return added


# --- Program rules -----------------------------------------------------------------------


def eligibility_for(program: Program) -> ProgramEligibility:
    """The program's rules row, or an unsaved empty one (version 0) if none was ever saved."""
    found = ProgramEligibility.objects.filter(program=program).first()
    if found is None:
        found = ProgramEligibility(
            program=program, organization_id=program.organization_id, rules={}
        )
        found.version = 0
    return found


def _parse_rules_or_raise(rules: Mapping[str, Any]) -> eligibility.Rules:
    try:
        return eligibility.Rules.from_dict(rules)
    except eligibility.RulesError as error:
        raise ValidationError(error.errors) from None


def _check_capacity(capacity: int | None) -> None:
    if capacity is not None and not 0 < capacity <= 1_000_000:
        raise ValidationError({"capacity": "Enter a number of places from 1, or leave it empty."})


@transaction.atomic
def eligibility_rules_save(
    *,
    actor: Any,
    program: Program,
    rules: Mapping[str, Any],
    capacity: int | None,
    expected_version: int,
) -> ProgramEligibility:
    """Save a new version of the program's rules; earlier versions are kept unchanged.

    ``expected_version`` is the version the editor started from (0 for a program without
    rules); a stale one raises :class:`StaleVersion`.
    """
    if not can_edit_rules(actor, program):
        raise PermissionDenied(f"Only administrators can change the rules of {program.name}.")
    parsed = _parse_rules_or_raise(rules)
    _check_capacity(capacity)
    current = eligibility_for(program)
    if current.version != expected_version:
        raise StaleVersion(current.version)
    before = {"rules": current.rules, "capacity": current.capacity}
    current.rules = parsed.to_dict()
    current.capacity = capacity
    current.updated_by = actor
    if current.pk is None:
        current.full_clean()
        current.version = 1
        current.save()
    else:
        current.full_clean()
        save_versioned(
            current,
            expected_version=expected_version,
            fields=["rules", "capacity", "updated_by"],
        )
    EligibilityRulesVersion.objects.create(
        eligibility=current,
        version=current.version,
        rules=current.rules,
        capacity=capacity,
        saved_by=actor,
    )
    record(
        actor=actor,
        action=AuditAction.CREATE if expected_version == 0 else AuditAction.UPDATE,
        target_type="eligibility_rules",
        target_id=program.pk,
        organization_id=program.organization_id,
        changes=diff(before, {"rules": current.rules, "capacity": capacity}),
        details={"version": current.version},
    )
    return current


# --- Screening ---------------------------------------------------------------------------


def active_enrollment_count(program: Program) -> int:
    return Enrollment.objects.filter(program=program, status=EnrollmentStatus.ACTIVE).count()


def _check_screening_target(actor: Any, client: Client, program: Program) -> None:
    if not can_screen_in(actor, program):
        raise PermissionDenied(f"You cannot take clients into {program.name}.")
    if client.organization_id != program.organization_id:
        raise ValidationError({"program": "The program belongs to another organization."})
    check_can_take_in(actor, client)


def _outcome_rows(outcomes: list[eligibility.RuleOutcome]) -> list[dict[str, str]]:
    return [{"rule": o.rule, "status": o.status, "message": o.message} for o in outcomes]


@transaction.atomic
def screening_create(
    *,
    actor: Any,
    client: Client,
    program: Program,
    answers: eligibility.Answers,
    on: date | None = None,
) -> EligibilityScreening:
    """Evaluate ``answers`` against the program's current rules and store the screening.

    Impossible answers (a birth date in the future, negative income, an empty household)
    raise ``ValidationError`` naming the field, and nothing is stored.
    """
    _check_screening_target(actor, client, program)
    today = on or timezone.localdate()
    errors = eligibility.validate_answers(answers, on=today)
    if errors:
        raise ValidationError(errors)
    current = eligibility_for(program)
    rules = _parse_rules_or_raise(current.rules)
    active = active_enrollment_count(program)
    result = eligibility.evaluate(
        answers=answers,
        rules=rules,
        guidelines=guideline_table(),
        on=today,
        capacity=current.capacity,
        active_enrollments=active,
    )
    screening = EligibilityScreening(
        organization_id=program.organization_id,
        client=client,
        program=program,
        answers=answers.to_dict(),
        result=result.result,
        outcomes=_outcome_rows(list(result.outcomes)),
        failed_rules=_outcome_rows(result.failed),
        unknown_rules=_outcome_rows(result.unknown),
        rules_version=current.version,
        rules_snapshot=rules.to_dict(),
        capacity=current.capacity,
        active_enrollments=active,
        guideline_year=result.guideline_year,
        income_percent=(
            round(result.income_percent, 2) if result.income_percent is not None else None
        ),
        screened_by=actor,
        screening_date=today,
    )
    screening.full_clean()
    screening.save()
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target_type="eligibility_screening",
        target_id=screening.pk,
        client_id=client.pk,
        organization_id=program.organization_id,
        details={
            "program_id": program.pk,
            "result": screening.result,
            "rules_version": screening.rules_version,
            "failed_rules": [o.rule for o in result.failed],
            "unknown_rules": [o.rule for o in result.unknown],
        },
    )
    return screening


@transaction.atomic
def screening_override(
    *, actor: Any, screening: EligibilityScreening, result: str, reason: str
) -> EligibilityScreening:
    """Replace the evaluated result with the worker's, for a stated reason (audited)."""
    if not can_screen_in(actor, screening.program):
        raise PermissionDenied(f"You cannot change screenings in {screening.program.name}.")
    reason = " ".join((reason or "").split())
    errors: dict[str, str] = {}
    if result not in [r.value for r in OVERRIDE_RESULTS]:
        errors["result"] = "Choose eligible, waitlisted or not eligible."
    if not reason:
        errors["reason"] = "Say why you are overriding the screening result."
    elif len(reason) > MAX_REASON:
        errors["reason"] = f"Keep the reason under {MAX_REASON} characters."
    if screening.completed_at is not None:
        errors["result"] = "This intake is already finished; screen the client again instead."
    if errors:
        raise ValidationError(errors)
    before = {
        "override_result": screening.override_result,
        "override_reason": screening.override_reason,
    }
    screening.override_result = result
    screening.override_reason = reason
    screening.overridden_by = actor
    screening.overridden_at = timezone.now()
    screening.full_clean()
    screening.save(
        update_fields=["override_result", "override_reason", "overridden_by", "overridden_at"]
    )
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        target_type="eligibility_screening",
        target_id=screening.pk,
        client_id=screening.client_id,
        organization_id=screening.organization_id,
        changes=diff(before, {"override_result": result, "override_reason": reason}),
        details={"evaluated_result": screening.result, "override": True},
    )
    return screening


_TARGET_STATUS = {
    ScreeningResult.ELIGIBLE: EnrollmentStatus.ACTIVE,
    ScreeningResult.WAITLISTED: EnrollmentStatus.WAITLISTED,
}


def _enroll(
    actor: Any, screening: EligibilityScreening, status: str, case_manager: User | None
) -> Enrollment:
    existing = (
        Enrollment.objects.open()
        .filter(client_id=screening.client_id, program_id=screening.program_id)
        .select_related("program", "primary_case_manager")
        .first()
    )
    if existing is None:
        return enrollment_create(
            actor=actor,
            client=screening.client,
            program=screening.program,
            status=status,
            primary_case_manager=case_manager,
        )
    if existing.status != status:
        enrollment_update(
            actor=actor,
            enrollment=existing,
            expected_version=existing.version,
            data={"status": status},
        )
    if case_manager is not None and existing.primary_case_manager_id != case_manager.pk:
        enrollment_assign_case_manager(
            actor=actor, enrollment=existing, case_manager=case_manager, reason="Chosen at intake."
        )
    return existing


def _close_referral(actor: Any, screening: EligibilityScreening) -> None:
    """An ineligible person keeps no open enrollment: a pending referral is closed."""
    referral = (
        Enrollment.objects.filter(
            client_id=screening.client_id,
            program_id=screening.program_id,
            status=EnrollmentStatus.REFERRED,
        )
        .select_related("program")
        .first()
    )
    if referral is None:
        return
    data: dict[str, Any] = {
        "status": EnrollmentStatus.CLOSED,
        "closure_reason": "other",
        "closure_note": f"Not eligible (eligibility screening {screening.pk}).",
    }
    if referral.program.practice_area == "social_services":
        # HMIS 3.12 is required at exit from housing programs; the person never entered, so
        # no exit interview took place (code 30).
        data["destination"] = NO_EXIT_INTERVIEW
    enrollment_update(
        actor=actor, enrollment=referral, expected_version=referral.version, data=data
    )


@transaction.atomic
def intake_complete(
    *, actor: Any, screening: EligibilityScreening, primary_case_manager: User | None = None
) -> Enrollment | None:
    """Finish the intake on the screening's (possibly overridden) result.

    Eligible: an active enrollment; waitlisted: a waitlisted one (an open referral in the
    program is moved on rather than duplicated). Not eligible: no enrollment, and a pending
    referral is closed. "Cannot tell" cannot be finished: answer the missing questions or
    override with a reason. ``primary_case_manager`` is the one chosen at intake (the rules
    of ``clients.assignment``: someone not supervising the program chooses only themselves);
    None leaves the choice to the program's supervisor.
    """
    if not can_screen_in(actor, screening.program):
        raise PermissionDenied(f"You cannot enroll clients in {screening.program.name}.")
    # Lock the row: a double-clicked "Enroll" must not finish the same intake twice.
    locked = EligibilityScreening.objects.select_for_update().get(pk=screening.pk)
    screening.completed_at = locked.completed_at
    if screening.completed_at is not None:
        raise ValidationError({"screening": "This intake is already finished."})
    final = screening.final_result
    if final == ScreeningResult.UNDETERMINED:
        raise ValidationError(
            {"screening": "Answer the missing questions, or override the result with a reason."}
        )
    enrollment: Enrollment | None = None
    status = _TARGET_STATUS.get(ScreeningResult(final))
    if status is not None:
        enrollment = _enroll(actor, screening, status, primary_case_manager)
    else:
        _close_referral(actor, screening)
    screening.enrollment = enrollment
    screening.completed_at = timezone.now()
    screening.save(update_fields=["enrollment", "completed_at"])
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        target_type="eligibility_screening",
        target_id=screening.pk,
        client_id=screening.client_id,
        organization_id=screening.organization_id,
        details={
            "completed": True,
            "final_result": final,
            "enrollment_id": enrollment.pk if enrollment else None,
            "enrollment_status": enrollment.status if enrollment else None,
        },
    )
    return enrollment
