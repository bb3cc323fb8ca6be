"""Print the API's OpenAPI schema as sorted, indented JSON (``make openapi`` commits it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


def schema_json() -> str:
    """The schema exactly as committed in ``docs/api/openapi.json`` (with a final newline)."""
    import json

    from ninja.responses import NinjaJSONEncoder

    from casework.api.urls import api

    # A round trip turns ninja's integer status keys into strings, so the keys can be sorted.
    plain = json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))
    return json.dumps(plain, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = (
        "Print the OpenAPI schema of /api/v1/ as sorted, indented JSON. The committed copy, "
        "docs/api/openapi.json, must match it: run `make openapi` after changing the API."
    )
    # Printing the schema needs no database or template checks; keep stdout clean for `>`.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(schema_json(), ending="")
