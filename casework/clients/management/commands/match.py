"""``casework match``: likely duplicate people, in the database or in CSV files."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.clients.matching import pipeline
from casework.clients.matching.cleaning import (
    Problem,
    UnusableValueError,
    summary,
    write_report,
)
from casework.clients.matching.csvio import InputError, read_file, write_pairs
from casework.clients.matching.model import Model
from casework.clients.matching.pipeline import DEFAULT_THRESHOLD, ScoredPair
from casework.clients.matching.runs import match_run, model_source, reviewable_clients
from casework.clients.matching.table import FeatureTable

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

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", metavar="FILE.csv", help="One or two CSV files.")
        parser.add_argument("--output", "-o", help="Write the pairs here (default: stdout).")
        parser.add_argument(
            "--threshold",
            type=float,
            default=DEFAULT_THRESHOLD,
            help=f"Lowest match probability reported (default {DEFAULT_THRESHOLD}).",
        )
        parser.add_argument("--model", help="Use the parameters stored in this JSON file.")
        parser.add_argument("--save-model", help="Save the parameters used to this JSON file.")
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Refuse the input at its first unusable value instead of treating it as missing.",
        )
        parser.add_argument(
            "--report",
            metavar="FILE",
            help="Write every value treated as missing here (CSV: file,row,column,value,why).",
        )
        parser.add_argument(
            "--reviewer",
            metavar="EMAIL",
            help="Database run only: the clients this user may see and review, as on the "
            "duplicates page, recorded as this user's run.",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar on stderr.")

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[str] = options["files"]
        if len(files) > 2:
            raise CommandError("Give at most two CSV files.")
        if files and options["reviewer"]:
            raise CommandError("--reviewer applies to database runs (no files) only.")
        if not 0 <= options["threshold"] <= 1:
            raise CommandError("--threshold must be between 0 and 1.")
        model = _load_model(options["model"])
        progress = None if options["no_progress"] else sys.stderr
        used: Model | None
        try:
            if files:
                pairs, used, problems = self._run_files(files, model, options, progress)
            else:
                pairs, used, problems = self._run_database(model, options, progress)
        except (InputError, UnusableValueError) as error:
            raise CommandError(str(error)) from None
        self._summarize(problems, used, options["report"])
        if options["save_model"] and used is not None:
            used.save(options["save_model"])
        with ExitStack() as stack:
            out: TextIO = self.stdout  # type: ignore[assignment]  # OutputWrapper writes text
            if options["output"]:
                out = stack.enter_context(Path(options["output"]).open("w", encoding="utf-8"))
            count = write_pairs(out, pairs)
        if options["output"]:
            self.stderr.write(f"{count} pair(s) at or above {options['threshold']} written.")

    def _run_files(
        self,
        files: list[str],
        model: Model | None,
        options: dict[str, Any],
        progress: TextIO | None,
    ) -> tuple[list[ScoredPair], Model, list[tuple[str, Problem]]]:
        reads = [read_file(name, strict=options["strict"]) for name in files]
        problems = []
        for name, read in zip(files, reads, strict=True):
            if read.renamed:
                mapping = ", ".join(f"{raw} -> {field}" for raw, field in read.renamed.items())
                self.stderr.write(f"{name}: columns read as {mapping}")
            problems += [(name, problem) for problem in read.problems]
        threshold = options["threshold"]
        if len(reads) == 2:
            left, right = reads[0].people, reads[1].people
            table = FeatureTable.from_columns(left + right)
            pairs, used = pipeline.link_table(
                table, len(left), model=model, threshold=threshold, progress=progress
            )
        else:
            table = FeatureTable.from_columns(reads[0].people)
            pairs, used = pipeline.dedupe(
                table, model=model, threshold=threshold, progress=progress
            )
        return pairs, used, problems

    def _run_database(
        self, model: Model | None, options: dict[str, Any], progress: TextIO | None
    ) -> tuple[list[ScoredPair], Model | None, list[tuple[str, Problem]]]:
        from django.db import transaction

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
            raise CommandError("No active clients to match.")
        pairs.sort(key=lambda p: (-p.score, p.id_a, p.id_b))
        return pairs, used, problems

    def _summarize(
        self, problems: list[tuple[str, Problem]], model: Model | None, report: str | None
    ) -> None:
        """Say which model scored the pairs, and count (and list) the values left out."""
        if model is not None:
            self.stderr.write(f"model: {model_source(model)}")
        if problems:
            self.stderr.write(
                f"{len(problems):,} unusable value(s) treated as missing"
                + (" (listed in " + report + "):" if report else ":")
            )
            for line in summary(problem for _, problem in problems):
                self.stderr.write(f"  {line}")
        else:
            self.stderr.write("no unusable values")
        if report:
            write_report(report, problems)


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


def _load_model(path: str | None) -> Model | None:
    if not path:
        return None
    try:
        return Model.load(path)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CommandError(f"{path}: not a usable model file ({error})") from None
