"""Staff development in the real browser: a competency review from self-rating to locked,
a development goal closed with a linked CE record, and the supervisor's team chart (axe)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest

from .a11y import assert_accessible
from .conftest import Visit

SKILLS = ("advocacy", "organization", "crisis", "documentation", "communication")


def second_visit(browser: Any, visit: Visit, suffix: str) -> tuple[Visit, Any]:
    """Another signed-out browser context on the same server (the other party)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return Visit(page=page, server=visit.server, test_name=f"{visit.test_name}-{suffix}"), context


def assert_fits_390(visit: Visit, label: str) -> None:
    """No sideways scrolling on a phone-sized screen."""
    visit.page.set_viewport_size({"width": 390, "height": 844})
    visit.shot(f"{label}-390")
    width = visit.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{label} is {width} px wide at 390 px"


def rate(visit: Visit, level: str, *, differ: str = "") -> None:
    """Fill the rating form: ``level`` everywhere, ``expert`` for the ``differ`` skill."""
    page = visit.page
    for code in SKILLS:
        page.locator(f"#id_{code}_level").select_option("expert" if code == differ else level)
        page.locator(f"#id_{code}_comment").fill(f"Evidence for {code}.")
    visit.shot(f"rating-{level}")
    page.get_by_role("button", name=re.compile("^Submit")).click()
    page.wait_for_load_state()


