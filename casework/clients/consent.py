"""Consent (release of information), break-the-glass access, and the protected SSN.

Services in the house style: keyword-only, one transaction, ``full_clean``, an audit row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework.accounts.access import access_for
from casework.accounts.models import EMERGENCY_ACCESS_MAX_MINUTES, Membership, Organization, Role
from casework.audit.models import AuditAction
from casework.audit.services import diff, record, snapshot
from casework.clients.consent_rules import element_errors, fill_defaults
from casework.clients.models import (
    BreakGlassAccess,
    Client,
    Consent,
    ConsentCategory,
    Enrollment,
    EnrollmentStatus,
    ExpiryEvent,
)
from casework.clients.models.consent import EARLIEST_CONSENT_DATE
from casework.core import crypto, uploads
from casework.core.concurrency import save_versioned
from casework.core.exceptions import NotFound, PermissionDenied
from casework.notifications.services import notify

# 42 CFR 2.32 notice to accompany each disclosure of Part 2 records (DOMAIN.md §5.4 marks the
# exact wording UNVERIFIED; this is the 2024 rule's text as an agency default, editable later).
PART2_REDISCLOSURE_NOTICE = (
    "This record which has been disclosed to you is protected by federal confidentiality rules "
    "(42 CFR part 2). These rules prohibit you from using or disclosing this record, or "
    "testimony that describes the information contained in this record, in any civil, "
    "criminal, administrative, or legislative proceedings by any Federal, State, or local "
    "authority, against the patient, unless authorized by the consent of the patient, except "
    "as provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR "
    "2.64 or 2.65. In addition, the Federal rules prohibit you from making any other use or "
    "disclosure of this record unless at least one of the following applies: (i) further use "
    "or disclosure is expressly permitted by the written consent of the individual whose "
    "information is being disclosed in this record or as otherwise permitted by 42 CFR part 2; "
    "(ii) you are a covered entity or business associate and have received the record for "
    "treatment, payment, or health care operations, or (iii) you have received the record "
    "from a covered entity or business associate as permitted by 45 CFR part 164, subparts A "
    "and E. A general authorization for the release of medical or other information is NOT "
    "sufficient to meet the required elements of written consent to further use or redisclose "
    "the record (see 42 CFR 2.31)."
)
BREAK_GLASS_MIN_REASON = 15
CONSENT_FIELDS = (
    "disclosing_program_id",
    "recipient_organization_id",
    "recipient_program_id",
    "recipient_name",
    "categories",
    "information_description",
    "purpose",
    "kind",
    "effective_date",
    "expiry_date",
    "expiry_event",
    "signature_method",
    "signed_by_name",
    "signer_authority",
    "signed_on",
    "revocation_right_acknowledged",
    "expiry_trigger",
    "expiry_enrollment_id",
    "review_date",
    "revocation_instructions",
    "recipient_is_covered_entity",
    "hipaa_redisclosure_statement",
)
_SSN = re.compile(r"^(\d{3})-?(\d{2})-?(\d{4})$")


def _validate_consent(consent: Consent) -> None:
    errors: dict[str, Any] = {}
    categories = consent.categories
    if not isinstance(categories, list) or not categories:
        errors["categories"] = "Choose at least one category of information."
    elif set(categories) - set(ConsentCategory.values):
        errors["categories"] = (
            f"Unknown categories: {sorted(set(categories) - set(ConsentCategory.values))}."
        )
    if consent.signature_method == Consent.SignatureMethod.DRAWN and not consent.signature_image:
        errors["signature_image"] = "Draw the signature, or choose another signing method."
    if consent.signature_method == Consent.SignatureMethod.UPLOADED and not consent.signed_form:
        errors["signed_form"] = "Upload the signed form, or choose another signing method."
    if consent.signed_on and consent.signed_on > timezone.localdate():
        errors["signed_on"] = "The signing date cannot be in the future."
    if (
        consent.recipient_program_id
        and consent.recipient_program_id == consent.disclosing_program_id
    ):
        errors["recipient_program"] = "A program does not need consent to see its own clients."
    errors = element_errors(consent) | _date_errors(consent) | errors
    if errors:
        raise ValidationError(errors)


def _date_errors(consent: Consent) -> dict[str, str]:
    """Implausible dates and incomplete expiry events, each on its own field."""
    errors: dict[str, str] = {}
    if consent.effective_date and consent.effective_date < EARLIEST_CONSENT_DATE:
        errors["effective_date"] = "The consent cannot take effect before 1900; check the year."
    trigger = consent.expiry_trigger
    if trigger == ExpiryEvent.ENROLLMENT_CLOSED:
        enrollment = consent.expiry_enrollment
        if enrollment is None or enrollment.client_id != consent.client_id:
            errors["expiry_enrollment"] = "Choose which of the client's enrollments ends it."
        elif enrollment.status == EnrollmentStatus.CLOSED:
            errors["expiry_enrollment"] = "That enrollment is already closed."
    if trigger == ExpiryEvent.OTHER:
        if not consent.expiry_event.strip():
            errors["expiry_event"] = "Describe the event that ends the consent."
        if consent.review_date is None:
            errors["review_date"] = (
                "Casework cannot see this event happen: give a date to review whether it has."
            )
        elif consent.review_date <= timezone.localdate():
            errors["review_date"] = "The review date must be after today."
    return errors


def accept_signed_form(upload: Any) -> Any:
    """Check an uploaded signed consent form (size, real file type) and give it a random name.

    Raises a ValidationError on ``signed_form`` naming the problem.
    """
    if upload.size > uploads.upload_limit():
        limit_kb = uploads.upload_limit() // 1024
        raise ValidationError(
            {"signed_form": f"The file is too large: at most {limit_kb} KB is accepted."}
        )
    kind = uploads.document_kind(upload)
    if kind is None:
        raise ValidationError({"signed_form": "Upload the signed form as a PDF, PNG or JPEG file."})
    upload.name = uploads.random_name(kind)
    return upload


def signed_form_open(*, actor: Any, consent: Consent) -> tuple[IO[bytes], str]:
    """The uploaded signed form and a download name; audited as an export.

    ``consent`` comes from ``access_consent`` (so its client was gated); the caller also
    checks that the reader sees the whole record. NotFound when there is no stored form.
    """
    if not consent.signed_form:
        raise NotFound("signed form")
    try:
        handle = consent.signed_form.open("rb")
    except FileNotFoundError:
        raise NotFound("signed form") from None
    record(
        actor=actor,
        action=AuditAction.EXPORT,
        target_type="consent_form",
        target_id=consent.pk,
        client_id=consent.client_id,
        organization_id=consent.organization_id,
    )
    name = consent.signed_form.name.rsplit("/", 1)[-1]
    return handle, f"consent-{consent.pk}-{name}"


@transaction.atomic
def consent_record(
    *,
    actor: Any,
    client: Client,
    data: Mapping[str, Any],
    signature_image: str = "",
    signed_form: Any = None,
) -> Consent:
    """Record a signed consent. The caller loaded ``client`` with ``access_client(write=True)``."""
    unknown = set(data) - {f.removesuffix("_id") for f in CONSENT_FIELDS} - set(CONSENT_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Unknown field."))
    consent = Consent(
        organization_id=client.organization_id,
        client=client,
        created_by=actor,
        signature_image=signature_image,
        **data,
    )
    if signed_form is not None:
        consent.signed_form = signed_form
    if consent.is_part2 and not consent.redisclosure_notice:
        consent.redisclosure_notice = PART2_REDISCLOSURE_NOTICE
    fill_defaults(consent)
    _validate_consent(consent)
    consent.full_clean(exclude=["signed_form"])
    consent.save()
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target_type="consent",
        target_id=consent.pk,
        client_id=client.pk,
        organization_id=client.organization_id,
        changes=diff({}, snapshot(consent, CONSENT_FIELDS)),
    )
    return consent


@transaction.atomic
def consent_revoke(*, actor: Any, consent: Consent, reason: str = "") -> Consent:
    """Revoke now. Access that the consent gave ends with this transaction's commit."""
    if consent.revoked_at is not None:
        return consent
    consent.revoked_at = timezone.now()
    consent.revoked_by = actor
    consent.revocation_reason = reason[:300]
    save_versioned(
        consent,
        expected_version=consent.version,
        fields=["revoked_at", "revoked_by", "revocation_reason"],
    )
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        target_type="consent",
        target_id=consent.pk,
        client_id=consent.client_id,
        organization_id=consent.organization_id,
        changes={"revoked_at": [None, consent.revoked_at.isoformat()]},
        details={"reason": reason[:300]},
    )
    return consent


