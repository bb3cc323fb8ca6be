"""Staff-record reads and the compliance export are recorded by the gate and the service,
the one audit path; the workforce page and API modules write no audit rows themselves."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.test import Client as HttpClient

from casework.accounts.models import User
from casework.audit.models import AuditEvent
from casework.workforce.tests.conftest import add_licence

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def _record_calls(relative: str) -> list[int]:
    tree = ast.parse((ROOT / relative).read_text())
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "record"
    ]


@pytest.mark.parametrize("module", ["casework/web/views/workforce.py", "casework/api/workforce.py"])
def test_workforce_views_write_no_audit_rows_themselves(module: str) -> None:
    assert _record_calls(module) == []


def login(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def test_each_staff_record_read_is_recorded_once(cm_health: User, sup_health: User) -> None:
    add_licence(cm_health)
    http = login(sup_health)
    assert http.get(f"/credentials/staff/{cm_health.pk}/").status_code == 200
    assert http.get(f"/api/v1/workforce/staff/{cm_health.pk}").status_code == 200
    rows = AuditEvent.objects.filter(target_type="workforce.staff_record", actor=sup_health)
    assert list(rows.values_list("action", "target_id")) == [("view", str(cm_health.pk))] * 2


def test_compliance_download_is_recorded_once_as_an_export(sup_health: User) -> None:
    assert login(sup_health).get("/credentials/compliance.csv").status_code == 200
    [row] = AuditEvent.objects.filter(target_type="workforce.compliance")
    assert row.action == "export"
    assert row.actor == sup_health
