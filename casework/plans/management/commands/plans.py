"""``casework plans sweep|due``.

* ``sweep``: tell case managers about IPE deadlines 30 and 10 days away or passed (34 CFR
  361.45(e): 90 days from eligibility unless extended to an agreed date) and overdue plan
  reviews; each alert goes once, so run it daily (cron).
* ``due [--within DAYS]``: plan reviews due and IPE clocks, as JSON.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from casework.plans.notices import deadline_sweep
from casework.plans.queries import ipe_deadlines, plan_reviews_due


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("sweep", help="Send IPE deadline and overdue review alerts")
        due = sub.add_parser("due", help="Reviews due and IPE clocks as JSON")
        due.add_argument("--within", type=int, default=0, help="Days ahead (default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "sweep":
            self.stdout.write(f"Sent {deadline_sweep()} plan alert(s).")
            return
        report = {
            "reviews_due": plan_reviews_due(within_days=options["within"]),
            "ipe_deadlines": ipe_deadlines(),
        }
        self.stdout.write(json.dumps(report, indent=2, default=str))
