"""Every change in the assessments app: uploading an instrument, recording an assessment,
raising and resolving risk flags. Keyword-only, one transaction, audit row in it."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework.accounts.access import access_for
from casework.accounts.models import Membership, Organization, Role
from casework.assessments.library import current_instrument
from casework.assessments.models import SEVERITY_RANK, Assessment, Instrument, RiskFlag, Severity
from casework.assessments.schema import DefinitionError, load_definition, spec_json
from casework.assessments.scoring import AnswerError, score
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.clients.models import Client, Enrollment
from casework.core.concurrency import save_versioned
from casework.core.exceptions import NotFound, PermissionDenied
from casework.notifications.services import notify

UPLOAD_LIMIT = 256 * 1024
NOTE_LIMIT = 2000


# --- Instruments ------------------------------------------------------------------------------


@transaction.atomic
def instrument_upload(
    *, actor: Any, organization: Organization, text: str | bytes, filename: str
) -> Instrument:
    """Add an agency's own instrument (or its own version of a shipped one) from a file.

    Only the organization's admins may. The file must satisfy the instrument schema; a
    broken file raises :class:`DefinitionError` naming the file, path and problem, and
    nothing is saved. The version must be newer than the agency's last upload of the code.
    """
    if organization.pk not in access_for(actor).admin_org_ids:
        raise PermissionDenied("Only the organization's administrators can add instruments.")
    if len(text) > UPLOAD_LIMIT:
        raise DefinitionError(filename, [f"(file): larger than {UPLOAD_LIMIT // 1024} KB"])
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise DefinitionError(filename, ["(file): not UTF-8 text"]) from None
    spec = load_definition(text, filename=filename)
    newest = (
        Instrument.objects.filter(organization=organization, code=spec.code)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    if newest is not None and spec.version <= newest:
        raise DefinitionError(
            filename, [f"version: must be above {newest}, the agency's last version of this code"]
        )
    row = Instrument(
        organization=organization,
        code=spec.code,
        version=spec.version,
        name=spec.name,
        short_name=spec.short_name,
        categories=list(spec.categories),
        spec=spec_json(spec),
        origin=Instrument.Origin.UPLOAD,
        uploaded_by=actor,
    )
    row.full_clean()
    row.save()
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target_type="instrument",
        target_id=row.pk,
        organization_id=organization.pk,
        details={"code": spec.code, "version": spec.version, "file": filename[:200]},
    )
    return row


# --- Assessments ------------------------------------------------------------------------------


def _default_enrollment(actor: Any, client: Client) -> Enrollment | None:
    programs = access_for(actor).program_ids
    return (
        Enrollment.objects.open()
        .filter(client_id=client.pk, program_id__in=programs)
        .order_by("-start_date", "-id")
        .first()
    )


def _clean_notes(notes: Mapping[str, Any] | None, known: set[str]) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for key, value in (notes or {}).items():
        if key not in known:
            raise ValidationError({"notes": f"{str(key)[:40]}: not an item of this instrument"})
        text = str(value or "").strip()
        if len(text) > NOTE_LIMIT or "\x00" in text:
            raise ValidationError({"notes": f"{key}: at most {NOTE_LIMIT} characters"})
        if text:
            cleaned[key] = text
    return cleaned


@transaction.atomic
def assessment_record(
    *,
    actor: Any,
    client: Client,
    instrument_code: str,
    answers: Mapping[str, Any],
    notes: Mapping[str, Any] | None = None,
    administered_on: datetime.date | None = None,
    enrollment: Enrollment | None = None,
) -> Assessment:
    """Score ``answers`` with the version in force and store both; raise the risk flags
    its rules call for. ``client`` was loaded with ``access_client(write=True)``.

    Raises NotFound for an unknown instrument and ValidationError naming each bad answer.
    """
    instrument = current_instrument(instrument_code, client.organization_id)
    if instrument is None:
        raise NotFound("instrument")
    spec = instrument.definition
    try:
        result = score(spec, answers)
    except AnswerError as error:
        raise ValidationError({f"answers.{k}": v for k, v in error.errors.items()}) from None
    on = administered_on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"administered_on": "The date cannot be in the future."})
    if enrollment is not None and enrollment.client_id != client.pk:
        raise ValidationError({"enrollment": "That enrollment is not this client's."})
    band = result["band"] or {}
    assessment = Assessment(
        organization_id=client.organization_id,
        client=client,
        enrollment=enrollment or _default_enrollment(actor, client),
        instrument=instrument,
        instrument_code=instrument.code,
        categories=list(instrument.categories),
        answers=result["answers"],
        notes=_clean_notes(notes, {i.id for i in spec.items}),
        total=result["total"],
        band_code=band.get("code", ""),
        band_label=band.get("label", ""),
        result=result,
        administered_on=on,
        administered_by=actor,
    )
    # The related rows were loaded through the gates above: no need to look each up again.
    assessment.full_clean(
        exclude=["organization", "client", "enrollment", "instrument", "administered_by"]
    )
    assessment.save()
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target_type="assessment",
        target_id=assessment.pk,
        client_id=client.pk,
        organization_id=client.organization_id,
        details={
            "instrument": instrument.code,
            "version": instrument.version,
            "total": result["total"],
            "band": band.get("code"),
            "flags": [f["code"] for f in result["flags"]],
        },
    )
    for flag in result["flags"]:
        if flag.get("raise_risk"):
            _raise_from_rule(actor, assessment, flag)
    return assessment


def _raise_from_rule(actor: Any, assessment: Assessment, flag: Mapping[str, Any]) -> None:
    already = RiskFlag.objects.open().filter(
        client_id=assessment.client_id, code=flag["code"], source=RiskFlag.Source.INSTRUMENT
    )
    if already.exists():  # still open from an earlier administration: do not repeat it
        return
    risk_flag_raise(
        actor=actor,
        client=assessment.client,
        code=flag["code"],
        label=flag["label"],
        severity=flag["severity"],
        assessment=assessment,
    )


# --- Risk flags -------------------------------------------------------------------------------


def _care_team(client: Client, *, supervisors: bool) -> list[Any]:
    open_enrollments = Enrollment.objects.open().filter(client_id=client.pk)
    people = {
        e.primary_case_manager_id: e.primary_case_manager
        for e in open_enrollments.select_related("primary_case_manager")
        if e.primary_case_manager_id
    }
    if supervisors:
        programs = list(open_enrollments.values_list("program_id", flat=True))
        for membership in (
            Membership.objects.active()
            .filter(program_id__in=programs, role=Role.SUPERVISOR)
            .select_related("user")
        ):
            people.setdefault(membership.user_id, membership.user)
    return list(people.values())


def _flag_category(assessment: Assessment | None, category: str) -> str:
    if assessment is None:
        return category
    sensitive = [c for c in assessment.categories if c != "general"]
    return sensitive[0] if sensitive else "general"


@transaction.atomic
def risk_flag_raise(
    *,
    actor: Any,
    client: Client,
    code: str,
    label: str,
    severity: str,
    assessment: Assessment | None = None,
    note: str = "",
    category: str = "general",
) -> RiskFlag:
    """Open a risk flag and tell the case manager (and the supervisors when high)."""
    if severity not in Severity.values:
        raise ValidationError({"severity": f"Choose one of {', '.join(Severity.values)}."})
    if not label.strip():
        raise ValidationError({"label": "Say what the risk is."})
    flag = RiskFlag(
        organization_id=client.organization_id,
        client=client,
        assessment=assessment,
        code=code[:40],
        label=label.strip()[:300],
        severity=severity,
        source=RiskFlag.Source.INSTRUMENT if assessment else RiskFlag.Source.MANUAL,
        category=_flag_category(assessment, category),
        note=note.strip()[:NOTE_LIMIT],
        raised_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    flag.full_clean()
    flag.save()
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target_type="risk_flag",
        target_id=flag.pk,
        client_id=client.pk,
        organization_id=client.organization_id,
        details={
            "code": flag.code,
            "severity": severity,
            "assessment": assessment and assessment.pk,
        },
    )
    high = SEVERITY_RANK[severity] >= SEVERITY_RANK["high"]
    notify(
        recipients=[u for u in _care_team(client, supervisors=high) if u.pk != flag.raised_by_id],
        kind="risk_flag",
        level="urgent" if high else "warning",
        title=f"{flag.get_severity_display()} risk flag raised for a client",
        body=flag.label,
        url=f"/clients/{client.pk}/flags/",
        dedupe_key=f"risk-flag-{flag.pk}",
    )
    return flag


@transaction.atomic
def risk_flag_resolve(
    *, actor: Any, flag: RiskFlag, note: str, expected_version: int | None = None
) -> RiskFlag:
    """Resolve an open flag; a note saying what was done is required."""
    note = (note or "").strip()
    if len(note) < 5:
        raise ValidationError({"note": "Say how the risk was addressed (at least 5 characters)."})
    if flag.resolved_at is not None:
        raise ValidationError({"note": "This flag is already resolved."})
    flag.resolved_at = timezone.now()
    flag.resolved_by = actor
    flag.resolution_note = note[:NOTE_LIMIT]
    save_versioned(
        flag,
        expected_version=flag.version if expected_version is None else expected_version,
        fields=["resolved_at", "resolved_by", "resolution_note"],
    )
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        target_type="risk_flag",
        target_id=flag.pk,
        client_id=flag.client_id,
        organization_id=flag.organization_id,
        changes={"resolved_at": [None, flag.resolved_at.isoformat()]},
        details={"note": flag.resolution_note},
    )
    return flag
