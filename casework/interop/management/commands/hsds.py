"""``casework hsds import PATH`` and ``casework hsds export PATH``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.interop.hsds import export_path, import_path


class Command(BaseCommand):
    help = (
        "Import or export the resource directory as Open Referral HSDS 3.0. "
        "import PATH: a folder or zip of CSV files with datapackage.json, or HSDS JSON; every "
        "row is checked against the HSDS schemas and nothing is written if any check fails; "
        "rows with an existing id are updated in place. export PATH: a folder, or a .zip."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["import", "export"])
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        result = import_path(path) if options["action"] == "import" else export_path(path)
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        for problem in result.problems:
            self.stderr.write(str(problem))
        if not result.ok:
            raise CommandError(
                f"{len(result.problems)} problem(s) found; nothing was {options['action']}ed."
            )
        total = sum(result.counts.values())
        self.stdout.write(f"{options['action'].capitalize()}ed {total} rows:")
        for table, count in result.counts.items():
            if count:
                self.stdout.write(f"  {table}: {count}")
