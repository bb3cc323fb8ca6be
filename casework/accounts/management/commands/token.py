"""``casework token create|revoke``: personal API tokens for automation, from the shell.

``create`` prints only the token on stdout, so a script can capture it
(``TOKEN=$(casework token create --email ops@example.org --read-only)``); everything else,
including errors, goes to stderr. The token belongs to the user named by ``--email`` and
is created as that user would create it in the UI (the same service, the same audit row),
so whoever runs this command must already be trusted with the server's shell.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.accounts import services
from casework.accounts.models import ApiToken, User
from casework.core import context


def _user(email: str) -> User:
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise CommandError(f"No user with the email {email!r}.")
    if not user.is_active:
        raise CommandError(f"The user {user.email} is disabled.")
    return user


def _message(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


class Command(BaseCommand):
    help = (
        "Create or revoke a personal API token. 'create --email E [--read-only] "
        "[--expires-days N] [--name NAME]' prints only the token (shown once, stored hashed). "
        "'revoke --prefix P' revokes the token whose first characters are P."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,revoke}")
        create = actions.add_parser("create", help="Create a token and print it.")
        create.add_argument("--email", required=True, help="The token's owner.")
        create.add_argument("--read-only", action="store_true", help="Refuse writes.")
        create.add_argument("--expires-days", type=int, default=None, help="Expire after N days.")
        create.add_argument("--name", default="command line", help="A label for the token.")
        revoke = actions.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("--prefix", required=True, help="The token's first characters.")

    def handle(self, *args: Any, **options: Any) -> None:
        with context.bind(context.RequestContext(channel="cli")):
            if options["action"] == "create":
                self.create(options)
            else:
                self.revoke(options["prefix"])

    def create(self, options: dict[str, Any]) -> None:
        user = _user(options["email"])
        try:
            _token, raw = services.api_token_create(
                actor=user,
                user=user,
                name=options["name"],
                read_only=options["read_only"],
                expires_days=options["expires_days"],
            )
        except ValidationError as exc:
            raise CommandError(_message(exc)) from None
        self.stdout.write(raw)

    def revoke(self, prefix: str) -> None:
        prefix = prefix.strip()
        if len(prefix) < 6:
            raise CommandError("Give at least the first 6 characters of the token.")
        # Only the first 10 characters are kept; a longer prefix or the whole token also works.
        stored = prefix[:10]
        matches = list(ApiToken.objects.select_related("user").filter(prefix__startswith=stored))
        if not matches:
            raise CommandError(f"No token starts with {prefix!r}.")
        if len(matches) > 1:
            raise CommandError(f"{len(matches)} tokens start with {prefix!r}; give more of it.")
        token = matches[0]
        if token.revoked_at is not None:
            self.stderr.write(f"The token {token.prefix}… was already revoked.")
            return
        services.api_token_revoke(actor=token.user, token=token)
        self.stderr.write(f"Revoked {token.prefix}… ({token.name}) of {token.user.email}.")
