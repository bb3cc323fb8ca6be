"""``casework load_poverty_guidelines [FILE]``: add HHS poverty guideline years."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.intake.services import GUIDELINES_FILE, poverty_guidelines_load, read_guidelines_file


class Command(BaseCommand):
    help = (
        "Add the HHS poverty guideline years of FILE (default: the shipped "
        "intake/data/federal_poverty_guidelines.yaml) that are not loaded yet. A year already "
        "loaded is never changed. With --dry-run, only list what would be added."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default=str(GUIDELINES_FILE))
        parser.add_argument("--dry-run", action="store_true", help="Change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            rows = read_guidelines_file(path)
        except (KeyError, TypeError, ValueError) as error:
            raise CommandError(f"{path} is not a guidelines file: {error}") from None
        if options["dry_run"]:
            for row in rows:
                self.stdout.write(f"{row['year']} {row['region']}: ${row['first_person']:,}")
            return
        added = poverty_guidelines_load(actor=None, path=path)
        for guideline in added:
            self.stdout.write(f"Added {guideline}")
        self.stdout.write(f"{len(added)} guideline rows added.")
