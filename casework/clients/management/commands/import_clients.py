"""``casework import-clients FILE --program P [--commit] [--actor EMAIL]``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from casework.accounts.models import Program, User
from casework.clients.importing import (
    COLUMNS,
    ImportFileError,
    describe_errors,
    import_commit,
    import_parse,
)
from casework.core.exceptions import PermissionDenied

# The command line reads a local file, so it may take more than a web upload.
CLI_MAX_BYTES = 50 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Import clients from a CSV file into a program (each is created and enrolled). "
        f"Columns: {','.join(COLUMNS)} (given_name and family_name required; date_of_birth as "
        "YYYY-MM-DD; sex as an HMIS 4.21 code or label; external_id is kept as the agency "
        "client ID). Every row is checked and a report names each bad row and field. Without "
        "--commit this is a dry run that writes nothing; with --commit every new client is "
        "written in one transaction, or none if anything fails. People already on file (same "
        "external_id, else same legal name and date of birth in the organization) are skipped, "
        "so re-running a file creates no duplicates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The CSV file (UTF-8, header row first).")
        parser.add_argument("--program", required=True, help="Program id or exact name.")
        parser.add_argument("--commit", action="store_true", help="Write (default: dry run).")
        parser.add_argument(
            "--actor",
            help="Email of the staff member the import is recorded as (needed with --commit).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        program = _program(options["program"])
        actor = _actor(options["actor"]) if options["actor"] else None
        if options["commit"] and actor is None:
            raise CommandError("--commit needs --actor EMAIL: every change is recorded as someone.")
        path = Path(options["file"])
        try:
            raw = path.read_bytes()
            plan = import_parse(raw, program=program, max_bytes=CLI_MAX_BYTES)
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        except ImportFileError as error:
            raise CommandError(f"{path}: {error}") from None
        for line in describe_errors(plan):
            self.stderr.write(line)
        summary = (
            f"{len(plan.rows)} row(s): {len(plan.to_create)} new, "
            f"{len(plan.existing)} already on file, {len(plan.errors)} with errors."
        )
        self.stdout.write(summary)
        if plan.errors:
            raise CommandError("Nothing was imported: fix the rows above and run again.")
        if not options["commit"]:
            self.stdout.write("Dry run: nothing was written. Add --commit to import.")
            return
        self._commit(actor, program, plan, path.name, options["no_progress"])

    def _commit(self, actor: Any, program: Program, plan: Any, name: str, quiet: bool) -> None:
        bar = tqdm(
            total=len(plan.to_create),
            desc="importing",
            unit="client",
            file=sys.stderr,
            disable=quiet,
        )
        try:
            created = import_commit(
                actor=actor, program=program, plan=plan, filename=name, progress=bar.update
            )
        except (ValidationError, PermissionDenied) as error:
            message = "; ".join(getattr(error, "messages", [str(error)]))
            raise CommandError(f"Nothing was imported: {message}") from None
        finally:
            bar.close()
        self.stdout.write(f"Imported {len(created)} client(s) into {program.name}.")


def _program(value: str) -> Program:
    programs = Program.objects.filter(pk=int(value)) if value.isdigit() else Program.objects.none()
    found = list(programs) or list(Program.objects.filter(name=value))
    if len(found) != 1:
        raise CommandError(f"No single program with id or name {value!r}.")
    return found[0]


def _actor(email: str) -> User:
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise CommandError(f"No active user {email!r}.")
    return user
