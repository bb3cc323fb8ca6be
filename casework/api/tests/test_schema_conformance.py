"""The schema says what the server does (issue 9): page sizes, If-Match, lists, downloads."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings

from casework.api.pagination import PAGE_SIZE_MAX
from casework.api.tests.helpers import assert_problem
from casework.api.urls import api


def _schema() -> dict[str, Any]:
    """The schema as clients read it (JSON: response codes are strings)."""
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix=""), default=str))


def _parameter(operation: dict[str, Any], name: str) -> dict[str, Any]:
    """The parameter ``name`` of ``operation`` ({} when it has none)."""
    return next((p for p in operation.get("parameters", []) if p["name"] == name), {})


def test_every_list_declares_the_page_size_maximum_the_server_enforces(api_as, cm_health):
    assert PAGE_SIZE_MAX == settings.CASEWORK_API_PAGE_MAX
    lists = [
        (path, ops["get"])
        for path, ops in _schema()["paths"].items()
        if "get" in ops and _parameter(ops["get"], "page_size")
    ]
    assert len(lists) > 5
    for path, operation in lists:
        assert _parameter(operation, "page_size")["schema"]["maximum"] == PAGE_SIZE_MAX, path
    response = api_as(cm_health).get(f"/api/v1/clients?page_size={PAGE_SIZE_MAX + 1}")
    assert assert_problem(response, 422)["errors"][0]["field"] == "page_size"


def test_if_match_is_required_where_a_missing_one_gets_428(api_as, cm_health, client_health):
    operation = _schema()["paths"]["/clients/{client_id}"]["patch"]
    header = _parameter(operation, "If-Match")
    assert header["required"] is True
    assert {"412", "428"} <= set(operation["responses"])
    response = api_as(cm_health).patch(f"/api/v1/clients/{client_health.pk}", {"city": "Troy"})
    assert_problem(response, 428)


def test_an_optional_if_match_stays_optional():
    operation = _schema()["paths"]["/notes/{note_id}/sign"]["post"]
    assert not _parameter(operation, "If-Match").get("required")
    assert "428" not in operation["responses"]


def test_the_staff_list_is_paginated_and_strict(api_as, org_admin, cm_health):
    operation = _schema()["paths"]["/workforce/staff"]["get"]
    assert _parameter(operation, "page_size")
    body = api_as(org_admin).get("/api/v1/workforce/staff?page_size=1").json()
    assert set(body) == {"count", "page", "page_size", "next", "previous", "results"}
    assert len(body["results"]) == 1
    assert body["count"] >= 1
    refused = api_as(org_admin).get("/api/v1/workforce/staff?stauts=active")
    assert assert_problem(refused, 422)["errors"][0]["field"] == "stauts"


def test_the_signed_form_download_declares_its_real_media_types():
    operation = _schema()["paths"]["/consents/{consent_id}/signed-form"]["get"]
    media = set(operation["responses"]["200"]["content"])
    assert media == {"application/pdf", "image/png", "image/jpeg"}
