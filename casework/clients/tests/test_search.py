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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("smi jo", ["Jo Smith"]),  # family, then given
        ("smi joe", ["Jo Smith"]),  # family, then preferred
        ("joe smi", ["Jo Smith"]),  # preferred, then family
        ("jo ad", ["John Adams"]),  # given, then family
        ("john joh", ["John Adams", "Ann Johnson"]),  # both words start the same name
        ("jo jo", ["Jo Smith", "John Adams", "Ann Johnson", "Jon Zed", "Mary Jones"]),
        ("jo zzz", []),
    ],
)
def test_two_words_match_in_any_names(people, cm_health, text, expected):
    assert _names(Client.objects.visible_to(cm_health).search_page(text)) == expected


@pytest.mark.parametrize("text", ["jo", "jo s", "s jo", "jo jo", "a j", "j a", "mary jo", "b y"])
def test_search_page_agrees_with_search_for_any_words(people, cm_health, text):
    visible = Client.objects.visible_to(cm_health)
    found = visible.search_page(text, limit=100)
    assert len({c.pk for c in found}) == len(found), "a client is listed twice"
    assert {c.pk for c in found} == {c.pk for c in visible.search(text)}


def test_two_word_pages_have_no_gaps_or_repeats(people, cm_health):
    visible = Client.objects.visible_to(cm_health)
    everyone = _names(visible.search_page("jo jo", limit=50))
    pages = [_names(visible.search_page("jo jo", offset=o, limit=2)) for o in (0, 2, 4)]
    assert [name for page in pages for name in page] == everyone
