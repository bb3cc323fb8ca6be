"""The consent notice travels with every page a consent recipient sees (42 CFR 2.32).

A case manager of another program reaches the world's client through a consent naming their
program, releasing every category (substance use included, so the Part 2 notice applies).
Each client page of the route inventory is opened as that reader: a page that answers 200
in HTML and shows the client's name must carry the notice and the Part 2 statement; a page
that refuses is fine (the consent opens reading, not the owner's work). Downloads that are
not HTML are listed, so a new one cannot slip in unseen. The signed-in pages without an id
(lists, searches) are opened too: ``LIST_PAGES``, those that name the client to that reader,
is exact, and each carries the notice.
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from tests.security.conftest import FAMILY, World, signed_in
from tests.security.routes import OBJECT_ROUTES, SELF_SCOPED

NOTICE = 'data-testid="disclosure-notice"'
PART2 = "Notice of federal confidentiality rules (42 CFR Part 2)"
# Client data a consent recipient may download that is not a page: a file the client or a
# worker signed or attached, passed on as it is (the page that links it carries the notice).
FILES = {"consent_form_download"}
# Pages without an id that name the client to a consent recipient (the client search).
LIST_PAGES = {"client_list"}


def test_every_client_page_a_consent_recipient_sees_carries_the_notice(
    world: World, recipient: Any
) -> None:
    http = signed_in(recipient)
    shown, refused, files = [], [], []
    for route in OBJECT_ROUTES:
        if "get" not in route.methods:
            continue
        kwargs = route.kwargs(world)
        url = reverse(f"web:{route.name}", kwargs=kwargs)
        response = http.get(url)
        if response.status_code != 200:
            refused.append(route.name)
            continue
        if "text/html" not in response.get("Content-Type", ""):
            files.append(route.name)
            continue
        text = response.content.decode()
        if FAMILY not in text:
            continue
        shown.append(route.name)
        assert NOTICE in text, f"{route.name} shows the client without the consent notice"
        assert PART2 in text, f"{route.name} lacks the Part 2 notice"
        assert text.count(NOTICE) == 1, f"{route.name} shows the notice twice"
    # The test reaches pages (else it could not fail): the client page at least.
    assert "client_detail" in shown, (shown, refused)
    assert set(files) <= FILES, f"downloads without a notice: {sorted(set(files) - FILES)}"


def test_staff_of_the_clients_own_program_see_no_notice(world: World) -> None:
    response = signed_in(world.owner).get(
        reverse("web:client_detail", kwargs={"pk": world.client.pk})
    )
    assert response.status_code == 200
    assert NOTICE not in response.content.decode()


def test_every_list_page_naming_a_shared_client_carries_the_notice(
    world: World, recipient: Any
) -> None:
    http = signed_in(recipient)
    naming = set()
    for name in sorted(SELF_SCOPED):
        try:
            url = reverse(f"web:{name}")
        except NoReverseMatch:  # a route that needs arguments is no list page
            continue
        response = http.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        text = response.content.decode()
        if FAMILY not in text:
            continue
        naming.add(name)
        assert text.count(NOTICE) == 1, f"{name} names the client without the notice once"
        assert PART2 in text, f"{name} lacks the Part 2 notice"
    assert naming == LIST_PAGES
