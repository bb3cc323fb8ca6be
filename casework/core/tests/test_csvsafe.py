"""CSV exports neutralise formulas in every non-empty cell; empty stays empty (issue 9)."""

from __future__ import annotations

import pytest

from casework.core.csvsafe import safe_cell, safe_mapping, safe_row


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_formula_start_is_neutralised(start):
    assert safe_cell(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"


def test_empty_and_plain_cells_are_unchanged():
    assert safe_row(["", None, "Ada", 5, "a=b"]) == ["", "", "Ada", "5", "a=b"]
    assert safe_mapping({"a": "", "b": "-1"}) == {"a": "", "b": "'-1"}


def test_the_audit_export_neutralises_every_column(client, org_admin, db):
    client.force_login(org_admin)
    client.get("/audit/", HTTP_USER_AGENT="=cmd|' /C calc'!A0", HTTP_X_REQUEST_ID="-abcdefgh12")
    body = b"".join(client.get("/audit/export.csv").streaming_content).decode()
    assert "'=cmd" in body
    assert ",'-abcdefgh12," in body
    assert ",=" not in body
    assert ",-abcdefgh12" not in body