def _program_supervisors(client: Client) -> list[Any]:
    programs = Enrollment.objects.open().filter(client=client).values_list("program_id", flat=True)
    memberships = (
        Membership.objects.active()
        .filter(program_id__in=list(programs), role=Role.SUPERVISOR)
        .select_related("user")
    )
    return list({m.user_id: m.user for m in memberships}.values())


def emergency_access_length(org_ids: frozenset[int]) -> str:
    """How long emergency access lasts in these organizations, in words ("1 hour",
    "90 minutes", "60 to 120 minutes" when they differ); the same cap as ``break_glass_open``."""
    minutes = sorted(
        {
            min(m, EMERGENCY_ACCESS_MAX_MINUTES)
            for m in Organization.objects.filter(pk__in=org_ids).values_list(
                "emergency_access_minutes", flat=True
            )
        }
    )
    if not minutes:
        return ""
    if len(minutes) > 1:
        return f"{minutes[0]} to {minutes[-1]} minutes"
    if minutes[0] % 60 == 0:
        hours = minutes[0] // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes[0]} minutes"


def emergency_staff_org_ids(actor: Any) -> frozenset[int]:
    """Organizations in which the actor may open a record in an emergency.

    Program staff and org admins of an agency, for that agency's clients. Auditors never:
    they review access, and opening a record in an emergency is not part of that role.
    """
    access = access_for(actor)
    return access.admin_org_ids | frozenset(access.program_org.values())


