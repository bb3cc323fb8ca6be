"""Consents that end on an event (42 CFR 2.31(a)(7): "an expiration date or event").

Casework observes three events and ends the consents waiting on them in the same
transaction that records the event, so the consent stops being in force everywhere at once
(``Consent.objects.in_force`` leaves out ended consents; every gate, list, API and export
goes through it). An event Casework cannot observe ("until the client finds housing") has a
review date: on that date the case managers are asked, and the consent stays in force until
someone records whether the event happened.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.clients.models import (
    ClosureReason,
    Consent,
    Destination,
    Enrollment,
    ExpiryEvent,
)
from casework.core.concurrency import save_versioned
from casework.notifications.services import notify


def _end(*, actor: Any, consent: Consent, event: str, note: str, details: dict[str, Any]) -> None:
    """Stamp the consent as ended by its event, with a note on it and an audit row."""
    consent.ended_at = timezone.now()
    consent.ended_note = note[:300]
    save_versioned(consent, expected_version=consent.version, fields=["ended_at", "ended_note"])
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        target_type="consent",
        target_id=consent.pk,
        client_id=consent.client_id,
        organization_id=consent.organization_id,
        changes={"ended_at": [None, consent.ended_at.isoformat()]},
        details={"expiry_event": event, "note": consent.ended_note, **details},
    )


def _treatment_over(enrollment: Enrollment, consent: Consent) -> bool:
    """No open enrollment is left in the disclosing program (or, without one, the agency)."""
    still_open = Enrollment.objects.open().filter(client_id=enrollment.client_id)
    if consent.disclosing_program_id:
        still_open = still_open.filter(program_id=consent.disclosing_program_id)
    else:
        still_open = still_open.filter(organization_id=consent.organization_id)
    return not still_open.exists()


def consent_events_on_enrollment_closed(*, actor: Any, enrollment: Enrollment) -> list[Consent]:
    """End the consents that this closing enrollment's events end; returns them.

    Called by ``enrollment_update`` inside its transaction, right after the status became
    closed. Observed events: this enrollment closed; treatment in the disclosing program
    ended (no open enrollment left there); the client died (closure reason or HMIS exit
    destination "deceased").
    """
    died = (
        enrollment.closure_reason == ClosureReason.DECEASED
        or enrollment.destination == Destination.DECEASED
    )
    waiting = (
        Consent.objects.in_force()
        .select_for_update()
        .filter(client_id=enrollment.client_id)
        .filter(
            Q(expiry_trigger=ExpiryEvent.ENROLLMENT_CLOSED, expiry_enrollment_id=enrollment.pk)
            | Q(expiry_trigger=ExpiryEvent.TREATMENT_ENDED)
            | Q(expiry_trigger=ExpiryEvent.CLIENT_DIED)
        )
    )
    day = f"{enrollment.end_date or timezone.localdate():%Y-%m-%d}"
    ended = []
    for consent in waiting:
        trigger = consent.expiry_trigger
        if trigger == ExpiryEvent.CLIENT_DIED and not died:
            continue
        if trigger == ExpiryEvent.TREATMENT_ENDED and not _treatment_over(enrollment, consent):
            continue
        note = {
            ExpiryEvent.ENROLLMENT_CLOSED: f"Ended {day}: the enrollment it named closed.",
            ExpiryEvent.TREATMENT_ENDED: f"Ended {day}: treatment in the program ended.",
            ExpiryEvent.CLIENT_DIED: f"Ended {day}: the client died.",
        }[ExpiryEvent(trigger)]
        _end(
            actor=actor,
            consent=consent,
            event=trigger,
            note=note,
            details={"enrollment_id": enrollment.pk},
        )
        ended.append(consent)
    return ended


def _case_managers(consent: Consent) -> list[Any]:
    rows = (
        Enrollment.objects.open()
        .filter(client_id=consent.client_id, primary_case_manager__isnull=False)
        .select_related("primary_case_manager")
    )
    return list({e.primary_case_manager_id: e.primary_case_manager for e in rows}.values())


def consent_review_sweep(*, today: date | None = None) -> int:
    """Ask the case managers about each consent whose unobservable event is due for review.

    Once per review date; the consent stays in force until someone records the outcome
    (``consent_event_outcome``). Returns how many notifications were created.
    """
    today = today or timezone.localdate()
    due = Consent.objects.in_force(today).filter(
        expiry_trigger=ExpiryEvent.OTHER, review_date__lte=today
    )
    sent = 0
    for consent in due:
        created = notify(
            recipients=_case_managers(consent),
            kind="consent_review",
            level="warning",
            title="Has the event that ends a consent happened?",
            body=f'Consent {consent.pk} ends when: "{consent.expiry_event}". Record whether it '
            "has happened; until then the consent stays in force.",
            url=f"/clients/{consent.client_id}/consents/",
            dedupe_key=f"consent-review-{consent.pk}-{consent.review_date}",
        )
        sent += len(created)
    return sent


@transaction.atomic
def consent_event_outcome(
    *,
    actor: Any,
    consent: Consent,
    happened: bool,
    next_review_date: date | None = None,
    note: str = "",
) -> Consent:
    """Record whether the unobservable event of a consent happened.

    ``happened``: the consent ends now. Otherwise a later ``next_review_date`` is required
    and the consent stays in force until then. The caller loaded ``consent`` with
    ``access_consent(write=True)``.
    """
    if consent.expiry_trigger != ExpiryEvent.OTHER or not consent.in_force_on():
        raise ValidationError({"happened": "This consent has no open event to review."})
    if happened:
        text = f"Ended {timezone.localdate():%Y-%m-%d}: {consent.expiry_event} (recorded)."
        _end(
            actor=actor,
            consent=consent,
            event=consent.expiry_trigger,
            note=f"{text} {note}".strip(),
            details={"recorded_by_staff": True},
        )
        return consent
    if next_review_date is None or next_review_date <= timezone.localdate():
        raise ValidationError({"next_review_date": "Give a later date to review the event again."})
    before = consent.review_date
    consent.review_date = next_review_date
    save_versioned(consent, expected_version=consent.version, fields=["review_date"])
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        target_type="consent",
        target_id=consent.pk,
        client_id=consent.client_id,
        organization_id=consent.organization_id,
        changes={"review_date": [before, next_review_date]},
        details={"expiry_event": "not yet", "note": note[:300]},
    )
    return consent
