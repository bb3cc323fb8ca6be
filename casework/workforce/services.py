"""Every change to staff records, credential rules, requirements and exceptions.

Each service is keyword-only, runs in one transaction, validates with ``full_clean()`` and
writes its audit row in that transaction. Staff keep their own record; the named
supervisor signs supervised hours; organization admins verify credentials, set program
requirements and grant exceptions; platform administrators edit the shared rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from casework.accounts.models import Organization, Program, Role, User
from casework.audit.models import AuditAction
from casework.audit.services import diff, record, snapshot
from casework.core import uploads
from casework.core.exceptions import PermissionDenied
from casework.notifications.services import notify
from casework.workforce import permissions, queries
from casework.workforce.models import (
    DEGREE_FACTS,
    Certification,
    ContinuingEducation,
    CredentialException,
    CredentialRequirement,
    Education,
    ExamResult,
    Licence,
    Position,
    Practicum,
    RuleSet,
    SupervisedHours,
    Verification,
)
from casework.workforce.rules import current_rule, validate_params

EDITABLE: dict[type[models.Model], tuple[str, ...]] = {
    Education: (
        "degree",
        "level",
        "field_of_study",
        "institution",
        "accreditation",
        "completed_on",
        "supervised_field_experience",
    ),
    Licence: ("kind", "jurisdiction", "number", "issued_on", "expires_on", "status"),
    Certification: ("kind", "number", "issued_on", "expires_on", "status"),
    Position: (
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
    ContinuingEducation: ("provider", "course", "completed_on", "hours", "category"),
    ExamResult: ("kind", "jurisdiction", "taken_on", "passed", "score"),
    Practicum: (
        "school",
        "placement_site",
        "field_instructor",
        "required_hours",
        "started_on",
        "ends_on",
    ),
}
CERTIFICATE_MAX_BYTES = 5 * 1024 * 1024
EXPIRY_THRESHOLDS = (30, 60, 90)
EXCEPTION_MAX_DAYS = 180


def _check_maintains(actor: Any, user: User) -> None:
    """Staff maintain their own record; an org admin may enter it for them."""
    if getattr(actor, "pk", None) != user.pk and not permissions.can_verify(actor, user):
        raise PermissionDenied("You can only change your own staff record.")


def _audit(actor: Any, action: str, entry: models.Model, **extra: Any) -> None:
    record(
        actor=actor,
        action=action,
        target_type=f"workforce.{entry._meta.model_name}",
        target_id=entry.pk,
        **extra,
    )


@transaction.atomic
def entry_create(
    *, actor: Any, user: User, model: type[models.Model], data: Mapping[str, Any]
) -> Any:
    """Add an education, licence, certification, position, CE or practicum entry."""
    _check_maintains(actor, user)
    fields = EDITABLE[model]
    unknown = set(data) - set(fields)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Unknown field."))
    values = dict(data)
    if model is Education and not values.get("level") and values.get("degree") in DEGREE_FACTS:
        values["level"] = DEGREE_FACTS[values["degree"]][0]
    if model in (Licence, ExamResult):
        values["jurisdiction"] = str(values.get("jurisdiction", "")).upper()
    entry = model(user=user, **values)
    entry.full_clean()
    entry.save()
    _audit(actor, AuditAction.CREATE, entry, changes=diff({}, snapshot(entry, fields)))
    return entry


@transaction.atomic
def entry_update(*, actor: Any, entry: Any, data: Mapping[str, Any]) -> Any:
    """Change an entry; a changed licence or certification needs verifying again."""
    _check_maintains(actor, entry.user)
    if isinstance(entry, SupervisedHours):
        return supervised_hours_update(actor=actor, entry=entry, data=data)
    fields = EDITABLE[type(entry)]
    unknown = set(data) - set(fields)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Unknown field."))
    before = snapshot(entry, fields)
    for name, value in data.items():
        setattr(entry, name, value.upper() if name == "jurisdiction" else value)
    changes = diff(before, snapshot(entry, fields))
    if not changes:
        return entry
    verifiable = isinstance(entry, Licence | Certification | ExamResult)
    if verifiable and entry.verification != Verification.UNVERIFIED:
        changes["verification"] = [entry.verification, Verification.UNVERIFIED]
        entry.verification, entry.verified_by, entry.verified_at = (
            Verification.UNVERIFIED,
            None,
            None,
        )
        entry.verification_method = ""
    entry.full_clean()
    entry.save()
    _audit(actor, AuditAction.UPDATE, entry, changes=changes)
    return entry


@transaction.atomic
def credential_verify(
    *, actor: Any, credential: Licence | Certification | ExamResult, outcome: str, method: str
) -> Licence | Certification | ExamResult:
    """An org admin records who verified a licence, certification or exam result, how and
    when."""
    if not permissions.can_verify(actor, credential.user):
        raise PermissionDenied("Only an organization admin can verify a colleague's credential.")
    if outcome not in (Verification.VERIFIED, Verification.REJECTED):
        raise ValidationError({"outcome": "Choose verified or rejected."})
    if not method:
        raise ValidationError({"verification_method": "Say how the credential was verified."})
    before = snapshot(credential, ("verification", "verification_method"))
    credential.verification = outcome
    credential.verification_method = method
    credential.verified_by = actor
    credential.verified_at = timezone.now()
    credential.full_clean()
    credential.save()
    _audit(
        actor, AuditAction.UPDATE, credential, changes=diff(before, snapshot(credential, before))
    )
    return credential


def _validate_certificate(upload: UploadedFile) -> str:
    """The certificate's real type (PDF, PNG or JPEG, by its first bytes), or a field error."""
    if upload.size is None or upload.size > CERTIFICATE_MAX_BYTES:
        raise ValidationError({"certificate": "The certificate must be 5 MB or smaller."})
    kind = uploads.document_kind(upload)
    if kind is None:
        raise ValidationError({"certificate": "Upload the certificate as a PDF, PNG or JPEG file."})
    return uploads.MEDIA_TYPES[kind]


