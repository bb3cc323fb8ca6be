"""Slowing password guessing and reset flooding, counted from the audit trail.

The trail already holds every failed sign-in and every reset request with its time and
source address, in the database every app server shares; counting there needs no cache
that one server process would keep to itself. See the decision record on lockout.

* **Sign-in**: django-axes locks one account *from one address* after
  ``CASEWORK_LOCKOUT_FAILURES`` failures (so an anonymous caller elsewhere cannot lock a worker
  out). Guessing from many addresses is slowed per account: from that many failures on, each
  further attempt must wait twice as long as the last (2 s, 4 s, ... up to 5 minutes) after
  the latest failure, whatever the address. A successful sign-in starts the count again.
* **Password reset**: at most ``RESET_PER_ACCOUNT`` emails per account and
  ``RESET_PER_ADDRESS`` requests per source address in ``RESET_WINDOW``.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from casework.accounts.auth_audit import UNKNOWN_ACCOUNT, identifier_hash
from casework.accounts.models import Membership, User
from casework.audit.models import AuditAction, AuditEvent

GUESS_WINDOW = timedelta(hours=1)
MAX_DELAY_SECONDS = 300
RESET_WINDOW = timedelta(hours=1)
RESET_PER_ACCOUNT = 3
RESET_PER_ADDRESS = 10


def _about(identifier: str) -> tuple[User | None, Q]:
    """The account a typed identifier names, and the audit rows about it: one per attempt.

    ``record_auth_event`` writes one row per organization of a known account; the rows of
    its first organization (or the organization-less row) count each attempt once.
    """
    typed = str(identifier or "").strip().lower()[:254]
    user = User.objects.filter(email__iexact=typed).first() if typed else None
    unknown = Q(target_type=UNKNOWN_ACCOUNT, details__identifier_hash=identifier_hash(typed))
    if user is None:
        return None, unknown
    first_org = (
        Membership.objects.filter(user=user)
        .order_by("organization_id")
        .values_list("organization_id", flat=True)
        .first()
    )
    return user, unknown | Q(target_type="user", target_id=str(user.pk), organization_id=first_org)


def sign_in_wait(identifier: str, *, now: datetime | None = None) -> int:
    """Seconds the account named by ``identifier`` must wait before its next attempt (0: none)."""
    now = now or timezone.now()
    user, about = _about(identifier)
    since = now - GUESS_WINDOW
    if user is not None:
        last_success = (
            AuditEvent.objects.filter(actor=user, action=AuditAction.LOGIN, occurred_at__gt=since)
            .values_list("occurred_at", flat=True)
            .first()
        )
        since = max(since, last_success) if last_success else since
    failures = AuditEvent.objects.filter(
        about, action=AuditAction.LOGIN_FAILED, occurred_at__gt=since
    )
    count = failures.count()
    start = int(settings.AXES_FAILURE_LIMIT)
    if count < start:
        return 0
    delay = min(2 ** (count - start + 1), MAX_DELAY_SECONDS)
    latest = failures.values_list("occurred_at", flat=True).first()
    if latest is None:
        return 0
    return max(0, math.ceil((latest + timedelta(seconds=delay) - now).total_seconds()))


def password_reset_refusal(email: str, ip: str | None, *, now: datetime | None = None) -> str:
    """Why a reset request must not send an email now: "account", "address", or "" (send)."""
    now = now or timezone.now()
    recent = AuditEvent.objects.filter(
        action=AuditAction.PASSWORD_RESET, occurred_at__gt=now - RESET_WINDOW
    )
    by_address = recent.filter(ip=ip).values("request_id").distinct().count() if ip else 0
    if by_address >= RESET_PER_ADDRESS:
        return "address"
    _user, about = _about(email)
    if recent.filter(about, details__event="requested").count() >= RESET_PER_ACCOUNT:
        return "account"
    return ""
