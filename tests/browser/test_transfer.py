"""A transfer in the real browser: the case manager hands a client over with the summary,
the receiving supervisor finds it on Today and accepts; then sets the load weights."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import assert_accessible

CASE_MANAGER = "cm.healthcare@example.org"
SUPERVISOR = "sup.healthcare@example.org"

pytestmark = pytest.mark.browser


def test_hand_over_a_client_and_the_receiver_accepts(visit) -> None:
    page = visit.page
    visit.sign_in(CASE_MANAGER)
    visit.goto("/", "my-clients")
    page.locator("table tbody tr").first.get_by_role("link").first.click()
    page.wait_for_load_state()
    client_path = re.sub(r"^https?://[^/]+", "", page.url)
    page.get_by_role("link", name="Hand over to another case manager").click()
    expect(page.get_by_role("heading", name="Hand over to another case manager")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Transfer summary"))).to_be_visible()
    visit.shot("transfer-form")
    assert_accessible(visit, "transfer form")
    receiver = page.get_by_label("Hand over to").locator("option", has_text="Supervisor").first
    page.get_by_label("Hand over to").select_option(receiver.get_attribute("value"))
    page.get_by_label("Why").fill("Moving to the evening team")
    page.get_by_label("What the new case manager should know").fill("Prefers calls after 5.")
    page.get_by_role("button", name="Ask them to take over").click()
    expect(page.get_by_role("heading", name=re.compile("^Transfer to Supervisor"))).to_be_visible()
    expect(page.get_by_text("Waiting for the receiving case manager")).to_be_visible()
    visit.shot("transfer-sent")
    page.context.clear_cookies()

    visit.sign_in(SUPERVISOR)
    visit.goto("/today/?kind=transfer_waiting", "today-transfers")
    item = page.get_by_role("link", name="Read and answer").first
    expect(item).to_be_visible()
    item.click()
    expect(page.get_by_text("Prefers calls after 5.")).to_be_visible()
    assert_accessible(visit, "transfer detail")
    visit.shot("transfer-to-answer")
    page.get_by_role("button", name="Accept and become the case manager").click()
    expect(page.get_by_text("You are now the case manager")).to_be_visible()
    visit.shot("accepted")
    assert client_path.rstrip("/") in page.url.rstrip("/")

    visit.goto("/team/weights/", "load-weights")
    assert_accessible(visit, "load weights")
    page.get_by_label("Each open critical crisis").fill("3")
    page.get_by_role("button", name="Save the weights").click()
    expect(page.get_by_text(re.compile("Load weights of .* saved"))).to_be_visible()
    visit.shot("load-weights-saved")
