"""The security suite's world: one client of Riverside's healthcare program with every kind
of object that hangs off it, owned by ``cm_health``, and the personas who must not reach it.

The personas come from ``casework/conftest.py`` (imported here: that conftest only applies
to tests under ``casework/``). Every identifying value below is distinctive, so a test can
search any response body for it.
"""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.test.client import ClientHandler
from django.utils import timezone

from casework.accounts import services as accounts
from casework.accounts.models import ApiToken, Organization, Program, Role, User
from casework.clients import consent as consents
from casework.clients import merge as merging
from casework.clients import record_services
from casework.clients.models import (
    Client,
    Consent,
    ConsentCategory,
    DisabilityType,
    DuplicateCandidate,
    Enrollment,
)
from casework.conftest import make_user
from casework.notifications.models import Notification
from casework.notifications.services import notify
from casework.referrals.models import Attachment

# The suite's personas (casework/conftest.py only applies under casework/): registered as
# this module's globals so pytest finds them, without rebinding names a fixture asks for.
_PERSONAS = importlib.import_module("casework.conftest")
for _name in (
    "_fast_hashing",
    "agency",
    "programs",
    "cm_health",
    "cm_mental_health",
    "sup_health",
    "intake_health",
    "org_admin",
    "auditor",
    "partner",
    "other_agency_admin",
    "make_client",
    "client_health",
):
    globals()[_name] = getattr(_PERSONAS, _name)

FAMILY = "Abernathy"  # client_health's family name: must never reach an outsider
SSN = "234-56-7812"  # not the forms' example number
SSN_DIGITS = "234567812"
SECRET_STREET = "42 Sweetwater Hollow"  # the confidential address
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    """Ids of everything the owner made; ``ids`` fills URL and API path parameters."""

    client: Client
    enrollment: Enrollment
    program: Program
    consent: Consent
    parts: dict[str, int]
    candidate: DuplicateCandidate
    merge_id: int
    token: ApiToken
    notification: Notification
    owner: User
    supervisor: User
    ce_id: int
    hours_id: int
    licence_id: int
    screening_id: int | None
    importer: User
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def referral_id(self) -> int:
        """A referral of the client to a partner's service (made on first use)."""
        if "referral_id" not in self.extra:
            self.extra["referral_id"] = _referral(self.client, self.owner, self.program)
            attachment = Attachment.objects.get(referral_id=self.extra["referral_id"])
            self.extra["referral_attachment_id"] = attachment.pk
        return int(self.extra["referral_id"])

    @property
    def hsds_import_token(self) -> str:
        """A finished directory import started by the agency's org admin."""
        from casework.resources.models import ImportRun

        admin = User.objects.get(email="admin@example.org")
        run, _ = ImportRun.objects.get_or_create(
            token="world-hsds-import", defaults={"started_by": admin, "file_name": "dir.zip"}
        )
        return run.token

    @property
    def import_token(self) -> str:
        """A previewed CSV import by ``importer`` (made on first use: it is slow)."""
        if "import_token" not in self.extra:
            self.extra["import_token"] = _import_token(self.importer, self.program)
        return str(self.extra["import_token"])

    # Staff development (issue 12): a review the supervisor opened (with the owner's signed
    # note on the client linked as evidence) and a goal of the owner.
    @property
    def review_id(self) -> int:
        if "review_id" not in self.extra:
            self.extra.update(_development(self))
        return int(self.extra["review_id"])

    @property
    def goal_id(self) -> int:
        if "goal_id" not in self.extra:
            self.extra.update(_development(self))
        return int(self.extra["goal_id"])

    @property
    def evidence_id(self) -> int:
        if "evidence_id" not in self.extra:
            self.extra.update(_development(self))
        return int(self.extra["evidence_id"])


