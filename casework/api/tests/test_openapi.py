"""The published schema, the interactive docs, and the committed copy of the schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from casework.api.management.commands.export_openapi import schema_json

COMMITTED = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.json"


def test_committed_openapi_matches_the_generated_schema():
    committed = COMMITTED.read_text() if COMMITTED.exists() else ""
    assert committed == schema_json(), (
        "docs/api/openapi.json is out of date with the API: run `make openapi` and commit it."
    )


def test_export_command_prints_sorted_indented_json(capsys):
    call_command("export_openapi")
    printed = capsys.readouterr().out
    schema = json.loads(printed)
    assert printed == json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert schema["info"]["title"] == "Casework API"


def test_schema_is_served_and_documents_auth_and_problems(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"BearerToken", "SessionCsrf"} <= set(schema["components"]["securitySchemes"])
    assert "Problem" in schema["components"]["schemas"]
    for path in ("/api/v1/me", "/api/v1/clients", "/api/v1/clients/{client_id}"):
        assert path in schema["paths"]
    patch = schema["paths"]["/api/v1/clients/{client_id}"]["patch"]
    assert "If-Match" in {p["name"] for p in patch["parameters"]}
    assert "application/problem+json" in patch["responses"]["default"]["content"]


def test_docs_page_uses_only_local_assets(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    external = re.findall(r"""(?:src|href)=["'](https?:)?//[^"']+""", html)
    assert external == [], f"the docs page loads from another host: {external}"
    for banned in ("cdn.", "unpkg", "jsdelivr", "cdnjs"):
        assert banned not in html
    for asset in re.findall(r"""(?:src|href)=["'](/static/[^"']+)""", html):
        assert client.get(asset).status_code == 200, asset
