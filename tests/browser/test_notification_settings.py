"""Notifications people expect (issue 10): the supervisor's "Waiting for you" panel on the
start page, and the per-kind choice of in-app only or in-app and email."""

from __future__ import annotations

import pytest

from .a11y import assert_accessible
from .conftest import Visit


@pytest.mark.browser
def test_supervisor_sees_what_waits_and_follows_a_link(visit: Visit) -> None:
    visit.sign_in("sup.healthcare@example.org")
    visit.goto("/", "dashboard")
    panel = visit.page.locator("section", has=visit.page.locator("#waiting-for-you"))
    assert panel.count() == 1
    text = panel.inner_text()
    assert "no case manager" in text, text
    assert_accessible(visit, "dashboard with the waiting panel")
    panel.get_by_role("link").first.click()
    visit.page.wait_for_load_state()
    visit.shot("followed")
    assert visit.page.locator("h1").count() == 1


@pytest.mark.browser
def test_choosing_in_app_only_for_one_kind_is_saved(visit: Visit) -> None:
    visit.sign_in("cm.healthcare@example.org")
    visit.goto("/notifications/", "notifications")
    visit.page.get_by_role("link", name="Notification settings").click()
    visit.page.wait_for_load_state()
    visit.shot("settings")
    assert_accessible(visit, "notification settings")
    group = visit.page.get_by_role("group", name="Credentials expiring")
    group.locator("label", has_text="In the app only").click()  # USWDS hides the radio
    visit.page.get_by_role("button", name="Save settings").click()
    visit.page.wait_for_load_state()
    visit.shot("saved")
    assert "Saved 1 change." in visit.page.content()
    checked = visit.page.get_by_role("group", name="Credentials expiring").locator("input:checked")
    assert checked.get_attribute("value") == "app"
