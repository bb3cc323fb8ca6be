"""The instrument library: shipped definition files, loaded into ``Instrument`` rows, and the
version in force for an organization.

A shipped file whose version is newer than every published row of its code is inserted by
``load_instruments`` (run after every migrate and by ``casework instruments load``). Old
versions stay: assessments point at the version they were scored with.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Max

from casework.assessments.models import Instrument
from casework.assessments.schema import InstrumentSpec, load_definition, spec_json

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def shipped_definitions() -> tuple[InstrumentSpec, ...]:
    """Every definition in the data directory, validated (parsed once per process)."""
    return tuple(
        load_definition(path.read_text(encoding="utf-8"), filename=path.name)
        for path in sorted(DATA_DIR.glob("*.yaml"))
    )


def _row(spec: InstrumentSpec, **extra: object) -> Instrument:
    return Instrument(
        code=spec.code,
        version=spec.version,
        name=spec.name,
        short_name=spec.short_name,
        categories=list(spec.categories),
        spec=spec_json(spec),
        **extra,
    )


def load_instruments() -> list[Instrument]:
    """Insert each shipped definition newer than the published versions of its code."""
    published = Instrument.objects.filter(organization__isnull=True)
    latest = dict(published.values_list("code").annotate(v=Max("version")))
    created = []
    for spec in shipped_definitions():
        if spec.version <= latest.get(spec.code, 0):
            continue
        try:
            with transaction.atomic():
                row = _row(spec, origin=Instrument.Origin.FILE)
                row.save()
                created.append(row)
        except IntegrityError:  # another process loaded it first
            continue
    return created


# Instrument rows never change (a new definition is a new row), so each process keeps the
# rows it has read, with their parsed definitions, keyed by id and checked against the row's
# creation stamp (an id reused after a rollback is read again). Callers must not change them.
_ROWS: dict[int, Instrument] = {}


def cached_instruments(keys: Iterable[tuple[int, datetime.datetime]]) -> dict[int, Instrument]:
    """The rows with these (id, created_at) keys, read from the database only when this
    process has not seen them yet."""
    keys = list(keys)
    stale = [pk for pk, stamp in keys if pk not in _ROWS or _ROWS[pk].created_at != stamp]
    if stale:
        for row in Instrument.objects.filter(pk__in=stale):
            _ROWS[row.pk] = row
    return {pk: _ROWS[pk] for pk, _ in keys if pk in _ROWS}


def current_instruments(organization_id: int | None) -> dict[str, Instrument]:
    """The version in force of every active instrument, by code: the agency's own newest
    upload where it has one, else the newest published version. Loads the files if empty."""
    rows = list(
        Instrument.objects.for_organization(organization_id)
        .filter(is_active=True)
        .order_by("code", "-version")
        .values_list("pk", "code", "organization_id", "created_at")
    )
    if not rows and not Instrument.objects.exists():
        load_instruments()
        return current_instruments(organization_id)
    found: dict[str, tuple[int, str, int | None, datetime.datetime]] = {}
    for row in rows:  # newest version of each code first
        best = found.get(row[1])
        # An agency's own version beats the published one whatever their numbers.
        if best is None or (best[2] is None and row[2] is not None):
            found[row[1]] = row
    loaded = cached_instruments([(pk, stamp) for pk, _, _, stamp in found.values()])
    chosen = {code: loaded[row[0]] for code, row in found.items() if row[0] in loaded}
    return dict(sorted(chosen.items(), key=lambda kv: kv[1].short_name.lower()))


def current_instrument(code: str, organization_id: int | None) -> Instrument | None:
    return current_instruments(organization_id).get(code)
