"""``casework seed-demo``: load the demo agency, its staff and generated clients."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from casework.accounts.models import Organization
from casework.clients import demo
from casework.core import context


class Command(BaseCommand):
    help = (
        "Load demo data: the agency 'Riverside Community Services' with a program per practice "
        "area, staff in every role (admin@example.org, auditor@example.org, "
        "cm./sup./intake.<area>@example.org, partner@example.org) and N generated clients. "
        "The same seed always gives the same clients. The password is CASEWORK_DEMO_PASSWORD, "
        "or one generated once and kept in var/demo-password. Refuses to load twice; with "
        "--if-empty an existing demo is kept (only the demo passwords are brought in line)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--clients", type=int, default=200, help="How many clients (default 200)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the demo organization already exists.",
        )
        parser.add_argument(
            "--batch-size", type=int, default=demo.BATCH_SIZE, help="Rows per insert batch."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count, seed = options["clients"], options["seed"]
        if count < 0 or options["batch_size"] < 1:
            raise CommandError("--clients must be 0 or more and --batch-size at least 1.")
        password = demo.demo_password()
        with context.bind(context.RequestContext(channel="cli")):
            if Organization.objects.filter(name=demo.DEMO_ORGANIZATION).exists():
                if not options["if_empty"]:
                    raise CommandError(
                        f"{demo.DEMO_ORGANIZATION} already exists; use --if-empty to keep it, "
                        "or start from an empty database."
                    )
                self._ensure_passwords(password)
                self.stdout.write("Demo data already loaded; nothing added.")
            else:
                self._seed(count, seed, password, options["batch_size"])
        self.stdout.write("")
        self.stdout.write(demo.demo_banner(password, demo.demo_url()))

    def _ensure_passwords(self, password: str) -> None:
        try:
            with transaction.atomic():
                changed = demo.ensure_demo_passwords(password)
        except ValidationError as exc:
            raise CommandError(f"The demo password is not acceptable: {exc}") from None
        if changed:
            self.stdout.write(f"Reset the demo password of {len(changed)} accounts.")

    def _seed(self, count: int, seed: int, password: str, batch_size: int) -> None:
        from tqdm import tqdm

        # A bar only where it helps: big loads, on a terminal (tqdm's None = auto-detect).
        with tqdm(
            total=count, unit="client", disable=None if count >= 2000 else True, leave=False
        ) as bar:
            try:
                result = demo.seed_demo(
                    clients=count,
                    seed=seed,
                    password=password,
                    batch_size=batch_size,
                    progress=bar.update,
                )
            except ValidationError as exc:
                raise CommandError(f"Could not create the demo data: {exc}") from None
        # Staff credentials (licences, some expiring soon) for the workforce pages.
        from casework.workforce.demo import seed_workforce

        seed_workforce(result.organization, seed=seed)
        # Eligibility rules, clients without a case manager, hours waiting for a signature.
        from casework.web.demo import seed_everyday_use

        seed_everyday_use(result.organization)
        # A small resource directory whose listings answer through the demo partner.
        from casework.accounts.models import Organization
        from casework.resources.demo import seed_directory

        partner = Organization.objects.filter(name=demo.PARTNER_ORGANIZATION).first()
        if partner is not None:
            seed_directory(partner=partner)
        self.stdout.write(
            f"Loaded {result.organization.name}: {result.clients} clients, "
            f"{result.enrollments} enrollments (seed {seed})."
        )
