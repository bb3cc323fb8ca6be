"""X-Request-ID: a caller's id is kept only in a safe character set (issue 9)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "sent",
    ["abcdefgh12\n", "abcdefgh12\r\nX-Evil: 1", "short", "x" * 65, "abc def ghi", "ümlaut-0001"],
)
def test_an_unsafe_request_id_is_replaced(client, db, sent):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=sent)
    echoed = response["X-Request-ID"]
    assert echoed != sent
    assert len(echoed) == 32
    assert echoed.isalnum()


def test_a_safe_request_id_is_kept(client, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="trace-0001.abc_DEF")
    assert response["X-Request-ID"] == "trace-0001.abc_DEF"
