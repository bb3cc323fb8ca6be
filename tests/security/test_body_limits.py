"""Oversized bodies get 413 and close the connection (issue 9), on the web and the API."""

from __future__ import annotations

import json

from django.test import Client as HttpClient
from django.test import override_settings

from casework.clients.models import Client
from tests.security.conftest import World, signed_in
from tests.security.test_api_authorization import Api

LIMIT = 2048


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=LIMIT)
def test_an_oversized_api_body_gets_413_and_closes_the_connection(world: World) -> None:
    body = json.dumps({"given_name": "A" * (LIMIT * 2), "family_name": "Oversize"})
    response = Api(world.owner).call("post", "/clients", body)
    assert response.status_code == 413
    assert response["Connection"] == "close"
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "body"
    assert not Client.objects.filter(family_name="Oversize").exists()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=LIMIT)
def test_an_oversized_form_post_gets_413_and_closes_the_connection(world: World) -> None:
    http = signed_in(world.owner)
    response = http.post(f"/clients/{world.client.pk}/edit/", {"given_name": "A" * LIMIT * 2})
    assert response.status_code == 413
    assert response["Connection"] == "close"
    assert "larger than this site accepts" in response.content.decode()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=LIMIT)
def test_a_declared_length_past_the_limit_is_refused_before_reading(world: World) -> None:
    """The Content-Length alone decides: the body is never read (nor parsed)."""
    http = HttpClient()
    response = http.generic(
        "POST",
        "/login/",
        b"username=a",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(LIMIT * 10),
    )
    assert response.status_code == 413
    assert response["Connection"] == "close"


def test_ordinary_bodies_pass(world: World) -> None:
    response = Api(world.owner).call("post", "/clients", json.dumps({"given_name": "x"}))
    assert response.status_code == 422
    assert "Connection" not in response
