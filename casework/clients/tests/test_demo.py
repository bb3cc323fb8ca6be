"""``casework seed-demo``: the demo agency, its accounts and generated clients."""

from __future__ import annotations

import stat
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from casework.accounts.models import Membership, Organization, Program, Role, User
from casework.audit.models import AuditEvent
from casework.clients import demo
from casework.clients.models import Client, Enrollment, EnrollmentStatus, Sex, normalize_name

DEMO_PASSWORD = "demo password for tests 7"


@pytest.fixture
def demo_env(db, settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("CASEWORK_DEMO_PASSWORD", DEMO_PASSWORD)
    return tmp_path


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "organizations": Organization.objects.count(),
        "programs": Program.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "clients": Client.objects.count(),
        "enrollments": Enrollment.objects.count(),
    }


def test_same_seed_gives_the_same_people():
    first = [(p["given_name"], p["family_name"]) for p in demo.generate_people(7, 50)]
    again = [(p["given_name"], p["family_name"]) for p in demo.generate_people(7, 50)]
    other = [(p["given_name"], p["family_name"]) for p in demo.generate_people(8, 50)]
    assert first == again
    assert first != other
    assert len(set(first)) > 40  # realistic variety, not one name repeated


def test_seeded_clients_are_the_generators_people_for_that_seed(demo_env):
    seed("--clients", "30", "--seed", "5")
    stored = list(
        Client.objects.order_by("pk").values_list("given_name", "family_name", "date_of_birth")
    )
    expected = [
        (p["given_name"], p["family_name"], p["date_of_birth"]) for p in demo.generate_people(5, 30)
    ]
    assert stored == expected


def test_every_demo_account_exists_with_its_role(demo_env):
    seed("--clients", "20")
    for account in demo.demo_accounts():
        user = User.objects.get(email=account.email)
        assert user.check_password(DEMO_PASSWORD)
        membership = Membership.objects.get(user=user)
        assert membership.role == account.role
        if account.area:
            assert membership.program is not None
            assert membership.program.practice_area == account.area
            assert membership.organization.name == demo.DEMO_ORGANIZATION
        elif account.role == Role.PARTNER:
            assert membership.organization.name == "Harbor Food Bank"
            assert membership.organization.kind == Organization.Kind.PARTNER
        else:
            assert membership.organization.name == demo.DEMO_ORGANIZATION
    expected = {"admin@example.org", "auditor@example.org", "partner@example.org"}
    for area in ("healthcare", "mental_health", "social_services", "vocational_rehab"):
        expected |= {f"{kind}.{area}@example.org" for kind in ("cm", "sup", "intake")}
    assert {a.email for a in demo.demo_accounts()} == expected


def test_agency_has_one_program_per_practice_area(demo_env):
    seed("--clients", "10")
    org = Organization.objects.get(name=demo.DEMO_ORGANIZATION)
    assert org.state == "NY"
    areas = sorted(org.programs.values_list("practice_area", flat=True))
    assert areas == ["healthcare", "mental_health", "social_services", "vocational_rehab"]


def test_clients_are_realistic_and_searchable(demo_env):
    seed("--clients", "200")
    clients = list(Client.objects.all())
    assert len(clients) == 200
    for client in clients:
        assert client.family_name_key == normalize_name(client.family_name)
        assert client.given_name_key == normalize_name(client.given_name)
        assert client.sex in Sex.values
    assert sum(bool(c.address_line1) for c in clients) > 150
    assert {c.state for c in clients if c.city} == {"NY"}
    someone = clients[0]
    visible = Client.objects.search(f"{someone.family_name[:3]} {someone.given_name[:2]}")
    assert someone in visible


def test_enrollments_spread_over_programs_with_case_managers(demo_env):
    seed("--clients", "200")
    per_program = dict(
        Enrollment.objects.values_list("program__practice_area").annotate(n=Count("id"))
    )
    assert set(per_program) == set(demo.AREAS)
    assert all(n >= 20 for n in per_program.values())
    # A few open clients wait for the supervisor to choose a case manager (issue 10).
    unassigned = Enrollment.objects.filter(primary_case_manager__isnull=True)
    assert 0 < unassigned.count() <= 6 * len(demo.AREAS)
    assert not unassigned.exclude(status__in=["referred", "waitlisted", "active", "on_hold"])
    multi = Client.objects.annotate(n=Count("enrollments")).filter(n__gt=1)
    assert multi.exists()
    closed = Enrollment.objects.filter(status=EnrollmentStatus.CLOSED)
    assert closed.exists()
    assert not closed.filter(end_date__isnull=True).exists()


