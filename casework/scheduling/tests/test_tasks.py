"""Tasks: the one definition of overdue, recurrence, reminders on both task backends."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from casework.notifications.models import Notification
from casework.scheduling import services, tasks
from casework.scheduling.models import Task, TaskReminder, TaskStatus


def _task(cm: Any, client: Any, programs: Any, **data: Any) -> Task:
    due = data.pop("due_at", timezone.now() + timedelta(days=2))
    return services.task_create(
        actor=cm,
        title="Call the landlord",
        due_at=due,
        client=client,
        program=programs["healthcare"],
        data=data,
    )


def test_overdue_means_open_and_past_its_due_time(
    cm_health: Any, client_health: Any, programs: Any
) -> None:
    late = _task(cm_health, client_health, programs, due_at=timezone.now() - timedelta(hours=1))
    soon = _task(cm_health, client_health, programs)
    done = _task(cm_health, client_health, programs, due_at=timezone.now() - timedelta(hours=2))
    services.task_complete(actor=cm_health, task=done)
    assert list(Task.objects.overdue()) == [late]
    assert late.is_overdue
    assert not soon.is_overdue


def test_completing_a_repeating_task_opens_the_next_occurrence(
    cm_health: Any, client_health: Any, programs: Any
) -> None:
    first = _task(
        cm_health,
        client_health,
        programs,
        recurrence="FREQ=WEEKLY;COUNT=2",
        checklist=[{"text": "Ask about rent", "done": True}],
    )
    second = services.task_complete(actor=cm_health, task=first)
    assert second is not None
    assert second.due_at == first.due_at.replace(microsecond=0) + timedelta(weeks=1)
    assert second.checklist == [{"text": "Ask about rent", "done": False}]
    assert services.task_complete(actor=cm_health, task=second) is None  # COUNT=2 used up


def test_a_bad_repeat_rule_is_refused_with_the_field_named(
    cm_health: Any, client_health: Any, programs: Any
) -> None:
    with pytest.raises(ValidationError) as refused:
        _task(cm_health, client_health, programs, recurrence="FREQ=SOMETIMES")
    assert "recurrence" in refused.value.message_dict


def test_a_task_cannot_be_made_in_a_program_the_actor_does_not_work_in(
    cm_mental_health: Any, client_health: Any, programs: Any
) -> None:
    from casework.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _task(cm_mental_health, client_health, programs)


def _due_reminder(cm: Any, client: Any, programs: Any, capture: Any) -> TaskReminder:
    with capture(execute=True):
        task = _task(
            cm,
            client,
            programs,
            due_at=timezone.now() + timedelta(seconds=30),
            reminder_minutes=[1],
        )
    return TaskReminder.objects.get(task=task)


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_reminders_are_sent_by_the_database_worker(
    cm_health: Any,
    client_health: Any,
    programs: Any,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django_tasks_db.management.commands import db_worker

    # The worker closes stale connections between tasks; inside the test's transaction
    # that would close the test's own connection (PostgreSQL), so it is a no-op here.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    reminder = _due_reminder(cm_health, client_health, programs, django_capture_on_commit_callbacks)
    assert reminder.sent_at is None
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    reminder.refresh_from_db()
    assert reminder.sent_at is not None
    sent = Notification.objects.get(recipient=cm_health, kind="task_reminder")
    assert "Dolores" not in sent.title
    assert "landlord" not in sent.title


def test_reminders_are_sent_by_the_rq_worker_on_redis(
    cm_health: Any,
    client_health: Any,
    programs: Any,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import django_rq
    from rq import SimpleWorker

    queue = f"casework-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(tasks, "REMINDER_QUEUE", queue)
    rq = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [queue]}}
    with override_settings(TASKS=rq, RQ_QUEUES={queue: {"URL": "redis://127.0.0.1:6379/0"}}):
        from django_tasks import task_backends

        task_backends._settings = None  # type: ignore[attr-defined]  # rebuilt from TASKS
        reminder = _due_reminder(
            cm_health, client_health, programs, django_capture_on_commit_callbacks
        )
        from django_tasks_rq.backend import Job

        worker = django_rq.get_worker(queue, worker_class=SimpleWorker, job_class=Job)  # type: ignore[arg-type]  # a Worker subclass
        worker.work(burst=True)
        django_rq.get_queue(queue).delete(delete_jobs=True)
    reminder.refresh_from_db()
    assert reminder.sent_at is not None
    assert Notification.objects.filter(recipient=cm_health, kind="task_reminder").count() == 1


def test_a_reminder_of_a_closed_task_is_not_sent(
    cm_health: Any, client_health: Any, programs: Any
) -> None:
    task = _task(cm_health, client_health, programs)
    reminder = TaskReminder.objects.filter(task=task).first()
    assert reminder is not None
    services.task_complete(actor=cm_health, task=task)
    assert tasks.send_task_reminder.call(reminder.pk) is False
    assert task.status == TaskStatus.DONE