@transaction.atomic
def continuing_education_create(
    *, actor: Any, user: User, data: Mapping[str, Any], certificate: UploadedFile | None = None
) -> ContinuingEducation:
    """Log CE hours, with an optional certificate stored outside static, served by a view."""
    content_type = _validate_certificate(certificate) if certificate is not None else ""
    entry: ContinuingEducation = entry_create(
        actor=actor, user=user, model=ContinuingEducation, data=data
    )
    if certificate is not None:
        entry.certificate_name = (certificate.name or "certificate")[-200:]
        entry.certificate_type = content_type
        # Stored under a random name whose extension is the sniffed type, never the client's.
        kind = uploads.document_kind(certificate) or "bin"
        entry.certificate.save(uploads.random_name(kind), certificate, save=False)
        entry.save(update_fields=["certificate", "certificate_name", "certificate_type"])
    return entry


def certificate_open(*, actor: Any, entry: ContinuingEducation) -> tuple[IO[bytes], str, str]:
    """A CE certificate's file, download name and media type; the read is audited.

    ``entry`` comes from ``permissions.access_certificate`` (the reader may see the record).
    """
    record(
        actor=actor,
        action=AuditAction.VIEW,
        target_type="workforce.ce_certificate",
        target_id=entry.pk,
    )
    return (
        entry.certificate.open("rb"),
        entry.certificate_name or "certificate",
        entry.certificate_type or "application/octet-stream",
    )


# --- supervised hours ---------------------------------------------------------------------


@transaction.atomic
def supervised_hours_submit(
    *,
    actor: Any,
    supervisor: User,
    worked_on: date,
    hours: Any,
    kind: str,
    note: str = "",
    practicum: Practicum | None = None,
) -> SupervisedHours:
    """The staff member logs hours for the supervisor they name to sign."""
    if practicum is not None and practicum.user_id != actor.pk:
        raise ValidationError({"practicum": "Choose one of your own practicums."})
    entry = SupervisedHours(
        user=actor,
        supervisor=supervisor,
        worked_on=worked_on,
        hours=hours,
        kind=kind,
        note=note,
        practicum=practicum,
    )
    if supervisor.pk == actor.pk:
        raise ValidationError({"supervisor": "You cannot sign your own hours."})
    if worked_on > timezone.localdate():
        raise ValidationError({"worked_on": "Hours cannot be logged in advance."})
    entry.full_clean()
    entry.save()
    _audit(actor, AuditAction.CREATE, entry, details={"hours": hours, "kind": kind})
    return entry


