"""Realistic demo data: one agency, its staff, and any number of generated clients.

``casework seed-demo`` loads a small agency for people to click through; the benchmarks
use the same generator for 100,000 to 1,000,000 clients. Everything is decided by a
random generator seeded with ``seed``, so one seed always gives the same people.

Staff, organizations and programs go through the ``accounts`` services (audited one by
one); clients and enrollments are bulk-inserted in batches with one summary audit row,
because a million audited ``client_create`` calls would take hours and say nothing the
summary does not.
"""

from __future__ import annotations

import bisect
import itertools
import math
import os
import random
import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from casework.accounts import services as accounts
from casework.accounts.models import Membership, Organization, PracticeArea, Program, Role, User
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.clients.models import Client, Enrollment, EnrollmentStatus, Sex, normalize_name
from casework.clients.models.client import search_keys
from casework.core.env import env_str

DEMO_ORGANIZATION = "Riverside Community Services"
DEMO_STATE = "NY"
PARTNER_ORGANIZATION = "Harbor Food Bank"
STAFF_DOMAIN = "riverside.example.org"
PROGRAM_NAMES = {
    PracticeArea.HEALTHCARE.value: "Care Transitions",
    PracticeArea.MENTAL_HEALTH.value: "Community Mental Health",
    PracticeArea.SOCIAL_SERVICES.value: "Housing Stability",
    PracticeArea.VOCATIONAL_REHAB.value: "Vocational Rehabilitation",
}
AREAS = tuple(PROGRAM_NAMES)
# Share of clients whose first enrollment is in each program (same order as AREAS).
PROGRAM_SHARES = (0.30, 0.25, 0.25, 0.20)
MULTI_PROGRAM_SHARE = 0.10
CLOSED_SHARE = 0.12
# The named case manager of each program carries exactly this many open clients once the
# program is big enough (the benchmarks time "my clients" for a caseload of 80); the others
# share the rest at about EXTRA_CASELOAD each, so caseloads look like an agency's (30-80).
NAMED_CASELOAD = 80
EXTRA_CASELOAD = 60
BATCH_SIZE = 5000
PASSWORD_FILE = "demo-password"  # noqa: S105 - a file name, not a password


# --- Accounts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    """A demo sign-in that people and scripts can rely on."""

    email: str
    full_name: str
    role: str
    area: str = ""  # the program's practice area, for program roles

    @property
    def where(self) -> str:
        if self.role == Role.PARTNER:
            return PARTNER_ORGANIZATION
        return PROGRAM_NAMES[self.area] if self.area else DEMO_ORGANIZATION


_AREA_WORDS = {
    "healthcare": "Healthcare",
    "mental_health": "Mental Health",
    "social_services": "Social Services",
    "vocational_rehab": "Vocational Rehab",
}


def demo_accounts() -> list[DemoAccount]:
    """The fixed demo accounts, in the order the banner lists them."""
    found = [
        DemoAccount("admin@example.org", "Ada Okafor", Role.ORG_ADMIN),
        DemoAccount("auditor@example.org", "Martin Keane", Role.AUDITOR),
    ]
    for area in AREAS:
        words = _AREA_WORDS[area]
        found += [
            DemoAccount(f"cm.{area}@example.org", f"Case Manager {words}", Role.CASE_MANAGER, area),
            DemoAccount(f"sup.{area}@example.org", f"Supervisor {words}", Role.SUPERVISOR, area),
            DemoAccount(
                f"intake.{area}@example.org", f"Intake Worker {words}", Role.INTAKE_WORKER, area
            ),
        ]
    found.append(DemoAccount("partner@example.org", "Paula Reyes", Role.PARTNER))
    return found


def demo_password(var_dir: Path | None = None) -> str:
    """``CASEWORK_DEMO_PASSWORD``, else one generated on first use and kept in ``var/``.

    The password is never committed: each installation makes its own, readable only by
    its owner (mode 600), and later runs reuse it so the printed banner stays true.
    """
    given = env_str("DEMO_PASSWORD").strip()
    if given:
        return given
    path = Path(var_dir or settings.VAR_DIR) / PASSWORD_FILE
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    password = "demo-" + secrets.token_urlsafe(12)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(password + "\n")
    return password


def demo_url(port: int | None = None) -> str:
    from casework.core.env import env_int

    return f"http://127.0.0.1:{port or env_int('PORT', 8000, minimum=1)}"


