"""Sign-in failures, lockouts and password-reset requests in the audit trail, scoped.

Each such event names an identifier someone typed. When it is a known account's email, the
row is written once per organization the account belongs to (``organization_id`` set), so
that organization's auditors see attacks on their staff. When it names no account (or an
account in no organization), the typed text is never stored: only a keyed hash of it, so
repeated guesses can be correlated, and the row is visible to the auditors of every
organization (``target_type="unknown_account"``). ``scoped_events`` is the one rule the
web audit pages and ``/api/v1/audit-events`` both use.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from casework.accounts.models import Membership, User
from casework.audit.models import AuditAction, AuditEvent
from casework.audit.services import record

UNKNOWN_ACCOUNT = "unknown_account"
AUTH_ACTIONS = frozenset(
    {AuditAction.LOGIN_FAILED, AuditAction.LOCKED_OUT, AuditAction.PASSWORD_RESET}
)


def identifier_hash(identifier: str) -> str:
    """A keyed hash of a typed identifier: the same text gives the same value, and the text
    cannot be recovered from the trail (it may be a password typed in the wrong box)."""
    key = settings.SECRET_KEY.encode()
    text = identifier.strip().lower().encode()
    return hmac.new(key, text, hashlib.sha256).hexdigest()[:32]


def record_auth_event(
    *, action: str, identifier: str, details: Mapping[str, Any] | None = None
) -> list[AuditEvent]:
    """Audit a sign-in failure, lockout or reset request against the account it names."""
    typed = str(identifier or "").strip().lower()[:254]
    user = User.objects.filter(email__iexact=typed).first() if typed else None
    org_ids: list[int] = []
    if user is not None:
        org_ids = sorted(
            set(Membership.objects.filter(user=user).values_list("organization_id", flat=True))
        )
    extra = dict(details or {})
    if user is None or not org_ids:
        return [
            record(
                actor=None,
                action=action,
                target_type=UNKNOWN_ACCOUNT,
                target_id=user.pk if user is not None else "",
                actor_label="(unknown account)",
                details={"identifier_hash": identifier_hash(typed), **extra},
            )
        ]
    return [
        record(
            actor=None,
            action=action,
            target_type="user",
            target_id=user.pk,
            organization_id=org_id,
            actor_label=user.email,
            details={"attempted": user.email, **extra},
        )
        for org_id in org_ids
    ]


def scoped_events(org_ids: frozenset[int]) -> QuerySet[AuditEvent]:
    """The trail an auditor of ``org_ids`` reads: rows about those organizations, their
    staff's own events (sign-ins, token use), and events naming no known account."""
    staff = Membership.objects.filter(user_id=OuterRef("actor_id"), organization_id__in=org_ids)
    return AuditEvent.objects.filter(
        Q(organization_id__in=org_ids)
        | (Q(organization_id__isnull=True, client_id__isnull=True) & Exists(staff))
        | Q(organization_id__isnull=True, target_type=UNKNOWN_ACCOUNT)
    )