@transaction.atomic
def supervised_hours_update(
    *, actor: Any, entry: SupervisedHours, data: Mapping[str, Any]
) -> SupervisedHours:
    """Correct an unsigned entry. A signed entry is locked (the database refuses it too)."""
    fresh = SupervisedHours.objects.select_for_update().get(pk=entry.pk)
    if fresh.is_locked:
        raise ValidationError("This entry was signed and is locked; it cannot be changed.")
    if actor.pk != fresh.user_id:
        raise PermissionDenied("Only the person who logged the hours can correct them.")
    allowed = ("worked_on", "hours", "kind", "note")
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Unknown field."))
    before = snapshot(fresh, allowed)
    for name, value in data.items():
        setattr(fresh, name, value)
    fresh.full_clean()
    fresh.save()
    _audit(actor, AuditAction.UPDATE, fresh, changes=diff(before, snapshot(fresh, allowed)))
    return fresh


@transaction.atomic
def supervised_hours_sign(*, actor: Any, entry: SupervisedHours) -> SupervisedHours:
    """Only the named supervisor signs; signing locks the entry for good."""
    fresh = SupervisedHours.objects.select_for_update().get(pk=entry.pk)
    if actor.pk != fresh.supervisor_id:
        raise PermissionDenied("Only the supervisor named on the entry can sign it.")
    if fresh.is_locked:
        raise ValidationError("This entry is already signed.")
    fresh.signed_at = timezone.now()
    fresh.save(update_fields=["signed_at", "updated_at"])
    _audit(
        actor, AuditAction.UPDATE, fresh, changes={"signed_at": [None, fresh.signed_at.isoformat()]}
    )
    return fresh


# --- credential-gated work ----------------------------------------------------------------


@transaction.atomic
def credential_requirement_set(
    *, actor: Any, program: Program, role: str, any_of: list[str], in_program_state: bool = True
) -> CredentialRequirement | None:
    """Require ``role`` staff in ``program`` to hold one of ``any_of``; empty clears it."""
    if not permissions.can_manage_program(actor, program):
        raise PermissionDenied("Only an organization admin sets credential requirements.")
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    codes = sorted({c.strip().upper() for c in any_of if c.strip()})
    for old in CredentialRequirement.objects.filter(program=program, role=role, is_active=True):
        old.is_active = False
        old.save(update_fields=["is_active", "updated_at"])
        _audit(
            actor,
            AuditAction.UPDATE,
            old,
            organization_id=program.organization_id,
            changes={"is_active": [True, False]},
        )
    if not codes:
        return None
    requirement = CredentialRequirement(
        program=program,
        role=role,
        any_of=codes,
        in_program_state=in_program_state,
        created_by=actor,
    )
    requirement.full_clean()
    requirement.save()
    _audit(
        actor,
        AuditAction.CREATE,
        requirement,
        organization_id=program.organization_id,
        details={"role": role, "any_of": codes, "in_program_state": in_program_state},
    )
    return requirement


@transaction.atomic
def credential_exception_grant(
    *,
    actor: Any,
    user: User,
    program: Program,
    reason: str,
    ends_on: date,
    starts_on: date | None = None,
) -> CredentialException:
    """Let ``user`` work in ``program`` without the required credential until ``ends_on``."""
    if not permissions.can_manage_program(actor, program):
        raise PermissionDenied("Only an organization admin can grant an exception.")
    start = starts_on or timezone.localdate()
    if ends_on > start + timedelta(days=EXCEPTION_MAX_DAYS):
        raise ValidationError({"ends_on": f"An exception lasts at most {EXCEPTION_MAX_DAYS} days."})
    exception = CredentialException(
        user=user,
        program=program,
        reason=reason.strip(),
        starts_on=start,
        ends_on=ends_on,
        granted_by=actor,
    )
    exception.full_clean()
    exception.save()
    _audit(
        actor,
        AuditAction.CREATE,
        exception,
        organization_id=program.organization_id,
        details={"user": user.email, "reason": exception.reason, "ends_on": ends_on},
    )
    return exception


@transaction.atomic
def credential_exception_revoke(*, actor: Any, exception: CredentialException) -> None:
    if not permissions.can_manage_program(actor, exception.program):
        raise PermissionDenied("Only an organization admin can revoke an exception.")
    if exception.revoked_at is not None:
        return
    exception.revoked_at = timezone.now()
    exception.save(update_fields=["revoked_at", "updated_at"])
    _audit(
        actor,
        AuditAction.UPDATE,
        exception,
        organization_id=exception.program.organization_id,
        changes={"revoked_at": [None, exception.revoked_at.isoformat()]},
    )