def complete_review(
    browser: Any, sup: Visit, staff_email: str, staff_name: str, differ: str = "crisis"
) -> str:
    """The supervisor opens a review; the staff member rates; both rate and sign. Returns
    the review's URL."""
    page = sup.page
    sup.goto("/development/team/", "team-before")
    option = page.locator("#id_staff option", has_text=staff_name).first
    page.get_by_label("Team member", exact=True).select_option(option.get_attribute("value"))
    page.get_by_label("Due on").fill((date.today() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Open the review").click()
    page.wait_for_load_state()
    sup.shot("review-opened")
    url = page.url
    staff, context = second_visit(browser, sup, "staff")
    try:
        staff.sign_in(staff_email)
        staff.page.goto(url)
        staff.shot("self-rating-form")
        assert staff.page.get_by_role("heading", name="Rate yourself").is_visible()
        rate(staff, "proficient", differ=differ)
        page.goto(url)
        sup.shot("supervisor-rating-form")
        rate(sup, "competent")
        staff.page.goto(url)
        staff.page.get_by_role("button", name="Sign the review").click()
        staff.page.wait_for_load_state()
        staff.shot("staff-signed")
    finally:
        context.close()
    page.goto(url)
    page.get_by_role("button", name="Sign the review").click()
    page.wait_for_load_state()
    sup.shot("locked")
    return url


@pytest.mark.browser
def test_a_review_goes_from_self_rating_to_locked(browser, visit):
    visit.sign_in("sup.mental_health@example.org")
    complete_review(browser, visit, "cm.mental_health@example.org", "Case Manager Mental")
    page = visit.page
    assert page.locator("[data-review-status]").get_attribute("data-review-status") == "locked"
    assert page.get_by_text("Signed by both: the review is locked").is_visible()
    # Self "proficient" (crisis "expert") against supervisor "competent": every row differs.
    assert page.locator("tr[data-differs]").count() == 5
    assert page.locator("tr[data-differs] .usa-tag", has_text="Differs").count() == 5
    assert page.get_by_role("button", name="Sign the review").count() == 0
    assert page.get_by_role("button", name=re.compile("^Submit")).count() == 0
    assert_accessible(visit, "locked review")
    assert_fits_390(visit, "locked-review")


@pytest.mark.browser
def test_a_development_goal_is_closed_with_a_linked_ce_record(visit):
    page = visit.page
    visit.sign_in("cm.vocational_rehab@example.org")
    visit.goto("/credentials/add/ce/", "log-ce")
    page.get_by_label("Provider").fill("CRCC")
    page.get_by_label("Course").fill("Motivational interviewing in job placement")
    page.get_by_label("Completed on").fill(date.today().isoformat())
    page.get_by_label("Hours").fill("3")
    page.get_by_label("Category").select_option("clinical")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()

    visit.goto("/development/", "development")
    page.get_by_text("Add a development goal").click()
    page.get_by_label("Skill", exact=True).select_option("communication")
    page.get_by_label("What you will develop").fill("Use motivational interviewing with clients")
    page.get_by_label("By when").fill((date.today() + timedelta(days=60)).isoformat())
    page.get_by_label("How", exact=True).select_option("ce_course")
    visit.shot("goal-filled")
    page.get_by_role("button", name="Add the goal").click()
    page.wait_for_load_state()
    visit.shot("goal-added")
    goal = page.locator("li.cw-goal", has_text="Use motivational interviewing")
    assert goal.get_attribute("data-status") == "open"

    goal.get_by_text("Mark as met").first.click()
    goal.get_by_label("Completed on").fill(date.today().isoformat())
    choice = goal.locator("select option", has_text="Motivational interviewing in job placement")
    goal.get_by_label(re.compile("Completed CE course")).select_option(
        choice.first.get_attribute("value")
    )
    visit.shot("goal-closing")
    goal.get_by_role("button", name="Mark as met").click()
    page.wait_for_load_state()
    visit.shot("goal-met")
    goal = page.locator("li.cw-goal", has_text="Use motivational interviewing")
    assert goal.get_attribute("data-status") == "completed"
    assert (
        "Motivational interviewing in job placement" in goal.locator("[data-evidence]").inner_text()
    )
    evidence = page.locator('tr[data-skill="communication"]').inner_text()
    assert "Goal met on" in evidence
    assert_accessible(visit, "development page")
    assert_fits_390(visit, "development")


@pytest.mark.browser
def test_the_team_chart_shows_skill_by_level_with_a_table(browser, visit):
    visit.sign_in("sup.healthcare@example.org")
    complete_review(
        browser, visit, "cm.healthcare@example.org", "Case Manager Healthcare", differ="advocacy"
    )
    page = visit.page
    visit.goto("/development/team/", "team-chart")
    # Polled from here: the page's CSP forbids wait_for_function's eval.
    drawn = "document.querySelector('#team-chart').width > 0"
    for _ in range(50):
        if page.evaluate(drawn):
            break
        page.wait_for_timeout(100)
    assert page.evaluate(drawn)
    visit.shot("team-chart-drawn")
    competent = page.locator('tr[data-skill="crisis"] td').nth(1)  # developing, competent, ...
    assert competent.inner_text().strip() == "1"
    table = page.locator("[data-team-table]")
    assert table.get_by_role("columnheader", name="Competent").is_visible()
    assert page.get_by_role("img", name=re.compile("Bar chart")).is_visible()
    assert_accessible(visit, "team chart")
    assert_fits_390(visit, "team-chart")
    visit.goto("/development/exams/?exam=CRC", "exam-prep")
    assert visit.page.get_by_role("heading", name=re.compile("CRC")).first.is_visible()
    assert_accessible(visit, "exam preparation")


@pytest.mark.browser
def test_an_org_admin_adds_a_skill_to_the_framework_as_a_new_version(visit):
    page = visit.page
    visit.sign_in("admin@example.org")
    visit.goto("/development/framework/", "framework")
    assert page.get_by_role("heading", name="Competency framework").is_visible()
    new = page.locator('[data-skill-form="new"]')
    new.get_by_label("Skill", exact=True).fill("Trauma-informed practice")
    new.get_by_label("What the skill is").fill("Avoids re-traumatising clients.")
    for level in ("Developing", "Competent", "Proficient"):
        new.get_by_label(level, exact=True).fill(f"{level} trauma-informed practice.")
    page.get_by_role("button", name="Save as a new version").click()
    page.wait_for_load_state()
    visit.shot("framework-missing-level")
    # The missing level is named next to its field and what was typed is kept.
    assert new.locator(".usa-error-message").count() == 1
    assert new.get_by_label("Skill", exact=True).input_value() == "Trauma-informed practice"
    new.get_by_label("Expert", exact=True).fill("Leads trauma-informed practice.")
    page.get_by_role("button", name="Save as a new version").click()
    page.wait_for_load_state()
    visit.shot("framework-saved")
    assert page.get_by_text(re.compile("Saved version \\d+ of the framework")).is_visible()
    assert page.locator('[data-skill-form="trauma_informed_practice"]').count() == 1
    assert page.locator("[data-versions] tbody tr").count() == 2
    assert_accessible(visit, "competency framework")
    assert_fits_390(visit, "framework")
