"""``casework match``: likely duplicate people, in the database or in CSV files."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.clients.matching import cli
from casework.clients.matching.cleaning import Problem, UnusableValueError
from casework.clients.matching.model import Model
from casework.clients.matching.pipeline import ScoredPair
from casework.clients.matching.runs import match_run, reviewable_clients

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from casework.clients.models import Client


class Command(BaseCommand):
    help = (
        "Find likely duplicate people with a Fellegi-Sunter model. With no file: among the "
        "active clients of each organization (never across organizations), or only those "
        "--reviewer may see and review; pairs go to the duplicates review queue. With A.csv: "
        "within that file. With A.csv B.csv: between the two (id_a from A). CSV columns: "
        "id,first_name,last_name,dob,sex,ssn,phone,street_number,address_1,address_2,city,"
        "state,postcode, or common other names for them (date_of_birth, zip, surname...: "
        "the mapping used is printed); dob as YYYY-MM-DD, YYYYMMDD or MM/DD/YYYY; every "
        "column but id may be missing or empty. A value that cannot be used (an impossible "
        "or implausible date, a malformed postcode, control characters) is treated as "
        "missing, counted and listed in --report; --strict refuses the input instead. "
        "Writes id_a,id_b,score (score = match probability in [0,1], best first) for pairs "
        "at or above --threshold. Parameters are estimated from the data given (EM, no "
        "labels; below 1,000 records the shipped defaults are used: the output says which) "
        "unless --model names stored ones. Changes no client data; a database run records "
        "one audit event per organization read. Progress and summaries on stderr."
    )

    # A read-only command: Django's system checks import every URL module (a second of
    # CPU) and check nothing it uses.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        cli.add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        def say(message: str) -> None:
            self.stderr.write(message)

        try:
            model = cli.check_options(options)
            if options["files"]:
                found = cli.run_files(options["files"], model, options, say)
            else:
                found = self._run_database(model, options)
            cli.finish(found, options, self.stdout, say)  # type: ignore[arg-type]  # writes text
        except (cli.UsageError, UnusableValueError) as error:
            raise CommandError(str(error)) from None

    def _run_database(self, model: Model | None, options: dict[str, Any]) -> cli.Found:
        from django.db import transaction

        progress = None if options["no_progress"] else sys.stderr
        clients, actor = _database_clients(options["reviewer"])
        orgs = sorted(set(clients.values_list("organization_id", flat=True)))
        pairs: list[ScoredPair] = []
        problems: list[tuple[str, Problem]] = []
        used = model
        with transaction.atomic():  # --strict: nothing is queued unless every value is usable
            for org in orgs:
                run = match_run(
                    actor=actor,
                    actor_label="" if actor else "casework match (command line)",
                    organization_id=org,
                    clients=clients,
                    channel="command line",
                    threshold=options["threshold"],
                    model=model,
                    strict=options["strict"],
                )
                used = used or run.model
                problems += [(f"organization {org}", p) for p in run.problems]
                pairs += [ScoredPair(str(a), str(b), score) for a, b, score, _ in run.pairs]
                if progress is not None:
                    progress.write(
                        f"organization {org}: {run.clients} client(s), {len(run.pairs)} pair(s), "
                        f"{run.added} new in the queue; model: {run.model_source}\n"
                    )
        if not orgs:
            raise cli.UsageError("No active clients to match.")
        pairs.sort(key=lambda p: (-p.score, p.id_a, p.id_b))
        return pairs, used, problems


def _database_clients(reviewer: str | None) -> tuple[QuerySet[Client], Any]:
    """Every active client (no reviewer), or the clients ``reviewer`` may review."""
    from django.contrib.auth import get_user_model

    from casework.clients.models import Client

    if not reviewer:
        return Client.objects.filter(is_active=True), None
    user = get_user_model().objects.filter(email__iexact=reviewer, is_active=True).first()
    if user is None:
        raise CommandError(f"--reviewer {reviewer}: no active user with this email.")
    return reviewable_clients(user), user
