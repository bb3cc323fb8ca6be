"""``casework instruments list|score|validate|load``.

* ``list``: the published instruments in force (code, version, name, licence) as JSON.
* ``score CODE --answers JSON``: score answers with the same engine as the web and API and
  print the result as JSON (``total``, ``band``, ``flags``, ``missing``, ...). Answers are
  option codes or values, e.g. ``'{"q1": 2, "q9": 1}'``. ``--organization ID`` scores with
  that agency's own version where it has one.
* ``validate FILE``: check a definition file against the schema (exit 1, problems listed).
* ``load``: load shipped definition versions newer than the stored ones (also run after
  every migrate).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.assessments.library import current_instrument, current_instruments, load_instruments
from casework.assessments.schema import DefinitionError, load_definition
from casework.assessments.scoring import AnswerError, score


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="Instruments in force, as JSON")
        scoring = sub.add_parser("score", help="Score answers and print the result as JSON")
        scoring.add_argument("code")
        scoring.add_argument("--answers", required=True, help="A JSON object of answers")
        scoring.add_argument("--organization", type=int, default=None)
        check = sub.add_parser("validate", help="Check a definition file")
        check.add_argument("file")
        sub.add_parser("load", help="Load newer shipped definitions")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            self._list()
        elif action == "score":
            self._score(options["code"], options["answers"], options["organization"])
        elif action == "validate":
            self._validate(options["file"])
        else:
            created = load_instruments()
            self.stdout.write(f"Loaded {len(created)} instrument version(s).")

    def _list(self) -> None:
        rows = [
            {
                "code": i.code,
                "version": i.version,
                "name": i.name,
                "categories": i.categories,
                "licence": i.definition.licence,
                "source": i.definition.source.citation,
            }
            for i in current_instruments(None).values()
        ]
        self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))

    def _score(self, code: str, answers_text: str, organization: int | None) -> None:
        instrument = current_instrument(code, organization)
        if instrument is None:
            raise CommandError(f"No instrument with code {code!r}; see `instruments list`.")
        try:
            answers = json.loads(answers_text)
        except json.JSONDecodeError as error:
            raise CommandError(f"--answers is not valid JSON: {error}") from None
        if not isinstance(answers, dict):
            raise CommandError("--answers must be a JSON object of item: answer.")
        try:
            result = score(instrument.definition, answers)
        except AnswerError as error:
            raise CommandError(f"Answers refused: {error}") from None
        self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))

    def _validate(self, file: str) -> None:
        path = Path(file)
        try:
            spec = load_definition(path.read_bytes(), filename=path.name)
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from None
        except DefinitionError as error:
            raise CommandError(
                "\n".join(f"{error.filename}: {p}" for p in error.problems)
            ) from None
        self.stdout.write(f"{path.name}: valid ({spec.code} version {spec.version}).")
