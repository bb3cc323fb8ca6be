"""A case manager's day in the real browser: sign in, add a client, find them, open the record."""

from __future__ import annotations

import random
import re
import string

import pytest
from playwright.sync_api import expect

CASE_MANAGER = "cm.healthcare@example.org"


def unique_family_name() -> str:
    """Letters only, so that name search (which normalizes) finds exactly this client."""
    letters = "".join(random.choices(string.ascii_lowercase, k=8))
    return "Brwsr" + letters


def fill_new_client(visit, given: str, family: str) -> None:
    page = visit.page
    page.get_by_label("Legal first name").fill(given)
    page.get_by_label("Legal last name").fill(family)
    program = page.get_by_label("Program", exact=True)
    if program.count() and program.evaluate("el => el.tagName") == "SELECT":
        values = [v for v in program.evaluate("el => [...el.options].map(o => o.value)") if v]
        program.select_option(values[0])
    visit.shot("client-form-filled")


@pytest.mark.browser
def test_case_manager_creates_finds_and_opens_a_client_and_sees_the_access(visit):
    page = visit.page
    given, family = "Odalys", unique_family_name()
    visit.sign_in(CASE_MANAGER)

    # Create.
    visit.goto("/clients/new/", "client-form")
    fill_new_client(visit, given, family)
    page.get_by_role("button", name="Save client").click()
    page.wait_for_load_state()
    visit.shot("client-saved")
    assert re.search(r"/clients/\d+/$", page.url), f"not on the client page: {page.url}"
    client_url = page.url

    # Find by search.
    visit.goto("/clients/", "client-list")
    rows = page.locator("table tbody tr")
    assert rows.count() > 1, "the case manager's client list should show the demo clients"
    search = page.get_by_label("Search clients")
    search.fill(family)
    search.press("Enter")
    # htmx swaps the results in place (and the form still works without JavaScript).
    expect(rows).to_have_count(1)
    visit.shot("client-search")
    result = rows.get_by_role("link", name=re.compile(family, re.IGNORECASE))
    expect(result).to_have_count(1)

    # Open it.
    result.first.click()
    page.wait_for_load_state()
    visit.shot("client-page")
    assert page.url == client_url

    # The visit just made is listed under "Who accessed this record".
    heading = page.get_by_role("heading", level=2, name="Who accessed this record")
    assert heading.is_visible()
    section = page.locator("section", has=heading)
    viewed = section.get_by_role("row").filter(has_text=CASE_MANAGER).filter(has_text="Viewed")
    assert viewed.count() >= 1, section.inner_text()


@pytest.mark.browser
def test_another_programs_case_manager_gets_not_found_for_the_client(visit):
    """The deny twin, in the browser: same 404 as a client that does not exist."""
    page = visit.page
    visit.sign_in(CASE_MANAGER)
    visit.goto("/clients/new/", "client-form")
    fill_new_client(visit, "Hidden", unique_family_name())
    page.get_by_role("button", name="Save client").click()
    page.wait_for_load_state()
    client_path = re.sub(r"^https?://[^/]+", "", page.url)
    assert re.fullmatch(r"/clients/\d+/", client_path), client_path

    page.context.clear_cookies()
    visit.sign_in("cm.mental_health@example.org")
    hidden = visit.goto(client_path, "hidden-client")
    missing = visit.goto("/clients/999999999/", "missing-client")
    assert hidden.status == missing.status == 404


@pytest.mark.browser
def test_client_search_works_without_javascript(nojs_visit):
    page = nojs_visit.page
    nojs_visit.sign_in(CASE_MANAGER)
    nojs_visit.goto("/clients/", "client-list-no-js")
    rows = page.locator("table tbody tr")
    before = rows.count()
    assert before > 1
    first_name = rows.first.get_by_role("link").first.inner_text()
    family = first_name.split(",")[0].strip()
    page.get_by_label("Search clients").fill(family)
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    nojs_visit.shot("client-search-no-js")
    assert "q=" in page.url
    assert 1 <= rows.count() < before
    for row in rows.all():
        assert family.lower() in row.inner_text().lower()
