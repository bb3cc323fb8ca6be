"""`casework match` on CSV files, without Django: the command's file runs start in 0.2 s.

Django's set-up (every app, and the system checks importing every URL module) took 1.3 s
of CPU before a single row was read, about ten times the matching of 5,000 records. A
file run needs none of it, so ``casework match FILE...`` (and ``manage.py match FILE...``)
runs :func:`main` directly; database runs go through the management command, which shares
everything below (``casework/clients/management/commands/match.py``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TextIO

from casework.clients.matching import pipeline
from casework.clients.matching.cleaning import Problem, UnusableValueError, summary, write_report
from casework.clients.matching.csvio import InputError, read_file, write_pairs
from casework.clients.matching.estimate import U_FROM_DATA
from casework.clients.matching.model import Model
from casework.clients.matching.pipeline import DEFAULT_THRESHOLD, ScoredPair
from casework.clients.matching.table import FeatureTable

Say = Callable[[str], None]
Found = tuple[list[ScoredPair], Model | None, list[tuple[str, Problem]]]


class UsageError(Exception):
    """A problem with the command's input or options; the message is for the user."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
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


def check_options(options: dict[str, Any]) -> Model | None:
    """Raise :class:`UsageError` for inconsistent options; the model given, if any."""
    files = options["files"]
    if len(files) > 2:
        raise UsageError("Give at most two CSV files.")
    if files and options["reviewer"]:
        raise UsageError("--reviewer applies to database runs (no files) only.")
    if not 0 <= options["threshold"] <= 1:
        raise UsageError("--threshold must be between 0 and 1.")
    path = options["model"]
    if not path:
        return None
    try:
        return Model.load(path)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise UsageError(f"{path}: not a usable model file ({error})") from None


def run_files(files: list[str], model: Model | None, options: dict[str, Any], say: Say) -> Found:
    """Read one file (dedupe) or two (link), then match; prints the column mapping."""
    progress = None if options["no_progress"] else sys.stderr
    try:
        reads = [read_file(name, strict=options["strict"]) for name in files]
    except InputError as error:
        raise UsageError(str(error)) from None
    problems = []
    for name, read in zip(files, reads, strict=True):
        if read.renamed:
            mapping = ", ".join(f"{raw} -> {field}" for raw, field in read.renamed.items())
            say(f"{name}: columns read as {mapping}")
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
        pairs, used = pipeline.dedupe(table, model=model, threshold=threshold, progress=progress)
    return pairs, used, problems


def model_source(model: Model | None) -> str:
    """How the parameters were obtained, in words (for output and audit details)."""
    if model is None:
        return "no model (fewer than two records)"
    if model.info.get("estimated") is False and model.info.get(U_FROM_DATA):
        return (
            "the shipped default model's agreement rates among matches, with the rates "
            f"among non-matches estimated on these {model.info.get('records', 0):,} records "
            f"(one list has fewer than {pipeline.MIN_TRAINING_RECORDS:,} records: too few "
            "matches to estimate the rest)"
        )
    if model.info.get("estimated") is False:
        return "the shipped default model (too few records to estimate one)"
    if not model.comparisons:
        return "none: the lists have no field in common to compare"
    rounds = model.info.get(pipeline.M_FROM_ONE_MATCH)
    if "sessions" in model.info and not model.info["sessions"]:
        learned = (
            f"agreement rates among matches learned from these records' own pairs in {rounds} "
            "round(s), read as one match per record"
            if rounds
            else "the shipped default model's agreement rates among matches"
        )
        return (
            f"{learned}, rates among non-matches estimated on these "
            f"{model.info.get('records', 0):,} records (no training block fits these "
            "fields: a birth date to learn names from, or the reverse)"
        )
    if "sessions" in model.info:
        return f"estimated by EM on these {model.info.get('records', 0):,} records"
    return "the model given"


def finish(found: Found, options: dict[str, Any], stdout: TextIO, say: Say) -> None:
    """Say which model scored the pairs, count (and list) unusable values, write pairs."""
    pairs, model, problems = found
    if model is not None and options.get("model"):
        # A saved model's info describes the run that estimated it, not this one.
        say(
            f"model: the one given ({options['model']}), "
            f"from a run where it was {model_source(model)}"
        )
    elif model is not None:
        say(f"model: {model_source(model)}")
        share = model.info.get(pipeline.ONE_MATCH_SHARE)
        if isinstance(share, float):
            say(
                f"one match per record: {share:.1%} of the shorter list's records estimated "
                "to have a match in the other list (a pair is reported when this reading or "
                "the pair-by-pair one finds it more likely than not)"
            )
    report = options["report"]
    if problems:
        listed = f" (listed in {report})" if report else ""
        say(f"{len(problems):,} unusable value(s) treated as missing{listed}:")
        for line in summary(problem for _, problem in problems):
            say(f"  {line}")
    else:
        say("no unusable values")
    if report:
        write_report(report, problems)
    if options["save_model"] and model is not None:
        model.save(options["save_model"])
    with ExitStack() as stack:
        out = stdout
        if options["output"]:
            out = stack.enter_context(Path(options["output"]).open("w", encoding="utf-8"))
        count = write_pairs(out, pairs)
    if options["output"]:
        say(f"{count} pair(s) at or above {options['threshold']} written.")


def file_run_requested(argv: Sequence[str]) -> bool:
    """Whether ``argv`` (after the command name) asks for a file run this module can do."""
    if any(arg in ("-h", "--help", "--version") or arg.startswith("--settings") for arg in argv):
        return False
    parser = argparse.ArgumentParser(add_help=False)
    add_arguments(parser)
    try:
        options, unknown = parser.parse_known_args(list(argv))
    except SystemExit:  # malformed options: let Django's parser say what is wrong
        return False
    return bool(options.files) and not unknown


def main(argv: Sequence[str], prog: str = "casework match") -> int:
    """Run `casework match FILE...`; returns the exit status (1 on a usage error)."""
    parser = argparse.ArgumentParser(prog=prog)
    add_arguments(parser)
    options = vars(parser.parse_args(list(argv)))

    def say(message: str) -> None:
        print(message, file=sys.stderr)

    try:
        model = check_options(options)
        found = run_files(options["files"], model, options, say)
        finish(found, options, sys.stdout, say)
    except (UsageError, UnusableValueError) as error:
        print(f"CommandError: {error}", file=sys.stderr)
        return 1
    return 0
