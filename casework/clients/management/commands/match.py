"""``casework match``: likely duplicate people, in the database or in CSV files."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.clients.matching import pipeline
from casework.clients.matching.csvio import InputError, read_columns, write_pairs
from casework.clients.matching.model import Model
from casework.clients.matching.pipeline import DEFAULT_THRESHOLD, ScoredPair
from casework.clients.matching.table import FeatureTable


class Command(BaseCommand):
    help = (
        "Find likely duplicate people with a Fellegi-Sunter model. With no file: among the "
        "active clients of each organization (never across organizations). With A.csv: within "
        "that file. With A.csv B.csv: between the two (id_a from A). CSV columns: id,first_name,"
        "last_name,dob,sex,ssn,phone,street_number,address_1,address_2,city,state,postcode "
        "(dob as YYYY-MM-DD; every column but id may be missing or empty). Writes id_a,id_b,score "
        "(score = match probability in [0,1], best first) for pairs at or above --threshold. "
        "Parameters are estimated from the data given (EM, no labels; below 1,000 records the "
        "shipped defaults are used) unless --model names stored ones. Changes no client data; "
        "a database run records one audit event per organization read. Progress on stderr."
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
        parser.add_argument("--no-progress", action="store_true", help="No progress bar on stderr.")

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[str] = options["files"]
        if len(files) > 2:
            raise CommandError("Give at most two CSV files.")
        if not 0 <= options["threshold"] <= 1:
            raise CommandError("--threshold must be between 0 and 1.")
        model = _load_model(options["model"])
        progress = None if options["no_progress"] else sys.stderr
        try:
            pairs, used = _run(files, model, options["threshold"], progress)
        except InputError as error:
            raise CommandError(str(error)) from None
        if options["save_model"]:
            used.save(options["save_model"])
        with ExitStack() as stack:
            out: TextIO = self.stdout  # type: ignore[assignment]  # OutputWrapper writes text
            if options["output"]:
                out = stack.enter_context(Path(options["output"]).open("w", encoding="utf-8"))
            count = write_pairs(out, pairs)
        if options["output"]:
            self.stderr.write(f"{count} pair(s) at or above {options['threshold']} written.")


def _load_model(path: str | None) -> Model | None:
    if not path:
        return None
    try:
        return Model.load(path)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CommandError(f"{path}: not a usable model file ({error})") from None


def _run(
    files: list[str], model: Model | None, threshold: float, progress: TextIO | None
) -> tuple[list[ScoredPair], Model]:
    if len(files) == 2:
        left, right = read_columns(files[0]), read_columns(files[1])
        table = FeatureTable.from_columns(left + right)
        return pipeline.link_table(
            table, len(left), model=model, threshold=threshold, progress=progress
        )
    if len(files) == 1:
        table = FeatureTable.from_columns(read_columns(files[0]))
        return pipeline.dedupe(table, model=model, threshold=threshold, progress=progress)
    return _run_database(model, threshold, progress)


def _run_database(
    model: Model | None, threshold: float, progress: TextIO | None
) -> tuple[list[ScoredPair], Model]:
    # Pairs go to the duplicates review queue (per organization) and to stdout/--output.
    from casework.clients.matching.database import (
        people_by_organization,
        queue_pairs,
        record_match_run,
    )

    groups = {
        org: pipeline.to_features(people, progress)
        for org, people in people_by_organization().items()
    }
    pool = [record for records in groups.values() for record in records]
    if model is None:
        if len(pool) < 2:
            raise CommandError("Fewer than two active clients: nothing to match.")
        model = pipeline.fit(pool)
    pairs: list[ScoredPair] = []
    for org, records in groups.items():
        found, _ = pipeline.dedupe(records, model=model, threshold=threshold, progress=progress)
        record_match_run(organization_id=org, clients=len(records), pairs=len(found))
        added = queue_pairs(organization_id=org, records=records, pairs=found, model=model)
        if progress is not None:
            progress.write(f"organization {org}: {len(found)} pair(s), {added} new in the queue\n")
        pairs.extend(found)
    pairs.sort(key=lambda p: (-p.score, p.id_a, p.id_b))
    return pairs, model
