"""The ``casework`` console script: Django's management commands under one name.

``casework serve``, ``casework seed-demo``, ``casework token create`` and the rest are
management commands; dashes in a command name are accepted for underscores.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    args[0] = "casework"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
