"""Audit rows read as plain words wherever they are listed, never as model codes."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

import pytest
from django.apps import apps
from django.test import Client as HttpClient

from casework.audit.labels import TARGETS, _model_noun, audit_label, target_words
from casework.audit.models import AuditAction
from casework.audit.services import record

ROOT = Path(__file__).resolve().parents[3]


def _literal_target_types() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "casework").rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "record":
                for kw in node.keywords:
                    if kw.arg == "target_type" and isinstance(kw.value, ast.Constant):
                        found.add(str(kw.value.value))
    return found


def test_every_target_type_in_the_code_has_words() -> None:
    unnamed = sorted(t for t in _literal_target_types() if t not in TARGETS and not _model_noun(t))
    assert not unnamed, f"add these to casework/audit/labels.py TARGETS: {unnamed}"


def test_workforce_model_targets_use_the_model_name_in_words() -> None:
    for model in apps.get_app_config("workforce").get_models():
        words = target_words(f"workforce.{model._meta.model_name}")
        assert words == f"the {model._meta.verbose_name}"
        assert "_" not in words


@pytest.mark.parametrize(
    ("action", "target", "label"),
    [
        ("create", "crisis_event", "Created a crisis event"),
        ("update", "eligibility_screening", "Updated the eligibility screening"),
        ("update", "workforce.competencyreview", "Updated the competency review"),
        ("create", "workforce.supervisedhours", "Created the supervised hours"),
        ("create", "clientaddress", "Created an address"),
        ("list", "client_list", "Listed a list of clients"),
        ("denied", "client_detail", "Permission denied client detail"),
        ("merge", "client", "Merge the client record"),
    ],
)
def test_labels(action: str, target: str, label: str) -> None:
    assert audit_label(action, target) == label


@pytest.mark.django_db
def test_audit_page_api_and_csv_show_the_words(auditor, agency) -> None:
    record(
        actor=auditor,
        action=AuditAction.CREATE,
        target_type="workforce.competencyreview",
        target_id=7,
        organization_id=agency.pk,
    )
    http = HttpClient()
    http.force_login(auditor)
    page = http.get("/audit/?action=create").content.decode()
    assert "Created the competency review" in page
    assert "competencyreview" not in page
    rows = http.get("/api/v1/audit-events?action=create").json()["results"]
    [mine] = [r for r in rows if r["target_type"] == "workforce.competencyreview"]
    assert mine["label"] == "Created the competency review"
    response = http.get("/audit/export.csv?action=create")
    export = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]  # a streamed CSV
    lines = csv.DictReader(io.StringIO(export))
    [row] = [r for r in lines if r["target_type"] == "workforce.competencyreview"]
    assert row["description"] == "Created the competency review"
