"""Service search: category, typo-tolerant keywords, age, language, open at a time (with
holidays), distance from a ZIP code; ranking."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from casework.resources.search import Query, search, zip_point

NY = ZoneInfo("America/New_York")
WEDNESDAY_11 = datetime.datetime(2026, 12, 9, 11, 0, tzinfo=NY)
SATURDAY_11 = datetime.datetime(2026, 12, 12, 11, 0, tzinfo=NY)
CHRISTMAS_11 = datetime.datetime(2026, 12, 25, 11, 0, tzinfo=NY)  # a Friday


def _names(query: Query, now: datetime.datetime | None = None) -> list[str]:
    return [hit.service.name for hit in search(query, now=now)]


def test_category_finds_the_need_s_services(directory) -> None:
    assert set(_names(Query(category="housing-instability"))) == {
        "Emergency rent assistance", "Youth housing navigator", "Buffalo housing help",
    }  # fmt: skip


def test_distance_from_a_zip_code_keeps_the_near_ones_and_shows_km(directory) -> None:
    hits = search(Query(category="housing-instability", near=zip_point("12207"), radius_km=5))
    assert {h.service.name for h in hits} == {
        "Emergency rent assistance",
        "Youth housing navigator",
    }
    assert all(h.distance_km is not None for h in hits)
    assert all((h.distance_km or 99) < 5 for h in hits)
    assert hits[0].address.startswith(("1 State St", "3 Lark St"))


def test_open_now_uses_the_weekly_hours(directory) -> None:
    assert set(_names(Query(category="housing-instability", when=WEDNESDAY_11))) == {
        "Emergency rent assistance", "Buffalo housing help",
    }  # fmt: skip
    assert _names(Query(when=SATURDAY_11)) == ["Saturday food pantry"]


def test_services_are_closed_on_public_holidays(directory) -> None:
    assert _names(Query(when=CHRISTMAS_11)) == []
    hit = search(Query(category="food-insecurity"), now=CHRISTMAS_11)[0]
    assert hit.today == "Closed (Christmas Day)"


def test_age_is_checked_against_eligibility(directory) -> None:
    assert "Youth housing navigator" not in _names(Query(category="housing-instability", age=40))
    hits = search(Query(category="housing-instability", age=19))
    youth = next(h for h in hits if h.service.name == "Youth housing navigator")
    assert youth.fits_age is True
    assert youth.eligibility.startswith("Ages 12\u201324")


def test_keywords_tolerate_typos(directory) -> None:
    assert "Emergency rent assistance" in _names(Query(keywords="emergncy rnet"))
    assert "Saturday food pantry" not in _names(Query(keywords="emergncy rnet"))


def test_language_filter(directory) -> None:
    assert _names(Query(language="es")) == ["Emergency rent assistance"]


def test_nearer_and_open_rank_first(directory) -> None:
    hits = search(
        Query(category="housing-instability", near=zip_point("12207"), radius_km=500),
        now=WEDNESDAY_11,
    )
    assert hits[-1].service.name == "Buffalo housing help"


def test_unknown_zip_codes_give_no_point() -> None:
    assert zip_point("00000") is None
    assert zip_point("abc") is None


def test_a_radius_search_reads_the_category_only_for_services_in_the_box(directory) -> None:
    """PostgreSQL planned the category as a subquery into a nested loop over every service of
    the category (223 ms p95 at 20,000 services); the box's services come first now."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        hits = search(Query(category="housing-instability", near=zip_point("12207"), radius_km=5))
    assert {h.service.name for h in hits} == {
        "Emergency rent assistance",
        "Youth housing navigator",
    }
    attribute_reads = [q["sql"] for q in queries if "resources_attribute" in q["sql"]]
    assert len(attribute_reads) == 1
    assert '"link_id" IN (' in attribute_reads[0]
    assert "SELECT" not in attribute_reads[0].split("FROM", 1)[1]  # no subquery
