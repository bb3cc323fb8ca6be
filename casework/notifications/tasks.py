"""Background delivery of notification emails."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task

from casework.notifications.models import Notification


@task()
def send_notification_email(notification_id: int) -> None:
    note = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if note is None or note.emailed_at is not None:
        return
    # Email carries no client details: only the title and a link back into Casework.
    body = f"{note.title}\n\n{note.body}\n\nOpen Casework to see more."
    send_mail(
        subject=f"[{settings.CASEWORK_SITE_NAME}] {note.title}",
        message=body,
        from_email=None,
        recipient_list=[note.recipient.email],
    )
    Notification.objects.filter(pk=note.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )


@task()
def notifications_sweep_task() -> dict[str, int]:
    """Every daily sweep (cron: ``casework notifications sweep``, or enqueued once a day)."""
    from casework.notifications.sweeps import run_sweeps

    return run_sweeps()
