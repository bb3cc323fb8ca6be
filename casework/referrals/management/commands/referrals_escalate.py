"""``casework referrals-escalate``: run the referral response clocks now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from casework.referrals.tasks import referrals_escalate_task


class Command(BaseCommand):
    help = (
        "Escalate referrals with no answer after the referring program's business days "
        "(default 3; weekends and public holidays skipped): first to the referring worker, "
        "then to the program's supervisors. --enqueue hands it to the task queue instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = referrals_escalate_task.enqueue()
            self.stdout.write(f"Enqueued {result.id}.")
            return
        moved = referrals_escalate_task.call()
        self.stdout.write(f"{moved} escalation(s) sent.")
