"""Per-kind delivery choices: in the app only, or in the app and by email."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.notifications.kinds import BY_CODE, KINDS
from casework.notifications.models import NotificationPreference


def wants_email(user: Any, kind: str) -> bool:
    """True unless the user chose in-app only for this kind."""
    choice = NotificationPreference.objects.filter(user=user, kind=kind).values_list(
        "email", flat=True
    )
    return next(iter(choice), True)


def preferences_for(user: Any) -> list[dict[str, Any]]:
    """Every kind with its label, description and the user's choice (default: email too)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "email"))
    return [
        {
            "kind": k.code,
            "label": k.label,
            "description": k.description,
            "email": chosen.get(k.code, True),
        }
        for k in KINDS
    ]


def notification_preferences_set(*, actor: Any, email_by_kind: Mapping[str, bool]) -> int:
    """Store the actor's choices; an unknown kind refuses the whole change. Audited."""
    unknown = sorted(set(email_by_kind) - set(BY_CODE))
    if unknown:
        raise ValidationError(
            {"kind": f"Unknown notification kind: {', '.join(unknown)}. Choose from the list."}
        )
    before = dict(NotificationPreference.objects.filter(user=actor).values_list("kind", "email"))
    changes = {
        kind: [before.get(kind, True), bool(email)]
        for kind, email in email_by_kind.items()
        if before.get(kind, True) != bool(email)
    }
    with transaction.atomic():
        for kind, (_, email) in changes.items():
            NotificationPreference.objects.update_or_create(
                user=actor, kind=kind, defaults={"email": email}
            )
        if changes:
            record(
                actor=actor,
                action=AuditAction.UPDATE,
                target_type="notification_preferences",
                target_id=actor.pk,
                changes=changes,
            )
    return len(changes)
