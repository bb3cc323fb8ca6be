"""The ``casework`` console script: Django's management commands under one name.

``casework serve``, ``casework seed-demo``, ``casework token create`` and the rest are
management commands; dashes in a command name are accepted for underscores. ``casework
match FILE...`` runs without setting Django up (casework/clients/matching/cli.py).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    run_file_match(args)
    from django.core.management import execute_from_command_line

    args[0] = "casework"
    execute_from_command_line(args)


def run_file_match(args: list[str]) -> None:
    """Exit with `match`'s status if ``args`` ask it to match files (no Django needed)."""
    if len(args) > 2 and args[1] == "match":
        from casework.clients.matching import cli

        if cli.file_run_requested(args[2:]):
            sys.exit(cli.main(args[2:], prog=f"{os.path.basename(args[0])} match"))


if __name__ == "__main__":
    main()
