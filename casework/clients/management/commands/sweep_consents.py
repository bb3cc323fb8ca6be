"""``casework sweep-consents``: tell case managers, once, about consents expiring soon and
about consents whose expiry event is due for review."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from casework.clients.consent import consent_expiry_sweep
from casework.clients.consent_events import consent_review_sweep


class Command(BaseCommand):
    help = (
        "Notify each client's primary case manager, once per consent, of consents that expire "
        "within --days (default 30), and of consents whose expiry event is due for review. "
        "Safe to run repeatedly; schedule it daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=30, help="look-ahead window in days")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["days"] <= 365:
            self.stderr.write("--days must be 1 to 365")
            raise SystemExit(2)
        sent = consent_expiry_sweep(within_days=options["days"]) + consent_review_sweep()
        self.stdout.write(f"{sent} notification(s) sent.")
