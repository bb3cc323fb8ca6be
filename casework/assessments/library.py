"""The instrument library: shipped definition files, loaded into ``Instrument`` rows, and the
version in force for an organization.

A shipped file whose version is newer than every published row of its code is inserted by
``load_instruments`` (run after every migrate and by ``casework instruments load``). Old
versions stay: assessments point at the version they were scored with.
"""

from __future__ import annotations

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


def current_instruments(organization_id: int | None) -> dict[str, Instrument]:
    """The version in force of every active instrument, by code: the agency's own newest
    upload where it has one, else the newest published version. Loads the files if empty."""
    rows = list(
        Instrument.objects.for_organization(organization_id)
        .filter(is_active=True)
        .order_by("code", "-version")
    )
    if not rows and not Instrument.objects.exists():
        load_instruments()
        return current_instruments(organization_id)
    found: dict[str, Instrument] = {}
    for row in rows:  # newest version of each code first
        best = found.get(row.code)
        # An agency's own version beats the published one whatever their numbers.
        if best is None or (best.organization_id is None and row.organization_id is not None):
            found[row.code] = row
    return dict(sorted(found.items(), key=lambda kv: kv[1].short_name.lower()))


def current_instrument(code: str, organization_id: int | None) -> Instrument | None:
    return current_instruments(organization_id).get(code)