# --- rules --------------------------------------------------------------------------------


@transaction.atomic
def ruleset_edit(
    *,
    actor: Any,
    code: str,
    params: Any,
    citation: str,
    source_url: str,
    marker: str,
    note: str = "",
    organization: Organization | None = None,
) -> RuleSet:
    """Insert the next version of a rule; the old versions stay, so results stay explainable.

    Without ``organization`` this is the published rule (platform administrators); with
    one, that agency's override (its org admins), which applies to its staff only.
    """
    if not permissions.can_edit_rules(actor, organization):
        raise PermissionDenied("You cannot edit this rule.")
    org_id = organization.pk if organization else None
    current = current_rule(code, org_id)
    if current is None:
        raise ValidationError({"code": f"Unknown rule {code!r}."})
    validate_params(current.kind, params)
    others = RuleSet.objects.filter(code=code).filter(
        Q(organization__isnull=True) | Q(organization_id=org_id)
    )
    rule = RuleSet(
        code=code,
        organization=organization,
        kind=current.kind,
        name=current.name,
        version=max(r.version for r in others) + 1,
        params=params,
        citation=citation.strip(),
        source_url=source_url.strip(),
        marker=marker,
        origin=RuleSet.Origin.ADMIN,
        note=note.strip(),
        created_by=actor,
    )
    rule.full_clean()
    rule.save()
    _audit(
        actor,
        AuditAction.UPDATE,
        rule,
        organization_id=org_id,
        details={"code": code, "version": rule.version, "from_version": current.version},
    )
    return rule


# --- expiry alerts ------------------------------------------------------------------------


def _threshold(days_left: int) -> str | None:
    if days_left < 0:
        return "expired"
    for limit in EXPIRY_THRESHOLDS:
        if days_left <= limit:
            return str(limit)
    return None


def credentials_sweep(*, today: date | None = None) -> int:
    """Alert staff and their supervisors at 90, 60 and 30 days before a licence or
    certification expires, and once when it has expired; each threshold alerts once."""
    day = today or timezone.localdate()
    horizon = day + timedelta(days=max(EXPIRY_THRESHOLDS))
    sent = 0
    for model in (Licence, Certification):
        due = model.objects.filter(
            expires_on__lte=horizon,
            expires_on__gte=day - timedelta(days=30),
            status="active",
            user__is_active=True,
        ).select_related("user")
        for credential in due:
            sent += _alert(credential, day)
    return sent


def _alert(credential: Licence | Certification, day: date) -> int:
    assert credential.expires_on is not None  # the sweep filtered on it
    days_left = (credential.expires_on - day).days
    threshold = _threshold(days_left)
    if threshold is None:
        return 0
    kind = type(credential).__name__.lower()
    key = f"credential-expiry:{kind}:{credential.pk}:{credential.expires_on}:{threshold}"
    what = f"{credential} {kind}"
    when = (
        f"expired on {credential.expires_on}"
        if threshold == "expired"
        else f"expires on {credential.expires_on} ({days_left} days)"
    )
    level = "urgent" if threshold in ("expired", "30") else "warning"
    staff = credential.user
    with transaction.atomic():
        sent = notify(
            recipients=[staff],
            kind="credential_expiry",
            level=level,
            dedupe_key=key,
            title=f"Your {what} {when}",
            url="/credentials/",
            body="Renew it and update your record in Casework.",
        )
        sent += notify(
            recipients=queries.supervisors_of(staff),
            kind="credential_expiry",
            level=level,
            dedupe_key=key,
            title=f"{staff}'s {what} {when}",
            url="/credentials/supervision/",
            body=(
                "Where their program requires it, the clients to reassign are listed on your "
                "supervision page."
                if threshold == "expired"
                else "Credentials expiring soon are listed on your supervision page."
            ),
        )
    return len(sent)


def compliance_export(*, actor: Any, today: date) -> list[dict[str, str]]:
    """The compliance rows of the actor's scope for the CSV download, recorded as an export."""
    rows = queries.compliance_rows(actor, today=today)
    record(
        actor=actor,
        action=AuditAction.EXPORT,
        target_type="workforce.compliance",
        details={"rows": len(rows)},
    )
    return rows
