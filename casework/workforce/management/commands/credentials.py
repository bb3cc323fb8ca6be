"""``casework credentials check|sweep|load-rules``.

* ``check [--email E] [--json]``: eligibility for every credential rule (CCM, ACM, CRC,
  LCSW by state) and CE progress toward each held credential's renewal. Without --email,
  every active staff member.
* ``sweep``: alert staff and their supervisors 90, 60 and 30 days before a licence or
  certification expires and once when it has expired; each threshold alerts once, so the
  sweep is safe to run daily (cron) or more often. It also reminds staff and their
  supervisors of competency reviews due within 30 days or overdue (once per stage).
* ``load-rules``: load rule versions from the data files that are newer than the stored ones.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.accounts.models import User
from casework.workforce.development.queries import reviews_due_sweep
from casework.workforce.queries import credentials_report
from casework.workforce.rules import load_rules
from casework.workforce.services import credentials_sweep


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="Eligibility and renewal progress")
        check.add_argument("--email", help="One staff member (default: every active user)")
        check.add_argument("--json", action="store_true", help="Machine-readable output")
        sub.add_parser("sweep", help="Send the 90/60/30-day expiry alerts (idempotent)")
        sub.add_parser("load-rules", help="Load newer rule versions from the data files")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "sweep":
            sent = credentials_sweep()
            self.stdout.write(f"Sent {sent} credential expiry alert(s).")
            reminders = reviews_due_sweep()
            self.stdout.write(f"Sent {reminders} competency review reminder(s).")
        elif action == "load-rules":
            created = load_rules()
            self.stdout.write(f"Loaded {len(created)} rule version(s).")
        else:
            self._check(options.get("email"), as_json=options["json"])

    def _check(self, email: str | None, *, as_json: bool) -> None:
        users = User.objects.filter(is_active=True)
        if email:
            users = users.filter(email__iexact=email.strip())
            if not users.exists():
                raise CommandError(f"No active user with email {email!r}.")
        reports = [credentials_report(u) for u in users.order_by("email")]
        if as_json:
            self.stdout.write(json.dumps(reports[0] if email else reports, indent=2))
            return
        for report in reports:
            self._print(report)

    def _print(self, report: dict[str, Any]) -> None:
        self.stdout.write(f"{report['name']} <{report['email']}> as of {report['as_of']}")
        for cred in report["credentials"]:
            mark = {"eligible": "ELIGIBLE", "not_eligible": "not yet", "cannot_tell": "cannot tell"}
            self.stdout.write(f"  {cred['code']:8} {mark[cred['status']]}")
            for line in cred["missing"]:
                self.stdout.write(f"           - {line}")
            for line in cred["cannot_tell"]:
                self.stdout.write(f"           ? {line}")
        for renewal in report["renewals"]:
            state = "on track" if renewal["met"] else "behind"
            self.stdout.write(
                f"  renew {renewal['code']} by {renewal['deadline']}: "
                f"{renewal['earned_hours']:g}/{renewal['required_hours']:g} CE hours ({state})"
            )
            for line in renewal["missing"]:
                self.stdout.write(f"           - {line}")
