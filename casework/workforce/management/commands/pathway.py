"""``casework pathway --area healthcare --degree BSN --licence RN --experience-months 14
--supervised-months 14 --state TX [--exam CCM] [--json]``: the career pathway roadmap on the
command line.

The same answer as ``GET /api/v1/pathway`` and the public /pathway/ page. --degree and
--licence repeat (or take comma-separated codes); certifications (CCM, CRC) go in --licence,
exams passed (ASWB-MASTERS, NCLEX-RN, CCM...) in --exam.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.workforce.pathway import months_text, parse_answers, plan

# Answer fields whose option is named differently (repeated options are singular).
OPTION = {"degrees": "degree", "licences": "licence", "exams": "exam"}


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", required=True)
        parser.add_argument("--degree", action="append", default=[])
        parser.add_argument("--licence", "--license", action="append", default=[])
        parser.add_argument("--experience-months", type=int, default=0)
        parser.add_argument("--supervised-months", type=int, default=0)
        parser.add_argument("--state", default="")
        parser.add_argument("--exam", action="append", default=[])
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            answers = parse_answers(
                area=options["area"],
                degrees=",".join(options["degree"]),
                licences=",".join(options["licence"]),
                experience_months=options["experience_months"],
                supervised_months=options["supervised_months"],
                state=options["state"],
                exams=",".join(options["exam"]),
            )
        except ValidationError as exc:
            messages = [
                f"--{OPTION.get(k, k.replace('_', '-'))}: {' '.join(v)}"
                for k, v in exc.message_dict.items()
            ]
            raise CommandError("; ".join(messages)) from None
        result = plan(answers).as_dict()
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
            return
        for number, step in enumerate(result["steps"], start=1):
            mark = "done" if step["status"] == "done" else months_text(step["estimate_months"])
            self.stdout.write(f"{number}. [{mark}] {step['title']}")
            self.stdout.write(f"   {step['requirement']} ({step['source']})")
        self.stdout.write("")
        for cred in result["credentials"]:
            verdict = (
                "eligible"
                if cred["eligible"]
                else "; ".join(cred["missing"] or cred["cannot_tell"])
            )
            self.stdout.write(f"{cred['code']}: {verdict}")