def test_case_managers_carry_real_caseloads(demo_env):
    # The generator itself: seed-demo then lets the workforce demo move a few clients.
    demo.seed_demo(clients=600, seed=1, password=DEMO_PASSWORD)
    caseloads = (
        Enrollment.objects.open()
        .values("primary_case_manager__email")
        .annotate(n=Count("id"))
        .values_list("primary_case_manager__email", "n")
    )
    loads = dict(caseloads)
    assert loads["cm.healthcare@example.org"] == demo.NAMED_CASELOAD
    assert len(loads) > 4  # more case managers than the named demo accounts
    assert all(30 <= n <= 80 for n in loads.values()), loads


def test_caseload_sizes_add_up():
    for total in (0, 10, 79, 80, 109, 110, 500, 280_000):
        sizes = demo.caseload_sizes(total)
        assert sum(sizes) == total
    assert demo.caseload_sizes(280_000)[0] == 80
    assert all(30 <= n <= 80 for n in demo.caseload_sizes(280_000))


def test_seeding_writes_one_summary_audit_row_for_the_clients(demo_env):
    seed("--clients", "50", "--seed", "3")
    summary = AuditEvent.objects.get(target_type="demo_data")
    assert summary.details == {"clients": 50, "enrollments": Enrollment.objects.count(), "seed": 3}
    assert summary.channel == "cli"
    assert not AuditEvent.objects.filter(target_type="client").exists()


def test_if_empty_is_idempotent(demo_env):
    out = seed("--clients", "40", "--if-empty")
    before = counts()
    again = seed("--clients", "40", "--if-empty")
    assert counts() == before
    assert "already loaded" in again
    for text in (out, again):
        assert "admin@example.org" in text
        assert DEMO_PASSWORD in text
        assert "http://127.0.0.1:" in text


def test_seeding_twice_without_if_empty_is_refused(demo_env):
    seed("--clients", "5")
    with pytest.raises(CommandError, match="already exists"):
        seed("--clients", "5")


def test_if_empty_brings_demo_passwords_in_line(demo_env, monkeypatch):
    seed("--clients", "5")
    monkeypatch.setenv("CASEWORK_DEMO_PASSWORD", "a different demo password 8")
    seed("--if-empty")
    assert User.objects.get(email="admin@example.org").check_password("a different demo password 8")


def test_generated_password_is_private_and_reused(db, settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("CASEWORK_DEMO_PASSWORD", raising=False)
    out = seed("--clients", "5")
    path = tmp_path / "demo-password"
    password = path.read_text().strip()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert password in out
    assert User.objects.get(email="auditor@example.org").check_password(password)
    assert password in seed("--if-empty")
    assert path.read_text().strip() == password


def test_filler_case_managers_cannot_sign_in(demo_env):
    seed("--clients", "600")
    filler = User.objects.filter(email__endswith="@" + demo.STAFF_DOMAIN)
    assert filler.exists()
    assert not any(user.has_usable_password() for user in filler)


def test_the_demo_shows_every_screen_something_true(demo_env):
    """Rules in every program (one at capacity), clients without a case manager in each
    program, and supervised hours waiting for a signature; seeding again adds nothing."""
    from casework.intake.models import ProgramEligibility
    from casework.workforce.models import SupervisedHours

    seed("--clients", "120")
    programs = Program.objects.filter(organization__name=demo.DEMO_ORGANIZATION)
    ruled = ProgramEligibility.objects.filter(program__in=programs, version__gte=1)
    assert ruled.count() == programs.count()
    assert ruled.filter(capacity__isnull=False).exists()
    for program in programs:
        assert (
            Enrollment.objects.open()
            .filter(program=program, primary_case_manager__isnull=True)
            .exists()
        ), program
    waiting = SupervisedHours.objects.filter(signed_at__isnull=True)
    assert waiting.filter(supervisor__email="sup.healthcare@example.org").exists()
    before = (waiting.count(), Enrollment.objects.filter(primary_case_manager=None).count())
    seed("--if-empty")
    after = (waiting.count(), Enrollment.objects.filter(primary_case_manager=None).count())
    assert after == before
