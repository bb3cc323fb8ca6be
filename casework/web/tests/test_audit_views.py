"""The audit trail pages: who may read them, filters, CSV export, and that reading is audited."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from casework.audit.models import AuditAction, AuditEvent
from casework.web.tests.helpers import signed_in, text

pytestmark = pytest.mark.django_db


def test_auditor_sees_the_audit_trail_and_the_reading_is_audited(client, auditor, client_health):
    response = signed_in(client, auditor).get(reverse("web:audit_list"))
    assert response.status_code == 200
    assert "cm.healthcare@example.org" in text(response)
    assert AuditEvent.objects.filter(
        actor=auditor, action=AuditAction.LIST, target_type="audit_trail"
    ).exists()


def test_org_admin_sees_the_audit_trail(client, org_admin, client_health):
    assert signed_in(client, org_admin).get(reverse("web:audit_list")).status_code == 200


def test_case_manager_cannot_see_the_audit_trail(client, cm_health, client_health):
    signed_in(client, cm_health)
    assert client.get(reverse("web:audit_list")).status_code == 403
    assert client.get(reverse("web:audit_export")).status_code == 403


def test_audit_menu_item_only_for_auditors(client, cm_health, auditor):
    assert 'href="/audit/"' not in text(signed_in(client, cm_health).get("/"))
    client.logout()
    assert 'href="/audit/"' in text(signed_in(client, auditor).get("/"))


def test_other_agency_admin_sees_none_of_the_agency_rows(client, other_agency_admin, client_health):
    response = signed_in(client, other_agency_admin).get(
        reverse("web:audit_list"), {"client": client_health.pk}
    )
    assert response.status_code == 200
    assert "No audit events match" in text(response)


def test_filter_by_client_and_action(client, auditor, cm_health, client_health, make_client):
    other = make_client("healthcare", actor=cm_health, given_name="Other", family_name="Person")
    signed_in(client, auditor)
    response = client.get(
        reverse("web:audit_list"), {"client": client_health.pk, "action": AuditAction.CREATE}
    )
    page = response.context["page"]
    assert page.items
    assert {e.client_id for e in page.items} == {client_health.pk}
    assert {e.action for e in page.items} == {AuditAction.CREATE}
    assert other.pk not in {e.client_id for e in page.items}


def test_bad_filter_shows_the_error_next_to_the_field(client, auditor):
    response = signed_in(client, auditor).get(
        reverse("web:audit_list"), {"date_from": "2025-05-02", "date_to": "2025-05-01"}
    )
    assert 'id="id_date_to-error"' in text(response)


def test_csv_export_is_filtered_by_client_and_audited(
    client, auditor, cm_health, client_health, make_client
):
    other = make_client("healthcare", actor=cm_health, given_name="Other", family_name="Person")
    signed_in(client, auditor)
    client.get(reverse("web:client_detail", args=[client_health.pk]))
    response = client.get(reverse("web:audit_export"), {"client": client_health.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows
    assert {row["client_id"] for row in rows} == {str(client_health.pk)}
    assert str(other.pk) not in {row["client_id"] for row in rows}
    assert any(row["action"] == AuditAction.VIEW and row["actor"] == auditor.email for row in rows)
    export = AuditEvent.objects.get(action=AuditAction.EXPORT, actor=auditor)
    assert export.details["filters"] == {"client": str(client_health.pk)}


def test_csv_cells_cannot_start_a_formula(client, auditor, agency):
    from casework.audit.services import record

    record(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        target_type="user",
        organization_id=agency.pk,
        actor_label="=HYPERLINK(1)",
    )
    signed_in(client, auditor)
    body = b"".join(client.get(reverse("web:audit_export")).streaming_content).decode()
    assert "'=HYPERLINK(1)" in body
    assert ",=HYPERLINK" not in body