@transaction.atomic
def break_glass_open(
    *, actor: Any, client_id: int, reason: str, minutes: int | None = None
) -> BreakGlassAccess:
    """Open a record in an emergency: a reason is required; access lasts the organization's
    ``emergency_access_minutes`` (60 by default, never more than 240), or ``minutes`` if
    shorter. Only staff of an agency may do so, and only for that agency's clients (never
    partners or auditors, never across organizations). The program's supervisors are alerted.
    """
    reason = (reason or "").strip()
    if len(reason) < BREAK_GLASS_MIN_REASON:
        raise ValidationError({"reason": "State the emergency (at least 15 characters)."})
    staff_orgs = emergency_staff_org_ids(actor)
    client = (
        Client.objects.filter(pk=client_id, organization_id__in=staff_orgs)
        .select_related("organization")
        .first()
    )
    if client is None:
        raise NotFound("client")
    limit = min(client.organization.emergency_access_minutes, EMERGENCY_ACCESS_MAX_MINUTES)
    if minutes is not None and not 1 <= minutes <= limit:
        raise ValidationError({"minutes": f"Emergency access lasts 1 to {limit} minutes here."})
    now = timezone.now()
    grant = BreakGlassAccess(
        organization_id=client.organization_id,
        client=client,
        user=actor,
        reason=reason,
        opened_at=now,
        expires_at=now + timedelta(minutes=minutes or limit),
    )
    grant.full_clean()
    grant.save()
    access_for(actor).memo.pop("glass", None)  # this request may read the client next
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target_type="break_glass",
        target_id=grant.pk,
        client_id=client.pk,
        organization_id=client.organization_id,
        details={"reason": reason, "expires_at": grant.expires_at},
    )
    notify(
        recipients=_program_supervisors(client),
        kind="break_glass",
        level="urgent",
        title=f"Emergency access to a client record by {actor}",
        body=f"Reason given: {reason}. Access ends at {grant.expires_at:%H:%M}.",
        url=f"/clients/{client.pk}/",
    )
    return grant


def normalize_ssn(value: str) -> str:
    """Nine digits, or a ValidationError naming the problem (SSA never-issued ranges refused)."""
    match = _SSN.match((value or "").strip())
    if not match:
        raise ValidationError({"ssn": "Enter 9 digits, e.g. 123-45-6789."})
    area, group, serial = match.groups()
    if area in {"000", "666"} or area.startswith("9") or group == "00" or serial == "0000":
        raise ValidationError({"ssn": "That is not a valid Social Security number."})
    return area + group + serial


