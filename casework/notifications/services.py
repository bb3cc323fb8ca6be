"""The one way to tell a user something: ``notify``. Later features call it for alerts,
reminders and escalations; the email copy goes out after commit through the task queue."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from casework.notifications.models import Notification
from casework.notifications.preferences import wants_email


def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    level: str = Notification.Level.INFO,
    email: bool = True,
    dedupe_key: str = "",
) -> list[Notification]:
    """Create one notification per active recipient and queue its email, unless the
    recipient chose in-app only for this ``kind`` (or the caller passed ``email=False``).

    With ``dedupe_key``, a recipient who already has that key gets nothing new, so callers
    that run repeatedly (daily sweeps) notify each person once.
    """
    created: list[Notification] = []
    for user in recipients:
        if not user.is_active:
            continue
        if (
            dedupe_key
            and Notification.objects.filter(recipient=user, dedupe_key=dedupe_key).exists()
        ):
            continue
        try:
            with transaction.atomic():
                note = Notification.objects.create(
                    recipient=user,
                    kind=kind,
                    level=level,
                    title=title[:200],
                    body=body,
                    url=url,
                    dedupe_key=dedupe_key,
                )
        except IntegrityError:  # a concurrent sweep created it first
            continue
        created.append(note)
        if email and user.email and wants_email(user, kind):
            transaction.on_commit(partial(_enqueue_email, note.pk))
    return created


def _enqueue_email(notification_id: int) -> None:
    from casework.notifications.tasks import send_notification_email

    send_notification_email.enqueue(notification_id)


def notification_mark_read(*, actor: Any, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the actor's notifications read (all unread ones when no ids are given)."""
    qs = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
