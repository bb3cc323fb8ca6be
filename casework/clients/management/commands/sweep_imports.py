"""``casework sweep-imports``: delete import uploads abandoned before their confirmation."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from casework.clients.staging import STAGE_HOURS, sweep


class Command(BaseCommand):
    help = (
        "Delete staged client-import files and their status pages older than --hours "
        f"(default {STAGE_HOURS}). Safe to run repeatedly; schedule it hourly or daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=float, default=STAGE_HOURS, help="age in hours")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 <= options["hours"] <= 24 * 30:
            self.stderr.write("--hours must be 0 to 720")
            raise SystemExit(2)
        removed = sweep(older_than_hours=options["hours"])
        self.stdout.write(f"{removed} staged file(s) deleted.")