def demo_banner(password: str, url: str) -> str:
    """The text printed after seeding and before ``serve --demo``: who can sign in, where."""
    width = max(len(a.email) for a in demo_accounts())
    lines = [f"Casework demo: {url}", f"Password for every demo account: {password}", ""]
    for account in demo_accounts():
        role = Role(account.role).label
        lines.append(f"  {account.email:<{width}}  {role:<20} {account.where}")
    return "\n".join(lines)


# --- People ------------------------------------------------------------------------------


class _Weighted:
    """Weighted sampling from a fixed list, by bisecting cumulative weights (fast for 1M)."""

    def __init__(self, weights: dict[str, float]) -> None:
        self.items = list(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> str:
        return self.items[bisect.bisect(self.cumulative, rng.random() * self.total)]


def _faker_lists() -> tuple[_Weighted, _Weighted, _Weighted, _Weighted]:
    from faker.providers.person.en_US import Provider

    return (
        _Weighted(Provider.first_names_female),
        _Weighted(Provider.first_names_male),
        _Weighted({**Provider.first_names_female, **Provider.first_names_male}),
        _Weighted(Provider.last_names),
    )


NICKNAMES = {
    "William": "Bill",
    "Robert": "Bob",
    "Richard": "Rick",
    "James": "Jim",
    "Michael": "Mike",
    "Joseph": "Joe",
    "Thomas": "Tom",
    "Christopher": "Chris",
    "Daniel": "Dan",
    "Anthony": "Tony",
    "Elizabeth": "Liz",
    "Jennifer": "Jen",
    "Margaret": "Peggy",
    "Katherine": "Kate",
    "Patricia": "Trish",
    "Rebecca": "Becky",
    "Samantha": "Sam",
    "Alexandra": "Alex",
    "Victoria": "Tori",
    "Deborah": "Debbie",
}
STREETS = (
    "Main", "Oak", "Pine", "Maple", "Cedar", "Elm", "Washington", "Lake", "Hill", "Park",
    "Church", "River", "State", "Union", "Broad", "Central", "Madison", "Lincoln", "Jefferson",
    "Franklin", "Highland", "Spring", "Chestnut", "Walnut", "Genesee", "Hudson", "Erie",
    "Delaware", "Mohawk", "Ontario", "Clinton", "Columbia", "Academy", "Prospect", "Division",
)  # fmt: skip
STREET_SUFFIXES = ("St", "Ave", "Rd", "Dr", "Ln", "Pl", "Ct", "Blvd", "Way", "Ter")
# (city, first ZIP, last ZIP, telephone area code): real New York places and their ranges.
NY_PLACES = (
    ("Albany", 12202, 12210, "518"), ("Troy", 12180, 12182, "518"),
    ("Schenectady", 12303, 12309, "518"), ("Saratoga Springs", 12866, 12866, "518"),
    ("Glens Falls", 12801, 12804, "518"), ("Plattsburgh", 12901, 12903, "518"),
    ("Rochester", 14604, 14626, "585"), ("Syracuse", 13202, 13224, "315"),
    ("Utica", 13501, 13502, "315"), ("Watertown", 13601, 13601, "315"),
    ("Oswego", 13126, 13126, "315"), ("Buffalo", 14201, 14226, "716"),
    ("Niagara Falls", 14301, 14305, "716"), ("Binghamton", 13901, 13905, "607"),
    ("Ithaca", 14850, 14850, "607"), ("Elmira", 14901, 14905, "607"),
    ("Poughkeepsie", 12601, 12603, "845"), ("Kingston", 12401, 12401, "845"),
    ("Newburgh", 12550, 12550, "845"), ("Yonkers", 10701, 10710, "914"),
    ("White Plains", 10601, 10607, "914"), ("Bronx", 10451, 10475, "718"),
    ("Brooklyn", 11201, 11239, "718"), ("Riverhead", 11901, 11901, "631"),
)  # fmt: skip
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
REFERENCE_DAY = date(2026, 1, 1)


def _ascii(text: str) -> str:
    return normalize_name(text).replace(" ", "")


class PersonGenerator:
    """Deterministic, realistic people: ``PersonGenerator(seed).person()`` gives Client fields.

    Names are sampled with the US Census frequencies of Faker's ``en_US`` lists, using one
    ``random.Random(seed)``; calling Faker per record would be about 50 times slower.
    """

    def __init__(self, seed: int, *, today: date | None = None) -> None:
        self.rng = random.Random(seed)
        self.female, self.male, self.anyone, self.family = _faker_lists()
        # A fixed reference day keeps ages the same from one day to the next for a seed.
        self.today = today or min(REFERENCE_DAY, timezone.localdate())

    def _sex(self) -> int:
        roll = self.rng.random()
        if roll < 0.49:
            return Sex.FEMALE
        if roll < 0.97:
            return Sex.MALE
        return self.rng.choice((Sex.DOES_NOT_KNOW, Sex.PREFERS_NOT, Sex.NOT_COLLECTED))

    def _given(self, sex: int) -> str:
        pool = self.female if sex == Sex.FEMALE else self.male if sex == Sex.MALE else self.anyone
        return pool.pick(self.rng)

    def _date_of_birth(self) -> date | None:
        rng = self.rng
        if rng.random() < 0.02:
            return None  # not collected, as in real intake data
        years = rng.uniform(0, 18) if rng.random() < 0.08 else rng.triangular(18, 92, 38)
        return self.today - timedelta(days=int(years * 365.25) + 1)

    def _address(self, place: tuple[str, int, int, str]) -> dict[str, str]:
        rng = self.rng
        city, low, high, _area_code = place
        street = f"{rng.randint(1, 9999)} {rng.choice(STREETS)} {rng.choice(STREET_SUFFIXES)}"
        line2 = f"Apt {rng.randint(1, 20)}{rng.choice('ABCDEF')}" if rng.random() < 0.25 else ""
        return {
            "address_line1": street,
            "address_line2": line2,
            "city": city,
            "state": DEMO_STATE,
            "postal_code": f"{rng.randint(low, high):05d}",
        }

    def person(self) -> dict[str, Any]:
        rng = self.rng
        sex = self._sex()
        given = self._given(sex)
        family = self.family.pick(rng)
        if rng.random() < 0.03:
            family = f"{family}-{self.family.pick(rng)}"
        fields: dict[str, Any] = {
            "given_name": given,
            "middle_name": self._given(sex) if rng.random() < 0.5 else "",
            "family_name": family,
            "preferred_name": NICKNAMES.get(given, "") if rng.random() < 0.6 else "",
            "date_of_birth": self._date_of_birth(),
            "sex": sex,
            "phone": "",
            "email": "",
            **dict.fromkeys(("address_line1", "address_line2", "city", "postal_code"), ""),
            "state": "",
        }
        place = rng.choice(NY_PLACES)  # a phone number's area code matches the town
        if rng.random() < 0.93:
            fields.update(self._address(place))
        if rng.random() < 0.85:
            fields["phone"] = f"({place[3]}) 555-{rng.randint(0, 9999):04d}"
        if rng.random() < 0.55:
            suffix = str(rng.randint(1, 99)) if rng.random() < 0.4 else ""
            local = f"{_ascii(given)}.{_ascii(family)}{suffix}"
            fields["email"] = f"{local}@{rng.choice(EMAIL_DOMAINS)}"
        return fields


def generate_people(seed: int, count: int) -> Iterator[dict[str, Any]]:
    """``count`` people for ``seed``; the same seed always gives the same people."""
    generator = PersonGenerator(seed)
    for _ in range(count):
        yield generator.person()


# --- Enrollment plan ---------------------------------------------------------------------

NO_PROGRAM = 255


@dataclass
class EnrollmentPlan:
    """Per client: first program, optional second program, and which enrollments are closed.

    Decided up front (compactly, one byte per client and field) so that caseloads can be
    sized exactly before any row is written.
    """

    first: bytearray
    second: bytearray
    closed_first: bytearray
    closed_second: bytearray
    open_counts: list[int] = field(default_factory=lambda: [0] * len(AREAS))


def plan_enrollments(count: int, seed: int) -> EnrollmentPlan:
    rng = random.Random(f"enrollments-{seed}")
    quotas = [round(count * share) for share in PROGRAM_SHARES]
    quotas[0] += count - sum(quotas)
    first = bytearray(itertools.chain.from_iterable([p] * q for p, q in enumerate(quotas)))
    rng.shuffle(first)
    second = bytearray([NO_PROGRAM]) * count
    closed_first = bytearray(count)
    closed_second = bytearray(count)
    plan = EnrollmentPlan(first, second, closed_first, closed_second)
    for i in range(count):
        if rng.random() < MULTI_PROGRAM_SHARE:
            second[i] = (first[i] + rng.randint(1, len(AREAS) - 1)) % len(AREAS)
            closed_second[i] = rng.random() < CLOSED_SHARE
            if not closed_second[i]:
                plan.open_counts[second[i]] += 1
        closed_first[i] = rng.random() < CLOSED_SHARE
        if not closed_first[i]:
            plan.open_counts[first[i]] += 1
    return plan


def caseload_sizes(open_count: int) -> list[int]:
    """Open caseloads in one program: the named case manager first, then the others."""
    if open_count <= NAMED_CASELOAD:
        return [open_count]
    named = NAMED_CASELOAD if open_count >= NAMED_CASELOAD + 30 else math.ceil(open_count / 2)
    rest = open_count - named
    extras = max(1, math.ceil(rest / EXTRA_CASELOAD))
    share, spare = divmod(rest, extras)
    return [named] + [share + (1 if i < spare else 0) for i in range(extras)]


# --- Staff ---------------------------------------------------------------------------------


@dataclass
class DemoAgency:
    organization: Organization
    programs: list[Program]  # in AREAS order
    case_managers: list[list[User]]  # per program: the named one first, then extras
    intake_workers: list[User]
    accounts: dict[str, User]


def _staff_user(email: str, full_name: str, password: str | None) -> User:
    return accounts.user_create(actor=None, email=email, full_name=full_name, password=password)


def _filler_case_managers(
    org: Organization, programs: Sequence[Program], counts: Sequence[int]
) -> list[list[User]]:
    """Case managers who only carry caseloads: they have no password and cannot sign in.

    At a million clients that is some 15,000 people, so they are bulk-inserted with one
    summary audit row instead of 30,000 audited service calls (about 7 ms each).
    """
    names = PersonGenerator(seed=20260101)
    teams: list[list[User]] = []
    for program, count in zip(programs, counts, strict=True):
        team = []
        for n in range(count):
            person = names.person()
            local = f"{_ascii(person['given_name'])}.{_ascii(person['family_name'])}"
            team.append(
                User(
                    email=f"{local}.{program.practice_area}{n}@{STAFF_DOMAIN}",
                    full_name=f"{person['given_name']} {person['family_name']}",
                    password=make_password(None),
                )
            )
        teams.append(User.objects.bulk_create(team, batch_size=BATCH_SIZE))
    memberships = [
        Membership(user=user, organization=org, program=program, role=Role.CASE_MANAGER)
        for program, team in zip(programs, teams, strict=True)
        for user in team
    ]
    Membership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
    if memberships:
        record(
            actor=None,
            action=AuditAction.CREATE,
            target_type="membership",
            organization_id=org.pk,
            details={"case_managers_added": len(memberships), "reason": "demo caseloads"},
        )
    return teams


def create_agency(*, password: str, open_counts: Sequence[int]) -> DemoAgency:
    """The agency, its programs, the demo accounts and enough case managers for the caseloads."""
    org = accounts.organization_create(actor=None, name=DEMO_ORGANIZATION, state=DEMO_STATE)
    partner_org = accounts.organization_create(
        actor=None, name=PARTNER_ORGANIZATION, kind=Organization.Kind.PARTNER, state=DEMO_STATE
    )
    programs = [
        accounts.program_create(
            actor=None, organization=org, name=PROGRAM_NAMES[a], practice_area=a
        )
        for a in AREAS
    ]
    by_area = dict(zip(AREAS, programs, strict=True))
    users: dict[str, User] = {}
    for account in demo_accounts():
        user = _staff_user(account.email, account.full_name, password)
        users[account.email] = user
        program = by_area.get(account.area)
        where = partner_org if account.role == Role.PARTNER else org
        accounts.membership_grant(
            actor=None,
            user=user,
            role=account.role,
            program=program,
            organization=None if program else where,
        )
    extras = [len(caseload_sizes(n)) - 1 for n in open_counts]
    filler = _filler_case_managers(org, programs, extras)
    case_managers = [
        [users[f"cm.{area}@example.org"], *team] for area, team in zip(AREAS, filler, strict=True)
    ]
    intake = [users[f"intake.{a}@example.org"] for a in AREAS]
    return DemoAgency(org, programs, case_managers, intake, users)


# --- Clients -------------------------------------------------------------------------------

OPEN_STATUSES = (
    (EnrollmentStatus.ACTIVE, 0.85),
    (EnrollmentStatus.ON_HOLD, 0.05),
    (EnrollmentStatus.WAITLISTED, 0.05),
    (EnrollmentStatus.REFERRED, 0.05),
)


class _Assigner:
    """Hands out enrollment rows; open caseloads follow :func:`caseload_sizes` exactly."""

    def __init__(self, agency: DemoAgency, plan: EnrollmentPlan, seed: int) -> None:
        self.rng = random.Random(f"assign-{seed}")
        self.agency = agency
        self.today = timezone.localdate()
        self.slots: list[list[int]] = []
        for p, team in enumerate(agency.case_managers):
            sizes = caseload_sizes(plan.open_counts[p])[: len(team)]
            slots = list(itertools.chain.from_iterable([i] * s for i, s in enumerate(sizes)))
            self.rng.shuffle(slots)
            self.slots.append(slots)

    def enrollment(self, client_id: int, program_index: int, closed: bool) -> dict[str, Any]:
        rng = self.rng
        team = self.agency.case_managers[program_index]
        start = self.today - timedelta(days=rng.randint(0, 3 * 365))
        if closed:
            cm, status = team[rng.randrange(len(team))], EnrollmentStatus.CLOSED
            end: date | None = min(self.today, start + timedelta(days=rng.randint(30, 540)))
        else:
            cm, end = team[self.slots[program_index].pop()], None
            roll, status = rng.random(), EnrollmentStatus.ACTIVE
            for choice, share in OPEN_STATUSES:
                if roll < share:
                    status = choice
                    break
                roll -= share
        return {
            "organization_id": self.agency.organization.pk,
            "client_id": client_id,
            "program_id": self.agency.programs[program_index].pk,
            "status": status.value,
            "start_date": start,
            "end_date": end,
            "primary_case_manager_id": cm.pk,
            "created_by_id": self.agency.intake_workers[program_index].pk,
        }


class RowWriter:
    """Inserts plain rows into a model's table: one ``executemany`` (SQLite) or ``COPY``
    (PostgreSQL) per batch.

    ``bulk_create`` spends about 400 µs per client preparing model instances and values,
    which makes a million-client benchmark database take many minutes; plain tuples take
    a tenth of that. Every concrete field of the model is written, so a field added later
    gets its Python default (or ``now`` for ``auto_now`` stamps) without a change here.
    Ids are reserved first (a sequence on PostgreSQL; on SQLite the write transaction
    already holds the database lock) so enrollments can point at their clients.
    """

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.table = model._meta.db_table
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({marks})"  # noqa: S608 - names come from the model, values are parameters
        self.copy_sql = f"COPY {quote(self.table)} ({columns}) FROM STDIN"

    def reserve_ids(self, count: int) -> list[int]:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [self.table, count],
                )
                return [row[0] for row in cursor.fetchall()]
            quoted = connection.ops.quote_name(self.table)
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quoted}")  # noqa: S608 - a model's table name
            first = int(cursor.fetchone()[0]) + 1
        return list(range(first, first + count))

    def _plan(self, given: set[str]) -> list[tuple[str, Callable[[Any], Any] | None, Any]]:
        """Per column: the row key to read (and its adapter), or '' and a constant value."""
        ops, now = connection.ops, timezone.now()
        plan: list[tuple[str, Callable[[Any], Any] | None, Any]] = []
        for f in self.fields:
            name = f.attname
            if name in given and isinstance(f, models.DateTimeField):
                plan.append((name, ops.adapt_datetimefield_value, None))
            elif name in given and isinstance(f, models.DateField):
                plan.append((name, ops.adapt_datefield_value, None))
            elif name in given:
                plan.append((name, None, None))
            else:
                auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                plan.append(
                    ("", None, f.get_db_prep_save(now if auto else f.get_default(), connection))
                )
        return plan

    def write(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        plan = self._plan(set(rows[0]))
        params = [
            tuple(
                (adapt(row[key]) if adapt else row[key]) if key else constant
                for key, adapt, constant in plan
            )
            for row in rows
        ]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY is about ten times faster than INSERT for bulk loads on PostgreSQL.
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for values in params:
                        copy.write_row(values)
            else:
                cursor.executemany(self.sql, params)


def _client_row(person: dict[str, Any], client_id: int, org_id: int, by: int) -> dict[str, Any]:
    # The search keys Client.save() would compute: rows written here skip save().
    return {
        **person,
        "id": client_id,
        "organization_id": org_id,
        "created_by_id": by,
        **search_keys(person["given_name"], person["family_name"], person["preferred_name"]),
    }


def insert_clients(
    *,
    agency: DemoAgency,
    plan: EnrollmentPlan,
    seed: int,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Insert the planned clients and enrollments; returns (clients, enrollments).

    Each batch commits on its own, so a million rows never sit in one transaction.
    """
    people = PersonGenerator(seed)
    assigner = _Assigner(agency, plan, seed)
    clients, enrollments = RowWriter(Client), RowWriter(Enrollment)
    contacts = _ContactRows()
    org_id = agency.organization.pk
    intake = [u.pk for u in agency.intake_workers]
    total, made = len(plan.first), 0
    for start in range(0, total, batch_size):
        stop = min(total, start + batch_size)
        with transaction.atomic():
            ids = clients.reserve_ids(stop - start)
            batch = [
                _client_row(people.person(), client_id, org_id, intake[plan.first[i]])
                for i, client_id in zip(range(start, stop), ids, strict=True)
            ]
            rows = []
            for i, client_id in zip(range(start, stop), ids, strict=True):
                rows.append(
                    assigner.enrollment(client_id, plan.first[i], bool(plan.closed_first[i]))
                )
                if plan.second[i] != NO_PROGRAM:
                    closed = bool(plan.closed_second[i])
                    rows.append(assigner.enrollment(client_id, plan.second[i], closed))
            enrollment_ids = enrollments.reserve_ids(len(rows))
            for row, enrollment_id in zip(rows, enrollment_ids, strict=True):
                row["id"] = enrollment_id
            clients.write(batch)
            enrollments.write(rows)
            contacts.write(batch)
        made += len(rows)
        if progress:
            progress(stop - start)
    return total, made


class _ContactRows:
    """The phone and street address of each generated client, also as rows of the record's
    "Phones and emails" and "Addresses" sections, which the client page reads."""

    def __init__(self) -> None:
        from casework.clients.models import ClientAddress, ContactPoint

        self.points, self.addresses = RowWriter(ContactPoint), RowWriter(ClientAddress)

    def write(self, batch: list[dict[str, Any]]) -> None:
        points = [
            {"organization_id": c["organization_id"], "client_id": c["id"], "system": system}
            | {"use": use, "value": c[system], "is_primary": True}
            for c in batch
            for system, use in (("phone", "home"), ("email", "other"))
            if c.get(system)
        ]
        addresses = [
            {"organization_id": c["organization_id"], "client_id": c["id"], "use": "current"}
            | {k: c[f] for k, f in _ADDRESS_COLUMNS.items()}
            for c in batch
            if c.get("address_line1") and c.get("city") and c.get("state")
        ]
        for writer, rows in ((self.points, points), (self.addresses, addresses)):
            for row, pk in zip(rows, writer.reserve_ids(len(rows)), strict=True):
                row["id"] = pk
            writer.write(rows)


_ADDRESS_COLUMNS = {
    "line1": "address_line1",
    "line2": "address_line2",
    "city": "city",
    "state": "state",
    "postal_code": "postal_code",
}


@dataclass(frozen=True)
class SeedResult:
    organization: Organization
    clients: int
    enrollments: int
    created: bool


def seed_demo(
    *,
    clients: int = 200,
    seed: int = 1,
    password: str,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> SeedResult:
    """Load the demo agency with ``clients`` generated clients; one summary audit row."""
    plan = plan_enrollments(clients, seed)
    with transaction.atomic():
        agency = create_agency(password=password, open_counts=plan.open_counts)
    made, enrolled = insert_clients(
        agency=agency, plan=plan, seed=seed, batch_size=batch_size, progress=progress
    )
    record(
        actor=None,
        action=AuditAction.CREATE,
        target_type="demo_data",
        target_id=agency.organization.pk,
        organization_id=agency.organization.pk,
        details={"clients": made, "enrollments": enrolled, "seed": seed},
    )
    return SeedResult(agency.organization, made, enrolled, created=True)


def ensure_demo_passwords(password: str) -> list[str]:
    """Give every demo account ``password`` (audited); returns the emails that changed."""
    changed = []
    emails = [a.email for a in demo_accounts()]
    for user in User.objects.filter(email__in=emails):
        if not user.check_password(password):
            accounts.user_set_password(actor=None, user=user, password=password)
            changed.append(user.email)
    return changed
