"""``casework notifications sweep [--only NAME ...] [--enqueue] [--list]``.

Runs the daily sweeps of every app: credentials expiring at 90/60/30 days (to the staff
member and their supervisors), continuing education short of a renewal six months before
it, supervised hours waiting for a signature, consents expiring or due for review, clients
without a case manager (to the program's supervisors), competency reviews due. Each alert
goes out once, so a repeated or missed run does no harm: schedule it daily.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.notifications.sweeps import registered, run_sweeps
from casework.notifications.tasks import notifications_sweep_task


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("sweep", help="Send the due reminders and alerts (idempotent)")
        run.add_argument("--only", nargs="+", default=[], metavar="NAME", help="Named sweeps")
        run.add_argument("--enqueue", action="store_true", help="Hand it to the task queue")
        sub.add_parser("list", help="List the sweeps")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for name, item in registered().items():
                self.stdout.write(f"{name:20} {item.description}")
            return
        if options["enqueue"]:
            if options["only"]:
                raise CommandError("--enqueue runs every sweep; drop --only.")
            result = notifications_sweep_task.enqueue()
            self.stdout.write(f"Enqueued {result.id}.")
            return
        try:
            counts = run_sweeps(only=options["only"])
        except KeyError as exc:
            raise CommandError(exc.args[0]) from exc
        for name, sent in counts.items():
            self.stdout.write(f"{name}: {sent} notification(s) sent.")
