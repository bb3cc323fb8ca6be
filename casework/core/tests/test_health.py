"""Load-balancer probes answer over HTTP without sign-in; /readyz reports a dead database."""

from unittest import mock

from django.db import OperationalError, connection


def test_healthz_answers_200_without_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_answers_200_when_the_database_answers(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_readyz_answers_503_when_the_database_is_unreachable(client, db):
    refuse = OperationalError("connection refused")
    with mock.patch.object(connection, "cursor", side_effect=refuse):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_readyz_does_not_leak_the_database_error(client, db):
    secret = OperationalError("password authentication failed for user casework_admin")
    with mock.patch.object(connection, "cursor", side_effect=secret):
        response = client.get("/readyz")
    assert b"casework_admin" not in response.content


def test_probes_refuse_writes(client):
    assert client.post("/healthz").status_code == 405


def test_every_response_carries_a_request_id(client):
    response = client.get("/healthz")
    assert len(response["X-Request-ID"]) >= 8


def test_a_well_formed_request_id_is_echoed(client):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a9c2e-01"})
    assert response["X-Request-ID"] == "lb-7f3a9c2e-01"


def test_a_malformed_request_id_is_replaced(client):
    """Log injection (ASVS 16.4.1): a header with spaces or newlines is not trusted."""
    response = client.get("/healthz", headers={"X-Request-ID": "evil id\r\nx"})
    assert response["X-Request-ID"] != "evil id\r\nx"
    assert response["X-Request-ID"].isalnum()