@transaction.atomic
def client_set_ssn(*, actor: Any, client: Client, ssn: str, expected_version: int) -> Client:
    """Store the SSN encrypted, keep its last four for the masked form; the trail is redacted."""
    if ssn:
        digits = normalize_ssn(ssn)
        client.ssn_encrypted = crypto.encrypt(digits)
        client.ssn_last4 = digits[-4:]
        client.ssn_data_quality = 1
    else:
        client.ssn_encrypted, client.ssn_last4 = "", ""
    save_versioned(
        client,
        expected_version=expected_version,
        fields=["ssn_encrypted", "ssn_last4", "ssn_data_quality"],
    )
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        target_type="client",
        target_id=client.pk,
        client_id=client.pk,
        organization_id=client.organization_id,
        changes={"ssn": ["[redacted]", "[redacted]"]},
    )
    return client


def client_reveal_ssn(*, actor: Any, client: Client) -> str:
    """The full SSN, for a deliberate, audited click (the page shows only the last four).

    ``client`` comes from ``access_client``. Emergency (break-the-glass) access is for
    reaching and caring for the client in a crisis; the SSN is not needed for that, so
    under it the number stays masked (HIPAA minimum necessary) and the attempt is audited.
    """
    if getattr(client, "access_basis", None) == "break_glass":
        record(
            actor=actor,
            action=AuditAction.DENIED,
            target_type="client",
            target_id=client.pk,
            client_id=client.pk,
            organization_id=client.organization_id,
            details={"reason": "SSN reveal under emergency access", "field": "ssn"},
        )
        # Not inside a transaction: the refusal stays in the trail.
        raise PermissionDenied("Emergency access does not include the full Social Security number.")
    record(
        actor=actor,
        action=AuditAction.REVEAL,
        target_type="client",
        target_id=client.pk,
        client_id=client.pk,
        organization_id=client.organization_id,
        details={"field": "ssn"},
    )
    digits = crypto.decrypt(client.ssn_encrypted)
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}" if digits else ""


def consent_expiry_sweep(*, within_days: int = 30) -> int:
    """Tell each primary case manager, once, about consents expiring within ``within_days``."""
    today = timezone.localdate()
    soon = (
        Consent.objects.in_force()
        .filter(expiry_date__isnull=False, expiry_date__lte=today + timedelta(days=within_days))
        .select_related("client")
    )
    sent = 0
    for consent in soon:
        managers = [
            e.primary_case_manager
            for e in Enrollment.objects.open()
            .filter(client_id=consent.client_id, primary_case_manager__isnull=False)
            .select_related("primary_case_manager")
        ]
        created = notify(
            recipients={m.pk: m for m in managers if m}.values(),
            kind="consent_expiring",
            level="warning",
            title="A client's consent expires soon",
            body=f"Consent {consent.pk} expires on {consent.expiry_date:%Y-%m-%d}.",
            url=f"/clients/{consent.client_id}/",
            dedupe_key=f"consent-expiring-{consent.pk}",
        )
        sent += len(created)
    return sent


EMERGENCY_SEARCH_LIMIT = 20


def client_emergency_search(*, actor: Any, text: str) -> list[dict[str, Any]]:
    """Name and date of birth of active clients in the actor's own organizations, for
    choosing whom to open in an emergency; audited with the ids shown."""
    org_ids = emergency_staff_org_ids(actor)
    if not org_ids or not text.strip():
        return []
    found = [
        dict(row)
        for row in Client.objects.filter(organization_id__in=org_ids, is_active=True)
        .search(text)
        .order_by("family_name", "given_name", "pk")
        .values("pk", "given_name", "family_name", "date_of_birth")[:EMERGENCY_SEARCH_LIMIT]
    ]
    record(
        actor=actor,
        action=AuditAction.SEARCH,
        target_type="emergency_access_search",
        organization_id=next(iter(org_ids)) if len(org_ids) == 1 else None,
        details={"query": text, "client_ids": [r["pk"] for r in found]},
    )
    return found
