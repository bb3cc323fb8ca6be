"""Workforce in the real browser: a staff member logs CE and sees the CCM renewal move;
a visitor, signed out, uses the public career pathway planner."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

STAFF = "cm.social_services@example.org"


def ccm_hours(page) -> float:
    """The CE hours counted toward the CCM renewal, read from the progress bar."""
    bar = page.locator('[data-code="CCM"] progress')
    return float(bar.get_attribute("value"))


def ensure_ccm(visit) -> None:
    """Give the staff member a CCM certification (through the form) unless they hold one."""
    page = visit.page
    if page.locator('.cw-renewal[data-code="CCM"]').count():
        return
    visit.goto("/credentials/add/certification/", "add-certification")
    page.get_by_label("Kind").select_option("CCM")
    today = date.today()
    page.get_by_label("Issued on").fill((today - timedelta(days=400)).isoformat())
    page.get_by_label("Expires on").fill((today + timedelta(days=1400)).isoformat())
    visit.shot("certification-filled")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    visit.shot("certification-saved")


@pytest.mark.browser
def test_staff_logs_ce_hours_and_sees_ccm_renewal_progress_change(visit):
    page = visit.page
    visit.sign_in(STAFF)
    visit.goto("/credentials/", "my-credentials")
    ensure_ccm(visit)
    assert page.get_by_role("heading", name=re.compile("Renewal progress")).is_visible()
    before = ccm_hours(page)

    page.get_by_role("link", name="Log continuing education").click()
    page.wait_for_load_state()
    page.get_by_label("Provider").fill("Case Management Society")
    page.get_by_label("Course").fill("Ethics and the law in case management")
    page.get_by_label("Completed on").fill(date.today().isoformat())
    page.get_by_label("Hours").fill("2.5")
    page.get_by_label("Category").select_option("ethics")
    visit.shot("ce-filled")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    visit.shot("ce-saved")

    assert page.url.endswith("/credentials/")
    assert page.get_by_text("Saved to your record.").is_visible()
    assert ccm_hours(page) == pytest.approx(before + 2.5)
    renewal = page.locator('.cw-renewal[data-code="CCM"]')
    assert f"{before + 2.5:g} of 80 CE hours" in renewal.inner_text()
    assert page.get_by_role("cell", name="Ethics and the law in case management").is_visible()


@pytest.mark.browser
def test_visitor_uses_the_public_pathway_planner(visit):
    page = visit.page
    visit.goto("/pathway/", "pathway-empty")
    assert "/login/" not in page.url
    page.get_by_label("Practice area").select_option("healthcare")
    # USWDS hides the real checkbox off-screen and styles its label: click the label.
    page.locator("label", has_text="Registered Nurse (RN)").click()
    assert page.get_by_label("Registered Nurse (RN)").is_checked()
    page.get_by_label("Months of full-time case management experience").fill("24")
    page.get_by_label("State (two letters)").fill("TX")
    visit.shot("pathway-filled")
    page.get_by_role("button", name="Show my roadmap").click()
    page.wait_for_load_state()
    visit.shot("pathway-roadmap")

    steps = page.locator(".usa-process-list__item")
    assert steps.count() == 5  # the ACM-RN steps are listed apart, as optional
    assert page.locator('[data-step="rn-licence"]').get_attribute("data-status") == "done"
    assert page.locator('[data-step="ccm-exam"]').get_attribute("data-status") == "todo"
    assert "hold an RN licence in TX" in page.locator('[data-step="rn-licence"]').inner_text()
    assert "you appear eligible" in page.locator('li[data-code="CCM"]').inner_text()
    assert page.get_by_role("heading", name="Pay and outlook").is_visible()
    assert page.get_by_role("button", name="Print this roadmap").is_visible()

    page.get_by_label("Months of full-time case management experience").fill("3")
    page.get_by_label("Of those, months supervised by a certified case manager (CCM or CRC)").fill(
        "5"
    )
    page.get_by_role("button", name="Show my roadmap").click()
    page.wait_for_load_state()
    visit.shot("pathway-error")
    assert page.get_by_text("Supervised months are part of the experience months.").is_visible()
