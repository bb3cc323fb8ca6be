"""Background work of scheduling: sending task reminders at their time (django-tasks).

Enqueued with ``run_after`` = the reminder's time, on the database backend or on RQ (its
scheduler) alike. Sending is idempotent: a reminder is sent once, and not at all when its
task was closed or moved to another due time meanwhile.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from casework.notifications.services import notify
from casework.scheduling.models import TaskReminder, TaskStatus

REMINDER_QUEUE = "default"


@task()
def send_task_reminder(reminder_id: int) -> bool:
    """Notify the assignee (in the app and by email) of one reminder; True when sent."""
    with transaction.atomic():
        reminder = (
            TaskReminder.objects.select_for_update()
            .select_related("task", "task__assignee")
            .filter(pk=reminder_id, sent_at__isnull=True)
            .first()
        )
        if reminder is None:
            return False
        item = reminder.task
        if item.status != TaskStatus.OPEN or item.due_at != reminder.due_at:
            return False
        due = timezone.localtime(item.due_at)
        # Task titles are free text and may name the client; the email copy must not, so
        # the reminder names the task by number and the link shows the rest after sign-in.
        notify(
            recipients=[item.assignee],
            kind="task_reminder",
            title=f"Reminder: task {item.pk} is due {due:%b %-d, %-I:%M %p}",
            url=f"/tasks/{item.pk}/",
            dedupe_key=f"task-reminder:{reminder.pk}",
        )
        TaskReminder.objects.filter(pk=reminder.pk).update(sent_at=timezone.now())
    return True
