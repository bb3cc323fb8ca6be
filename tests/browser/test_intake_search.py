"""Intake search that forgives mistyping, and one way in (issue 10), in the real browser."""

from __future__ import annotations

import random
import re
import string

import pytest

from .a11y import assert_accessible

CASE_MANAGER = "cm.healthcare@example.org"


def _family(stem: str) -> str:
    # A family name no other test or demo record has; typos are made at its end, so its last
    # two letters differ (swapping "xx" would type the same name).
    suffix = random.choices(string.ascii_lowercase, k=5)
    last = random.choice([c for c in string.ascii_lowercase if c != suffix[-1]])
    return stem + "".join(suffix) + last


def _fill_date(page, month: str, day: str, year: str) -> None:
    page.get_by_label("Month").fill(month)
    page.get_by_label("Day").fill(day)
    page.get_by_label("Year").fill(year)


def _choose_program(page) -> None:
    program = page.get_by_label("Program", exact=True)
    if program.count() and program.evaluate("el => el.tagName") == "SELECT":
        values = [v for v in program.evaluate("el => [...el.options].map(o => o.value)") if v]
        program.select_option(values[0])


def add_client(visit, given: str, family: str, born: tuple[str, str, str] | None) -> str:
    page = visit.page
    visit.goto("/clients/new/", "client-form")
    page.get_by_label("Legal first name").fill(given)
    page.get_by_label("Legal last name").fill(family)
    if born:
        _fill_date(page, *born)
    _choose_program(page)
    page.get_by_role("button", name="Save client").click()
    page.wait_for_load_state()
    path = re.sub(r"^https?://[^/]+", "", page.url)
    assert re.fullmatch(r"/clients/\d+/", path), page.locator("main").inner_text()[:500]
    return path


def search(visit, given: str, family: str, label: str) -> str:
    """Search at intake without a date of birth; the text of the matches section."""
    page = visit.page
    visit.goto("/intake/", "intake-search")
    page.get_by_label("First name", exact=True).fill(given)
    page.get_by_label("Last name", exact=True).fill(family)
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    page.locator("#matches-heading").wait_for()
    visit.shot(label)
    return page.locator(".cw-intake-matches").inner_text()


@pytest.mark.browser
def test_intake_search_without_a_date_forgives_typos_nicknames_and_order(visit):
    page = visit.page
    visit.sign_in(CASE_MANAGER)
    becker = _family("Becker")
    barnes = _family("Barnes")
    add_client(visit, "Phyllis", becker, ("4", "2", "1961"))
    add_client(visit, "Bill", barnes, ("9", "30", "1977"))

    for typed, label in (
        (becker[:-1], "one-letter-short"),
        (becker[:-1] + ("a" if becker[-1] != "a" else "b"), "one-letter-wrong"),
        (becker[:-2] + becker[-1] + becker[-2], "two-letters-swapped"),
    ):
        found = search(visit, "Phyllis", typed, label)
        assert f"{becker}, Phyllis" in found, (typed, found)
        assert "last name one letter off" in found
    found = search(visit, "William", barnes, "nickname")
    assert f"{barnes}, Bill" in found
    assert "first name is a known nickname" in found.lower()
    found = search(visit, becker, "Phyllis", "names-swapped")
    assert f"{becker}, Phyllis" in found
    smith = _family("Smith")
    add_client(visit, "Phyllis", smith, ("7", "19", "1990"))
    found = search(visit, "Phyllis", f"{becker}-{smith}", "double-family-name")
    assert f"{becker}, Phyllis" in found
    assert f"{smith}, Phyllis" in found

    # A strong match: "Use this client" is the main action, a new record the second one.
    search(visit, "Phyllis", becker, "strong-match")
    row = page.get_by_role("row").filter(has_text=becker).filter(has_text="Phyllis")
    use = row.get_by_role("link", name=re.compile("Use this client"))
    assert "usa-button--outline" not in (use.get_attribute("class") or "")
    create = page.get_by_role("link", name="None of these: create a new record")
    assert "usa-button--outline" in (create.get_attribute("class") or "")
    assert_accessible(visit, "intake matches")
    page.set_viewport_size({"width": 390, "height": 844})
    visit.shot("strong-match-390")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the matches page is {width} px wide at 390 px"


@pytest.mark.browser
def test_adding_a_client_twice_shows_the_match_and_needs_a_reason(visit):
    page = visit.page
    visit.sign_in(CASE_MANAGER)
    family = _family("Lovelace")
    first = add_client(visit, "Ada", family, ("12", "10", "1985"))

    visit.goto("/clients/new/", "client-form-again")
    page.get_by_label("Legal first name").fill("Ada")
    page.get_by_label("Legal last name").fill(family)
    _fill_date(page, "12", "10", "1985")
    _choose_program(page)
    page.get_by_role("button", name="Save client").click()
    page.wait_for_load_state()
    visit.shot("possible-duplicate")
    main = page.locator("main").inner_text()
    assert "This person may already have a record" in main
    assert "possible duplicate" in main.lower()
    assert_accessible(visit, "possible duplicate")
    use = page.get_by_role("row").filter(has_text=family).get_by_role("link")
    assert use.get_attribute("href") == first

    page.get_by_role("button", name="Create a new record").click()
    page.wait_for_load_state()
    visit.shot("reason-needed")
    assert "Say why this is a new person" in page.locator("main").inner_text()

    page.get_by_label("Why this is a new person").fill("Her cousin, same name and birthday.")
    page.get_by_role("button", name="Create a new record").click()
    page.wait_for_load_state()
    visit.shot("created-anyway")
    second = re.sub(r"^https?://[^/]+", "", page.url)
    assert re.fullmatch(r"/clients/\d+/", second), page.locator("main").inner_text()[:500]
    assert second != first
