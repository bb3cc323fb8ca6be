"""``casework directory-demo``: a small fictional directory around Albany, NY."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.accounts.models import Organization
from casework.resources.demo import seed_directory


class Command(BaseCommand):
    help = (
        "Create (or refresh) a small fictional resource directory around Albany, NY "
        "(ZIP 12207). --partner names the Casework partner organization that answers "
        "referrals for its listings (default: Harbor Food Bank, the demo partner)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partner", default="Harbor Food Bank")

    def handle(self, *args: Any, **options: Any) -> None:
        partner = Organization.objects.filter(name=options["partner"]).first()
        if partner is None:
            raise CommandError(f"No organization named {options['partner']!r}.")
        count = seed_directory(partner=partner)
        self.stdout.write(f"{count} demo services listed; referrals go to {partner}.")
