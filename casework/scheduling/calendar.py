"""Private iCalendar feeds (RFC 5545, via the ``icalendar`` package).

Each user may hold one feed URL whose secret is stored only as a hash; creating a new one
revokes the old, and revoking ends it. The feed is read by calendar apps without signing
in, so it carries the least it can: the time, the mode and the client's initials. Never a
name, a purpose, a place or a note.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event

from casework.accounts.models import User, hash_token
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.scheduling.models import ACTIVE_ATTENDANCE, Appointment, CalendarFeedToken

FEED_PAST = timedelta(days=30)
FEED_FUTURE = timedelta(days=180)


def feed_of(user: Any) -> CalendarFeedToken | None:
    return CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).first()


@transaction.atomic
def feed_revoke(*, actor: Any) -> int:
    revoked = CalendarFeedToken.objects.filter(user=actor, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            target_type="calendar_feed",
            details={"revoked": True},
        )
    return revoked


@transaction.atomic
def feed_create(*, actor: Any) -> str:
    """A new secret for the actor's feed (the old one stops working); returned once."""
    feed_revoke(actor=actor)
    raw = secrets.token_urlsafe(32)
    CalendarFeedToken.objects.create(user=actor, key_hash=hash_token(raw))
    record(actor=actor, action=AuditAction.CREATE, target_type="calendar_feed")
    return raw


def feed_user(raw: str) -> User | None:
    """The active owner of a live feed secret, or None (revoked, unknown, disabled)."""
    if not raw or len(raw) > 100:
        return None
    token = (
        CalendarFeedToken.objects.filter(
            key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True
        )
        .select_related("user")
        .first()
    )
    return token.user if token else None


def initials(client: Any) -> str:
    first = (client.preferred_name or client.given_name or "?")[:1]
    return f"{first}{(client.family_name or '?')[:1]}".upper()


def feed_ics(user: User) -> bytes:
    """The user's appointments from a month ago to six months ahead, as iCalendar bytes."""
    now = timezone.now()
    rows = (
        Appointment.objects.filter(
            worker=user,
            attendance__in=ACTIVE_ATTENDANCE,
            starts_at__gte=now - FEED_PAST,
            starts_at__lte=now + FEED_FUTURE,
        )
        .select_related("client")
        .order_by("starts_at")
    )
    cal = Calendar()
    cal.add("prodid", "-//Casework//Appointments//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Casework appointments")
    for appt in rows:
        event = Event()
        event.add("uid", f"appointment-{appt.pk}@casework")
        event.add("dtstamp", now)
        event.add("dtstart", appt.starts_at)
        event.add("dtend", appt.ends_at)
        event.add("summary", f"{initials(appt.client)} ({appt.get_mode_display().lower()})")
        cal.add_component(event)
    record(
        actor=user,
        action=AuditAction.LIST,
        target_type="calendar_feed",
        details={"client_ids": sorted({a.client_id for a in rows})},
    )
    return cal.to_ical()
