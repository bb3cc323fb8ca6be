"""Optimistic concurrency: of two writers holding the same version, exactly one wins."""

import pytest

from casework.core.concurrency import parse_etag, save_versioned
from casework.core.exceptions import StaleVersion


def reload(instance):
    return type(instance)._default_manager.get(pk=instance.pk)


def test_of_two_writers_with_the_same_version_exactly_one_wins(client_health):
    first, second = reload(client_health), reload(client_health)
    assert first.version == second.version == 1

    first.phone = "555-0111"
    save_versioned(first, expected_version=1, fields=["phone"])
    second.phone = "555-0222"
    with pytest.raises(StaleVersion) as stale:
        save_versioned(second, expected_version=1, fields=["phone"])

    stored = reload(client_health)
    assert stored.phone == "555-0111"
    assert stored.version == 2
    assert first.version == 2
    assert stale.value.current_version == 2


def test_the_loser_can_retry_with_the_current_version(client_health):
    first, second = reload(client_health), reload(client_health)
    save_versioned(first, expected_version=1, fields=["phone"])
    second.phone = "555-0333"
    save_versioned(second, expected_version=2, fields=["phone"])
    assert reload(client_health).phone == "555-0333"
    assert reload(client_health).version == 3


def test_a_stale_write_changes_nothing_else(client_health):
    before = reload(client_health)
    stale = reload(client_health)
    stale.city = "Elsewhere"
    with pytest.raises(StaleVersion):
        save_versioned(stale, expected_version=7, fields=["city"])
    after = reload(client_health)
    assert (after.city, after.version, after.updated_at) == (
        before.city,
        before.version,
        before.updated_at,
    )


def test_the_etag_is_the_quoted_version(client_health):
    assert client_health.etag == '"1"'


@pytest.mark.parametrize(
    ("header", "version"),
    [
        ('"3"', 3),
        ('W/"3"', -1),
        ("3", 3),
        ('"' + "9" * 40 + '"', -1),
        ("", None),
        (None, None),
        ('"abc"', -1),
        ("*", -1),
    ],
)
def test_parse_etag_reads_if_match_values(header, version):
    """A value that is present but not a version (-1) never matches a row, so it gets 412."""
    assert parse_etag(header) == version
