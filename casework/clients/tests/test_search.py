"""Name search: prefix ranges, matched-name order, pages, and visibility."""

import pytest

from casework.clients.models import Client


@pytest.fixture
def people(make_client, cm_health, cm_mental_health):
    names = [
        ("Jo", "Smith"),
        ("Ann", "Johnson"),
        ("John", "Adams"),
        ("Jon", "Zed"),
        ("Mary", "Jones"),
        ("Bob", "Young"),
    ]
    made = {f"{g} {f}": make_client(actor=cm_health, given_name=g, family_name=f) for g, f in names}
    make_client("mental_health", actor=cm_mental_health, given_name="Joanna", family_name="Jobs")
    made["Jo Smith"].preferred_name = "Joey"
    made["Jo Smith"].save()
    return made


def _names(rows):
    return [f"{c.given_name} {c.family_name}" for c in rows]


def test_search_page_orders_by_the_matched_name(people, cm_health):
    rows = Client.objects.visible_to(cm_health).search_page("jo")
    # matched keys: jo (given), joey (preferred), john (given), johnson (family), jon (given),
    # jones (family)
    assert _names(rows) == ["Jo Smith", "John Adams", "Ann Johnson", "Jon Zed", "Mary Jones"]


def test_search_page_pages_without_gaps_or_repeats(people, cm_health):
    visible = Client.objects.visible_to(cm_health)
    everyone = _names(visible.search_page("jo", limit=50))
    pages = [_names(visible.search_page("jo", offset=o, limit=2)) for o in (0, 2, 4)]
    assert [name for page in pages for name in page] == everyone


def test_search_page_keeps_visibility(people, cm_health, cm_mental_health):
    assert "Joanna Jobs" not in _names(Client.objects.visible_to(cm_health).search_page("jo"))
    assert _names(Client.objects.visible_to(cm_mental_health).search_page("jo")) == ["Joanna Jobs"]


def test_search_page_matches_every_word(people, cm_health):
    rows = Client.objects.visible_to(cm_health).search_page("jo smi")
    assert _names(rows) == ["Jo Smith"]


def test_search_page_agrees_with_search(people, cm_health):
    visible = Client.objects.visible_to(cm_health)
    assert {c.pk for c in visible.search_page("jo", limit=100)} == {
        c.pk for c in visible.search("jo")
    }
