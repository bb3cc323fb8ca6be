"""Phones and keyboards (issue 10, WCAG 2.2 AA): at 390 px no main page scrolls sideways,
focus goes to the error summary after a failed submit and to the main heading after
moving to another page, and a supervisor reassigns clients from the "Not assigned" list."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import SCREENSHOTS, Visit

PHONE = {"width": 390, "height": 844}
PEOPLE = (
    "sup.healthcare@example.org",
    "cm.healthcare@example.org",
    "intake.healthcare@example.org",
    "admin@example.org",
)


@pytest.fixture
def phone(browser: Any, live_url: Any, request: pytest.FixtureRequest) -> Iterator[Visit]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    name = re.sub(r"[^A-Za-z0-9_]+", "-", request.node.name)
    try:
        yield Visit(page=page, server=live_url, test_name=name)
    finally:
        context.close()


def _overflow(page: Any) -> dict[str, Any]:
    """How wide the page is, and the widest elements that stick out of the viewport."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const wide = [...document.querySelectorAll('body *')]
              .filter(el => el.getBoundingClientRect().right > width + 1)
              .filter(el => !el.closest(
                '.usa-table-container--scrollable, .cw-scroll, .usa-nav, .usa-overlay'))
              .slice(0, 3)
              .map(el => el.tagName + '.' + el.className + ' '
                   + (el.textContent || '').trim().slice(0, 30));
            return {scroll: document.documentElement.scrollWidth, width, wide};
        }"""
    )


def _main_pages(visit: Visit) -> list[str]:
    """The primary navigation's pages plus the client page and the add-client form."""
    links = visit.page.eval_on_selector_all(
        "nav[aria-label='Primary'] a[href]", "els => els.map(e => e.getAttribute('href'))"
    )
    visit.goto("/clients/", "client list")
    clients = visit.page.eval_on_selector_all(
        "main a[href]", "els => els.map(e => e.getAttribute('href'))"
    )
    pages = [h for h in links if h and h.startswith("/") and "logout" not in h]
    pages += [h for h in clients if re.fullmatch(r"/clients/\\d+/", h or "")][:1]
    pages += ["/clients/new/", "/notifications/", "/credentials/"]
    return list(dict.fromkeys(pages))


@pytest.mark.browser
@pytest.mark.parametrize("email", PEOPLE)
def test_no_main_page_scrolls_sideways_at_390_px(phone: Visit, email: str) -> None:
    phone.sign_in(email)
    too_wide = {}
    pages = _main_pages(phone)
    assert len(pages) >= 5, pages
    for path in pages:
        response = phone.goto(path, path)
        if response is None or response.status != 200:
            continue
        found = _overflow(phone.page)
        if found["scroll"] > found["width"]:
            too_wide[path] = found
    assert too_wide == {}, "\n".join(f"{k}: {v}" for k, v in too_wide.items())


@pytest.mark.browser
def test_focus_moves_to_the_error_summary_after_a_failed_submit(visit: Visit) -> None:
    visit.sign_in("cm.healthcare@example.org")
    visit.goto("/clients/new/", "client form")
    visit.page.get_by_role("button", name="Save client").click()
    visit.page.wait_for_load_state()
    visit.shot("errors")
    focused = visit.page.evaluate("() => document.activeElement.className")
    assert "cw-error-summary" in focused


@pytest.mark.browser
def test_focus_moves_to_the_main_heading_after_navigation(visit: Visit) -> None:
    visit.sign_in("cm.healthcare@example.org")
    visit.page.get_by_role("link", name="Clients", exact=True).first.click()
    visit.page.wait_for_load_state()
    focused = visit.page.evaluate(
        "() => [document.activeElement.tagName, document.activeElement.closest('main') !== null]"
    )
    assert focused == ["H1", True]


@pytest.mark.browser
def test_supervisor_assigns_not_assigned_clients_from_the_dashboard(visit: Visit) -> None:
    visit.sign_in("sup.healthcare@example.org")
    visit.goto("/", "dashboard")
    assign = visit.page.locator("a", has_text="Assign").first
    assert assign.count() == 1, "the demo has no unassigned clients in the supervisor's program"
    assign.click()
    visit.page.wait_for_load_state()
    visit.shot("reassign")
    boxes = visit.page.locator("input[name='enrollments']")
    before = boxes.count()
    assert before >= 1
    visit.page.locator("label.usa-checkbox__label").first.click()  # USWDS hides the box
    select = visit.page.locator("select[name='case_manager']")
    options = select.locator("option").all_inner_texts()
    select.select_option(label=options[1])
    visit.page.get_by_label("Reason").fill("New starter takes these clients")
    visit.page.get_by_role("button", name="Reassign the chosen clients").click()
    visit.page.wait_for_load_state()
    visit.shot("reassigned")
    assert "Reassigned 1 client" in visit.page.content()
    assert visit.page.locator("input[name='enrollments']").count() == before - 1