def _development(world: World) -> dict[str, int]:
    from casework.casenotes.services import note_create, note_sign
    from casework.workforce.development import services as development

    owner, supervisor = world.owner, world.supervisor
    review = development.review_start(
        actor=supervisor, staff=owner, due_on=datetime.date(2026, 6, 30)
    )
    note = note_create(
        actor=owner,
        client=world.client,
        program=world.program,
        data={
            "note_type": "contact",
            "contact_method": "phone",
            "duration_minutes": 10,
            "sections": {
                "purpose": "Rent arrears.",
                "summary": "Called about rent.",
                "next_steps": "Call back Monday.",
            },
        },
    )
    note = note_sign(actor=owner, note=note, expected_version=note.version)
    link = development.review_evidence_link(
        actor=owner, review=review, skill_code="documentation", record=f"case_note:{note.pk}"
    )
    goal = development.goal_create(
        actor=owner,
        staff=owner,
        data={
            "skill_code": "documentation",
            "what": "Write notes the same day",
            "by_when": datetime.date(2026, 6, 30),
            "method": "training",
        },
    )
    return {"review_id": review.pk, "goal_id": goal.pk, "evidence_id": link.pk}


_HANDLERS: dict[bool, ClientHandler] = {}


def signed_in(user: User | None, *, enforce_csrf_checks: bool = False) -> HttpClient:
    """A test client signed in as ``user`` (anonymous for ``None``).

    Clients share one request handler: building the middleware (WhiteNoise scans every
    static file) costs seconds, and the matrix makes hundreds of clients.
    """
    http = HttpClient(enforce_csrf_checks=enforce_csrf_checks)
    handler = _HANDLERS.setdefault(enforce_csrf_checks, http.handler)
    http.handler = handler
    if user is not None:
        http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return http


@pytest.fixture
def lakeside_cm(other_agency_admin: User) -> User:
    """A case manager of the other agency (Lakeside Health)."""
    org = Organization.objects.get(name="Lakeside Health")
    program = accounts.program_create(
        actor=None, organization=org, name="Lakeside Primary Care", practice_area="healthcare"
    )
    user = make_user("cm@lakeside.example.org")
    accounts.membership_grant(actor=None, user=user, role=Role.CASE_MANAGER, program=program)
    return user


@pytest.fixture
def intruders(
    cm_mental_health: User, other_agency_admin: User, lakeside_cm: User, partner: User
) -> dict[str, User | None]:
    """Everyone who must not reach the world's objects (``None`` is anonymous)."""
    return {
        "cm_other_program": cm_mental_health,
        "other_agency_admin": other_agency_admin,
        "other_agency_cm": lakeside_cm,
        "partner": partner,
        "anonymous": None,
    }


def _parts(client: Client, actor: User) -> dict[str, int]:
    rows = {
        "names": {"kind": "alias", "given_name": "Wyatt", "family_name": FAMILY},
        "identifiers": {"kind": "medicaid", "issuer": "NY", "value": "MCD-77123"},
        "contacts": {"system": "phone", "use": "mobile", "value": "518-555-0177"},
        "addresses": {
            "use": "current",
            "line1": "1 Mesa Road",
            "city": "Albany",
            "state": "NY",
            "valid_from": datetime.date(2020, 1, 1),
        },
        "household": {"given_name": "Peter", "family_name": FAMILY, "relationship": 2},
        "emergency_contacts": {"name": "Teddy Flood", "phone": "518-555-0199"},
        "insurance": {"payer": "Delos Health", "member_id": "DH-5511"},
        "disabilities": {
            "disability_type": DisabilityType.SUBSTANCE_USE,
            "substance_use": 1,
        },
    }
    return {
        part: record_services.record_part_add(actor=actor, client=client, part=part, data=data).pk
        for part, data in rows.items()
    }


def _screening(client: Client, program: Program, actor: User) -> int | None:
    from casework.intake.eligibility import Answers
    from casework.intake.services import screening_create

    try:
        return screening_create(
            actor=actor,
            client=client,
            program=program,
            answers=Answers(date_of_birth=client.date_of_birth, state="NY", household_size=1),
        ).pk
    except Exception:  # the intake app is still changing; its routes then fail loudly
        return None


