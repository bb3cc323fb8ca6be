"""axe-core finds no serious or critical accessibility violation on the foundation's pages,
and the sign-in page works from the keyboard alone (WCAG 2.2 AA: 2.1.1, 2.4.1, 2.4.7)."""

from __future__ import annotations

import re

import pytest

from .a11y import assert_accessible

CASE_MANAGER = "cm.healthcare@example.org"
AUDITOR = "auditor@example.org"


@pytest.mark.browser
def test_sign_in_page_is_accessible(visit):
    visit.goto("/login/", "sign-in")
    assert_accessible(visit, "sign-in")


@pytest.mark.browser
@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("/", "dashboard"),
        ("/clients/", "client list"),
        ("/clients/new/", "client form"),
        ("/account/tokens/", "API tokens"),
    ],
)
def test_case_manager_pages_are_accessible(visit, path, label):
    visit.sign_in(CASE_MANAGER)
    response = visit.goto(path, label)
    assert response.status == 200
    assert_accessible(visit, label)


@pytest.mark.browser
def test_client_page_is_accessible(visit):
    visit.sign_in(CASE_MANAGER)
    visit.goto("/clients/", "client list")
    hrefs = visit.page.eval_on_selector_all(
        "a[href]", "els => els.map(e => e.getAttribute('href'))"
    )
    client_pages = [h for h in hrefs if re.fullmatch(r"/clients/\d+/", h or "")]
    assert client_pages, "the case manager's client list links to no client page"
    response = visit.goto(client_pages[0], "client page")
    assert response.status == 200
    assert_accessible(visit, "client page")


@pytest.mark.browser
def test_client_form_with_errors_is_accessible(visit):
    """Errors next to fields must be announced and labelled too."""
    visit.sign_in(CASE_MANAGER)
    visit.goto("/clients/new/", "client form")
    visit.page.get_by_role("button", name="Save client").click()
    visit.page.wait_for_load_state()
    visit.shot("client-form-errors")
    assert_accessible(visit, "client form with errors")


@pytest.mark.browser
def test_audit_list_is_accessible_to_the_auditor(visit):
    visit.sign_in(AUDITOR)
    response = visit.goto("/audit/", "audit list")
    assert response.status == 200
    assert_accessible(visit, "audit list")


def focused(page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {
                tag: el.tagName, name: el.getAttribute('name'), type: el.getAttribute('type'),
                text: (el.innerText || el.value || '').trim(), href: el.getAttribute('href'),
                outline: style.outlineStyle, outlineWidth: style.outlineWidth,
                outlineOffset: style.outlineOffset, shadow: style.boxShadow,
                rect: (({left, top, right, bottom}) => ({left, top, right, bottom}))(
                    el.getBoundingClientRect()),
                viewport: {width: window.innerWidth, height: window.innerHeight},
            };
        }"""
    )


def tab_to(page, matches, limit: int = 25) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if matches(element):
            return element
    raise AssertionError(f"Tab never reached the element; last focus: {focused(page)}")


def focus_is_visible(element: dict) -> bool:
    outlined = element["outline"] not in ("none", "") and element["outlineWidth"] != "0px"
    return outlined or element["shadow"] not in ("none", "")


def focus_top_of_page(page) -> None:
    """Start keyboard navigation from the top of the document, as after a page load without
    autofocus (the sign-in page puts focus in the email field, past the skip link)."""
    page.evaluate(
        """() => {
            const body = document.body;
            body.setAttribute('tabindex', '-1');
            body.focus();
            body.removeAttribute('tabindex');
        }"""
    )


@pytest.mark.browser
@pytest.mark.parametrize(("path", "signed_in"), [("/login/", False), ("/clients/", True)])
def test_the_first_tab_reaches_the_skip_link(visit, path, signed_in):
    if signed_in:
        visit.sign_in(CASE_MANAGER)
    visit.goto(path, "page")
    focus_top_of_page(visit.page)
    visit.page.keyboard.press("Tab")
    element = focused(visit.page)
    assert element["tag"] == "A", element
    assert "skip" in element["text"].lower(), element
    assert (element["href"] or "").startswith("#"), element
    assert focus_is_visible(element), f"the skip link's focus is not visible: {element}"
    # Its focus ring is wholly on screen (WCAG 2.2 2.4.11, focus not obscured), once it
    # has slid in (USWDS animates it for 0.15 s).
    visit.page.wait_for_timeout(400)
    element = focused(visit.page)
    visit.shot("first-tab")
    ring = float(element["outlineWidth"].removesuffix("px")) + float(
        element["outlineOffset"].removesuffix("px")
    )
    box, viewport = element["rect"], element["viewport"]
    assert box["left"] - ring >= 0, element
    assert box["top"] - ring >= 0, element
    assert box["right"] + ring <= viewport["width"], element

    # Following it moves focus to the main content.
    visit.page.keyboard.press("Enter")
    target = visit.page.evaluate("() => document.activeElement.id || location.hash")
    assert target.lstrip("#") == element["href"].lstrip("#"), target


@pytest.mark.browser
def test_sign_in_works_from_the_keyboard_alone(visit):
    page = visit.page
    visit.goto("/login/", "sign-in")

    email = tab_to(page, lambda e: e["tag"] == "INPUT" and e["name"] == "username")
    assert focus_is_visible(email), f"no visible focus on the email field: {email}"
    page.keyboard.type(CASE_MANAGER)
    password = tab_to(page, lambda e: e["tag"] == "INPUT" and e["type"] == "password")
    assert focus_is_visible(password), f"no visible focus on the password field: {password}"
    page.keyboard.type(visit.server.password)
    button = tab_to(page, lambda e: e["tag"] == "BUTTON" or e["type"] == "submit")
    assert "sign in" in button["text"].lower(), button
    assert focus_is_visible(button), f"no visible focus on the sign-in button: {button}"
    visit.shot("keyboard-filled")

    with page.expect_navigation():
        page.keyboard.press("Enter")
    visit.shot("keyboard-signed-in")
    assert "/login/" not in page.url, page.url
