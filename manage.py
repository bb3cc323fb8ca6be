#!/usr/bin/env python
"""Django's command-line utility; `casework` (casework/cli.py) is the same with extras."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")
    from casework.cli import run_file_match

    run_file_match(sys.argv)  # `match FILE...` needs no Django set-up
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