def _workforce(owner: User, supervisor: User, admin: User) -> tuple[int, int, int]:
    from casework.workforce import services as workforce
    from casework.workforce.models import Licence

    ce = workforce.continuing_education_create(
        actor=owner,
        user=owner,
        data={
            "course": "Trauma-informed care",
            "provider": "NASW",
            "hours": Decimal("2.0"),
            "completed_on": datetime.date(2025, 5, 1),
            "category": "ethics",
        },
        certificate=SimpleUploadedFile("cert.pdf", PDF, content_type="application/pdf"),
    )
    hours = workforce.supervised_hours_submit(
        actor=owner,
        supervisor=supervisor,
        worked_on=datetime.date(2025, 5, 2),
        hours=Decimal("3.0"),
        kind="client_contact",
    )
    licence = workforce.entry_create(
        actor=owner,
        user=owner,
        model=Licence,
        data={
            "kind": "LMSW",
            "jurisdiction": "NY",
            "number": "LIC-998877",
            "issued_on": datetime.date(2020, 1, 1),
            "expires_on": datetime.date(2030, 1, 1),
        },
    )
    return ce.pk, hours.pk, licence.pk


def _care(client: Client, owner: User) -> dict[str, int]:
    """Issue 13: an assessment (PHQ-9 with item 9 positive, which raises a risk flag) and the
    service plan built from its needs."""
    from casework.assessments.models import RiskFlag
    from casework.assessments.services import assessment_record

    answers = {f"q{n}": 1 for n in range(1, 10)}
    assessment = assessment_record(
        actor=owner, client=client, instrument_code="phq9", answers=answers
    )
    flag = RiskFlag.objects.get(assessment=assessment)
    from casework.plans.services import plan_from_needs

    plan = plan_from_needs(actor=owner, client=client, assessments=[assessment])
    goal = plan.latest.goals.get()
    return {
        "assessment_id": assessment.pk,
        "flag_id": flag.pk,
        "plan_id": plan.pk,
        "goal_id": goal.pk,
    }


# --- Referrals (issue 14): a partner organization of its own, so the suite's partner
# (Harbor Food Bank) stays an outsider to the world's referral. ---
REFERRAL_PARTNER_ORG = "Bayview Shelter"


def _referral_partner_org() -> Organization:
    org = Organization.objects.filter(name=REFERRAL_PARTNER_ORG).first()
    return org or accounts.organization_create(
        actor=None, name=REFERRAL_PARTNER_ORG, kind=Organization.Kind.PARTNER
    )


@pytest.fixture
def referral_partner(db: None) -> User:
    """A partner user of the organization the world's referral is sent to."""
    user = make_user("intake@bayview.example.org")
    accounts.membership_grant(
        actor=None, user=user, role=Role.PARTNER, organization=_referral_partner_org()
    )
    return user


def _referral(client: Client, owner: User, program: Program) -> int:
    from casework.referrals.services import referral_create
    from casework.resources.models import Organization as DirectoryOrganization
    from casework.resources.models import Service

    org = _referral_partner_org()
    listed = DirectoryOrganization.objects.create(
        id="5b0f3c1e-0000-4000-8000-00000000b001",
        name=REFERRAL_PARTNER_ORG,
        description="Emergency shelter.",
        casework_organization=org,
    )
    service = Service.objects.create(
        id="5b0f3c1e-0000-4000-8000-00000000b002",
        organization=listed,
        name="Emergency beds",
        status="active",
    )
    consents.consent_record(
        actor=owner,
        client=client,
        data={
            "recipient_organization_id": org.pk,
            "categories": [ConsentCategory.GENERAL],
            "purpose": "Shelter referral",
            "signature_method": "typed",
            "signed_by_name": "Dolores Abernathy",
        },
    )
    referral = referral_create(
        actor=owner,
        client=client,
        program=program,
        service=service,
        reason="Needs a bed.",
        attachments=[SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")],
    )
    return referral.pk


def _import_token(user: User, program: Program) -> str:
    http = signed_in(user)
    upload = SimpleUploadedFile(
        "people.csv",
        b"given_name,family_name,date_of_birth\nMaeve,Millay,1980-02-03\n",
        content_type="text/csv",
    )
    response = http.post("/clients/import/", {"program": program.pk, "file": upload})
    assert response.status_code == 302, response.content[:2000]
    return response["Location"].rstrip("/").rsplit("/", 1)[-1]


@pytest.fixture
def world(
    client_health: Client,
    cm_health: User,
    sup_health: User,
    org_admin: User,
    intake_health: User,
    programs: dict[str, Program],
    make_client: Callable[..., Client],
) -> World:
    client = client_health
    program = programs["healthcare"]
    client = consents.client_set_ssn(
        actor=cm_health, client=client, ssn=SSN, expected_version=client.version
    )
    parts = _parts(client, cm_health)
    consent = consents.consent_record(
        actor=cm_health,
        client=client,
        data={
            "recipient_name": "Dr. Robert Ford",
            "categories": [ConsentCategory.GENERAL],
            "purpose": "Care coordination",
            "signature_method": "uploaded",
            "signed_by_name": "Dolores Abernathy",
        },
        signed_form=SimpleUploadedFile("roi.pdf", PDF, content_type="application/pdf"),
    )
    twin = make_client(
        "healthcare",
        actor=cm_health,
        given_name="Dolores",
        family_name=FAMILY,
        date_of_birth=client.date_of_birth,
    )
    merging.duplicate_candidates_record(
        organization_id=client.organization_id, pairs=[(client.pk, twin.pk, 0.97, ["same name"])]
    )
    candidate = DuplicateCandidate.objects.get(client_a_id=min(client.pk, twin.pk))
    left = make_client("healthcare", actor=cm_health, given_name="Bernard", family_name=FAMILY)
    right = make_client(
        "vocational_rehab", actor=org_admin, given_name="Bernarda", family_name=FAMILY
    )
    merge = merging.client_merge(actor=org_admin, survivor=left, merged=right)
    token, _raw = accounts.api_token_create(actor=cm_health, user=cm_health, name="laptop")
    (notification,) = notify(
        recipients=[cm_health],
        kind="test",
        title=f"About {FAMILY}",
        url=f"/clients/{client.pk}/",
        email=False,
    )
    ce_id, hours_id, licence_id = _workforce(cm_health, sup_health, org_admin)
    return World(
        client=client,
        enrollment=Enrollment.objects.get(client=client),
        program=program,
        consent=consent,
        parts=parts,
        candidate=candidate,
        merge_id=merge.pk,
        token=token,
        notification=notification,
        owner=cm_health,
        supervisor=sup_health,
        ce_id=ce_id,
        hours_id=hours_id,
        licence_id=licence_id,
        screening_id=_screening(client, program, cm_health),
        importer=intake_health,
        extra={"twin": twin, "survivor": left, "care": _care(client, cm_health)},
    )


@pytest.fixture
def recipient(world: World, cm_mental_health: Any, programs: dict[str, Any]) -> Any:
    """A case manager of another program who reaches the world's client through a consent
    naming their program and releasing every category (Part 2 included)."""
    consents.consent_record(
        actor=world.owner,
        client=world.client,
        data={
            "recipient_program_id": programs["mental_health"].pk,
            "categories": [c.value for c in ConsentCategory],
            "purpose": "Care coordination",
            "information_description": "Diagnoses, treatment, medication and case notes",
            "revocation_right_acknowledged": True,
            "expiry_date": timezone.localdate() + datetime.timedelta(days=365),
            "signature_method": "typed",
            "signed_by_name": "Dolores Abernathy",
        },
    )
    return cm_mental_health
