"""Staff credentials: education, licences, certifications, experience, supervised hours,
continuing education, practicums; the credential rules (versioned data with their source);
and the program requirements and exceptions that gate assignment (issue 4)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from casework.accounts.models import Organization, Program, Role
from casework.core.models import TimeStampedModel

USER = settings.AUTH_USER_MODEL


class Degree(models.TextChoices):
    BSW = "BSW", "Bachelor of Social Work (BSW)"
    MSW = "MSW", "Master of Social Work (MSW)"
    BSN = "BSN", "Bachelor of Science in Nursing (BSN)"
    MSN = "MSN", "Master of Science in Nursing (MSN)"
    ADN = "ADN", "Associate Degree in Nursing (ADN)"
    PSYCHOLOGY = "PSYCHOLOGY", "Psychology"
    HUMAN_SERVICES = "HUMAN_SERVICES", "Human services"
    MRC = "MRC", "Master's in rehabilitation counselling"
    COUNSELING = "COUNSELING", "Master's in counselling"
    HS_DIPLOMA = "HS_DIPLOMA", "High-school diploma or GED"
    OTHER = "OTHER", "Other"


class DegreeLevel(models.TextChoices):
    SECONDARY = "secondary", "High school or GED"
    ASSOCIATE = "associate", "Associate"
    BACHELOR = "bachelor", "Bachelor's"
    MASTER = "master", "Master's"
    DOCTORATE = "doctorate", "Doctorate"


# What a degree code means for eligibility rules (DOMAIN §6.6): its usual level and field.
DEGREE_FACTS: dict[str, tuple[str, str]] = {
    Degree.BSW: (DegreeLevel.BACHELOR, "human_services"),
    Degree.MSW: (DegreeLevel.MASTER, "human_services"),
    Degree.BSN: (DegreeLevel.BACHELOR, "health"),
    Degree.MSN: (DegreeLevel.MASTER, "health"),
    Degree.ADN: (DegreeLevel.ASSOCIATE, "health"),
    Degree.PSYCHOLOGY: (DegreeLevel.BACHELOR, "human_services"),
    Degree.HUMAN_SERVICES: (DegreeLevel.BACHELOR, "human_services"),
    Degree.MRC: (DegreeLevel.MASTER, "human_services"),
    Degree.COUNSELING: (DegreeLevel.MASTER, "human_services"),
    Degree.HS_DIPLOMA: (DegreeLevel.SECONDARY, "general"),
    Degree.OTHER: (DegreeLevel.BACHELOR, "other"),
}


class Accreditation(models.TextChoices):
    NONE = "", "None / unknown"
    CSWE = "CSWE", "CSWE (social work)"
    CACREP = "CACREP", "CACREP (counselling)"
    CORE = "CORE", "CORE (rehabilitation counselling, merged into CACREP)"
    NURSING = "NURSING", "ACEN or CCNE (nursing)"
    REGIONAL = "REGIONAL", "Institutional (regional) accreditation"


class LicenceKind(models.TextChoices):
    RN = "RN", "Registered Nurse (RN)"
    LPN = "LPN", "Licensed Practical Nurse (LPN)"
    LSW = "LSW", "Licensed Social Worker (LSW)"
    LBSW = "LBSW", "Licensed Baccalaureate Social Worker (LBSW)"
    LMSW = "LMSW", "Licensed Master Social Worker (LMSW)"
    LCSW = "LCSW", "Licensed Clinical Social Worker (LCSW)"
    ASW = "ASW", "Associate Social Worker registration (ASW, California)"
    LPC = "LPC", "Licensed Professional Counselor (LPC)"
    LMHC = "LMHC", "Licensed Mental Health Counselor (LMHC)"
    LP_SW = "LP-SW", "Limited permit, social work (New York)"
    OTHER = "OTHER", "Other"


class CertificationKind(models.TextChoices):
    CCM = "CCM", "Certified Case Manager (CCM)"
    ACM_RN = "ACM-RN", "Accredited Case Manager, RN (ACM-RN)"
    ACM_SW = "ACM-SW", "Accredited Case Manager, SW (ACM-SW)"
    CRC = "CRC", "Certified Rehabilitation Counselor (CRC)"
    CDMS = "CDMS", "Certified Disability Management Specialist (CDMS)"
    CPSS = "CPSS", "Certified Peer Support Specialist (state certification)"
    CHW = "CHW", "Community Health Worker (state certification)"
    OTHER = "OTHER", "Other"


class ExamKind(models.TextChoices):
    """Licensure and certification exams a rule can require (DOMAIN: ASWB levels, NCLEX-RN,
    state law and ethics or jurisprudence exams, the CCM, ACM and CRC exams)."""

    ASWB_ASSOCIATE = "ASWB-ASSOCIATE", "ASWB Associate"
    ASWB_BACHELORS = "ASWB-BACHELORS", "ASWB Bachelors"
    ASWB_MASTERS = "ASWB-MASTERS", "ASWB Masters"
    ASWB_ADVANCED_GENERALIST = "ASWB-ADVANCED-GENERALIST", "ASWB Advanced Generalist"
    ASWB_CLINICAL = "ASWB-CLINICAL", "ASWB Clinical"
    NCLEX_RN = "NCLEX-RN", "NCLEX-RN"
    STATE_LAW_ETHICS = "STATE-LAW-ETHICS", "State law and ethics exam (e.g. California)"
    STATE_JURISPRUDENCE = "STATE-JURISPRUDENCE", "State jurisprudence exam (e.g. Texas)"
    CCM = "CCM", "CCM exam (CCMC)"
    ACM = "ACM", "ACM exam (ACMA)"
    CRC = "CRC", "CRC exam (CRCC)"
    NCE = "NCE", "National Counselor Examination (NCE)"
    NCMHCE = "NCMHCE", "National Clinical Mental Health Counseling Examination (NCMHCE)"


class Verification(models.TextChoices):
    UNVERIFIED = "unverified", "Not yet verified"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Could not be verified"


class VerificationMethod(models.TextChoices):
    NONE = "", "—"
    PRIMARY_SOURCE = "primary_source", "Issuing board's online lookup (primary source)"
    NURSYS = "nursys", "Nursys"
    DOCUMENT = "document", "Original document seen"
    OTHER = "other", "Other"


class CredentialStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive / lapsed"
    RESTRICTED = "restricted", "Restricted"


class Setting(models.TextChoices):
    HOSPITAL = "hospital", "Hospital or health system"
    CLINIC = "clinic", "Clinic or physician practice"
    MANAGED_CARE = "managed_care", "Managed care or insurer"
    COMMUNITY_MENTAL_HEALTH = "community_mental_health", "Community mental health"
    NON_PROFIT = "non_profit", "Non-profit"
    GOVERNMENT = "government", "Government agency"
    VOCATIONAL_REHAB = "vocational_rehab", "Vocational rehabilitation agency"
    POST_ACUTE = "post_acute", "Post-acute care (home health, skilled nursing, rehabilitation)"
    OTHER = "other", "Other"


class Employment(models.TextChoices):
    FULL_TIME = "full_time", "Full time"
    PART_TIME = "part_time", "Part time"


class HoursKind(models.TextChoices):
    INDIVIDUAL_SUPERVISION = "individual_supervision", "Individual supervision"
    GROUP_SUPERVISION = "group_supervision", "Group supervision"
    CLIENT_CONTACT = "client_contact", "Client contact"


class CeCategory(models.TextChoices):
    ETHICS = "ethics", "Ethics"
    CASE_MANAGEMENT = "case_management", "Case management"
    CLINICAL = "clinical", "Clinical"
    PRACTICE = "practice", "Practice-related"
    MANDATED = "mandated", "State-mandated topic"
    OTHER = "other", "Other"


def _valid(field: str, choices: type[models.TextChoices], name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


class Education(TimeStampedModel):
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="education")
    degree = models.CharField(max_length=20, choices=Degree.choices)
    level = models.CharField(max_length=10, choices=DegreeLevel.choices)
    field_of_study = models.CharField(max_length=200, blank=True)
    institution = models.CharField(max_length=200)
    accreditation = models.CharField(max_length=10, choices=Accreditation.choices, blank=True)
    completed_on = models.DateField(null=True, blank=True, help_text="Empty while studying")
    supervised_field_experience = models.BooleanField(
        default=False, help_text="The programme included a supervised practicum or field placement"
    )
    disability_coursework = models.BooleanField(
        null=True,
        blank=True,
        help_text="Counselling master's: included the disability-specific coursework CRCC "
        "Category D asks for (empty: not recorded)",
    )

    class Meta:
        ordering = ["-completed_on", "-id"]
        constraints = [
            _valid("degree", Degree, "education_degree_valid"),
            _valid("level", DegreeLevel, "education_level_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_degree_display()}, {self.institution}"


class Verifiable(TimeStampedModel):
    """Who verified a record (a licence, a certification, an exam result), how and when."""

    verification = models.CharField(
        max_length=12, choices=Verification.choices, default=Verification.UNVERIFIED
    )
    verification_method = models.CharField(
        max_length=20, choices=VerificationMethod.choices, blank=True
    )
    verified_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class VerifiedCredential(Verifiable):
    """Shared fields of a licence and a certification: dates, status and who verified it."""

    number = models.CharField(max_length=60, blank=True)
    issued_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=CredentialStatus.choices, default=CredentialStatus.ACTIVE
    )

    class Meta:
        abstract = True

    def is_current(self, on: date | None = None) -> bool:
        """Active, not rejected and not expired on ``on`` (today by default)."""
        day = on or timezone.localdate()
        return (
            self.status == CredentialStatus.ACTIVE
            and self.verification != Verification.REJECTED
            and (self.expires_on is None or self.expires_on >= day)
        )


def _credential_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("issued_on")),
            name=f"{prefix}_expiry_after_issue",
        ),
        models.CheckConstraint(
            condition=Q(verification=Verification.UNVERIFIED)
            | Q(verified_by__isnull=False, verified_at__isnull=False),
            name=f"{prefix}_verification_has_who_and_when",
        ),
        _valid("status", CredentialStatus, f"{prefix}_status_valid"),
        _valid("verification", Verification, f"{prefix}_verification_valid"),
    ]


class Licence(VerifiedCredential):
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="licences")
    kind = models.CharField(max_length=10, choices=LicenceKind.choices)
    jurisdiction = models.CharField(max_length=2, help_text="USPS state code")

    class Meta:
        ordering = ["expires_on", "kind"]
        constraints = [
            *_credential_constraints("licence"),
            _valid("kind", LicenceKind, "licence_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.jurisdiction})"


class Certification(VerifiedCredential):
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="certifications")
    kind = models.CharField(max_length=10, choices=CertificationKind.choices)

    class Meta:
        ordering = ["expires_on", "kind"]
        constraints = [
            *_credential_constraints("certification"),
            _valid("kind", CertificationKind, "certification_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.kind


class ExamResult(Verifiable):
    """A licensure or certification exam taken: date and pass/fail, verified like a licence."""

    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="exam_results")
    kind = models.CharField(max_length=30, choices=ExamKind.choices)
    jurisdiction = models.CharField(
        max_length=2, blank=True, help_text="USPS state code of a state exam; empty if national"
    )
    taken_on = models.DateField()
    passed = models.BooleanField()
    score = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-taken_on", "kind"]
        constraints = [
            _valid("kind", ExamKind, "exam_result_kind_valid"),
            _valid("verification", Verification, "exam_result_verification_valid"),
            models.CheckConstraint(
                condition=Q(verification=Verification.UNVERIFIED)
                | Q(verified_by__isnull=False, verified_at__isnull=False),
                name="exam_result_verification_has_who_and_when",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["STATE-LAW-ETHICS", "STATE-JURISPRUDENCE"])
                | ~Q(jurisdiction=""),
                name="exam_result_state_exam_names_state",
            ),
        ]

    def __str__(self) -> str:
        place = f" ({self.jurisdiction})" if self.jurisdiction else ""
        return f"{self.get_kind_display()}{place}, {'passed' if self.passed else 'not passed'}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if self.taken_on and self.taken_on > timezone.localdate():
            errors["taken_on"] = "An exam result cannot be dated in the future."
        state_exam = self.kind in (ExamKind.STATE_LAW_ETHICS, ExamKind.STATE_JURISPRUDENCE)
        if state_exam and not self.jurisdiction:
            errors["jurisdiction"] = "Name the state whose exam this was."
        if errors:
            raise ValidationError(errors)


class Position(TimeStampedModel):
    """A job or placement: counted by the experience requirements of the credential rules."""

    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="positions")
    employer = models.CharField(max_length=200)
    setting = models.CharField(max_length=30, choices=Setting.choices)
    role_title = models.CharField(max_length=200)
    case_management = models.BooleanField(default=True, help_text="The role was case management")
    supervises_case_managers = models.BooleanField(default=False)
    employment = models.CharField(max_length=10, choices=Employment.choices)
    hours_per_week = models.PositiveSmallIntegerField(default=40)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True, help_text="Empty while current")
    supervised = models.BooleanField(default=False)
    supervisor_name = models.CharField(max_length=150, blank=True)
    supervisor_credentials = models.CharField(
        max_length=100, blank=True, help_text="Comma-separated, e.g. 'CCM, RN'"
    )

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            _valid("setting", Setting, "position_setting_valid"),
            _valid("employment", Employment, "position_employment_valid"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="position_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__gte=1, hours_per_week__lte=80),
                name="position_hours_per_week_range",
            ),
            models.CheckConstraint(
                condition=Q(supervised=False) | ~Q(supervisor_name=""),
                name="position_supervised_names_supervisor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role_title}, {self.employer}"

    @property
    def supervisor_credential_codes(self) -> list[str]:
        return [c.strip().upper() for c in self.supervisor_credentials.split(",") if c.strip()]


class Practicum(TimeStampedModel):
    """A student's or intern's field placement, with its required hours."""

    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="practicums")
    school = models.CharField(max_length=200)
    placement_site = models.CharField(max_length=200)
    field_instructor = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="instructed_practicums"
    )
    required_hours = models.PositiveIntegerField()
    started_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(required_hours__gte=1), name="practicum_required_hours_positive"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("started_on")),
                name="practicum_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement_site} ({self.school})"


class SupervisedHours(TimeStampedModel):
    """One entry of the supervised-hours log: submitted by the staff member, signed by the
    named supervisor, then locked. Migration 0002 adds database triggers that refuse any
    UPDATE or DELETE of a signed row, so no code path can change it."""

    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="supervised_hours")
    supervisor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="hours_to_sign")
    practicum = models.ForeignKey(
        Practicum, on_delete=models.PROTECT, null=True, blank=True, related_name="hours"
    )
    worked_on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    kind = models.CharField(max_length=30, choices=HoursKind.choices)
    note = models.CharField(max_length=500, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-worked_on", "-id"]
        constraints = [
            _valid("kind", HoursKind, "supervised_hours_kind_valid"),
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lte=24), name="supervised_hours_range"
            ),
            models.CheckConstraint(
                condition=~Q(supervisor=F("user")), name="supervised_hours_not_self_signed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hours} h {self.kind} on {self.worked_on}"

    @property
    def is_locked(self) -> bool:
        return self.signed_at is not None


def certificate_path(instance: object, filename: str) -> str:
    """A random name: the uploader's filename never reaches the filesystem."""
    import uuid
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:8]
    return f"workforce/ce/{uuid.uuid4().hex}{suffix}"


def certificate_storage() -> FileSystemStorage:
    """Certificates live under MEDIA_ROOT (outside static) and are served only by a view."""
    return FileSystemStorage(location=settings.MEDIA_ROOT, base_url=None)


class ContinuingEducation(TimeStampedModel):
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="continuing_education")
    provider = models.CharField(max_length=200)
    course = models.CharField(max_length=200)
    completed_on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    category = models.CharField(max_length=20, choices=CeCategory.choices)
    certificate = models.FileField(
        storage=certificate_storage, upload_to=certificate_path, blank=True
    )
    certificate_name = models.CharField(max_length=200, blank=True)
    certificate_type = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        constraints = [
            _valid("category", CeCategory, "ce_category_valid"),
            models.CheckConstraint(condition=Q(hours__gt=0, hours__lte=200), name="ce_hours_range"),
        ]

    def __str__(self) -> str:
        return f"{self.course} ({self.hours} h)"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError
        from django.utils import timezone

        if self.completed_on and self.completed_on > timezone.localdate():
            raise ValidationError(
                {"completed_on": "Continuing education cannot be completed in the future."}
            )


class RuleSet(models.Model):
    """One version of a rule (a credential's requirements, a pathway, labour-market figures).

    The published rule (no organization) is the default; an agency may override it with
    its own versions (DOMAIN.md: "the published rule is the default and the agency can
    override it"), which then apply to that agency's staff.

    Rows are never changed: an edit inserts the next version, so every evaluation can say
    which version and source it used. ``origin`` says whether the data file or an admin
    wrote it; the newest version of a code is the one in force.
    """

    class Origin(models.TextChoices):
        FILE = "file", "Data file"
        ADMIN = "admin", "Edited by an administrator"

    class Marker(models.TextChoices):
        READ = "READ", "READ: read in the primary source"
        READ_2 = "READ-2", "READ-2: read in a secondary source"
        UNVERIFIED = "UNVERIFIED", "UNVERIFIED: not confirmed"

    code = models.CharField(max_length=40)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for the published rule; set for one agency's override of it",
    )
    kind = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    version = models.PositiveIntegerField()
    params = models.JSONField()
    source_url = models.URLField(max_length=500, blank=True)
    citation = models.CharField(max_length=500)
    marker = models.CharField(max_length=12, choices=Marker.choices)
    origin = models.CharField(max_length=6, choices=Origin.choices, default=Origin.FILE)
    note = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                condition=Q(organization__isnull=True),
                name="ruleset_unique_published_version",
            ),
            models.UniqueConstraint(
                fields=["code", "organization", "version"],
                condition=Q(organization__isnull=False),
                name="ruleset_unique_override_version",
            ),
            models.CheckConstraint(
                condition=Q(marker__in=["READ", "READ-2", "UNVERIFIED"]),
                name="ruleset_marker_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class CredentialRequirement(TimeStampedModel):
    """A program requires staff in ``role`` to hold one of ``any_of`` (licence or
    certification codes), e.g. a healthcare case manager: RN or LSW in the program's state."""

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="credential_requirements"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    any_of = models.JSONField(help_text="Licence or certification codes, e.g. ['RN', 'LSW']")
    in_program_state = models.BooleanField(
        default=True, help_text="A licence must be issued in the program's state"
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["program__name", "role"]
        constraints = [
            _valid("role", Role, "credential_requirement_role_valid"),
            models.UniqueConstraint(
                fields=["program", "role"],
                condition=Q(is_active=True),
                name="credential_requirement_one_active_per_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program}: {self.role} needs {' or '.join(self.any_of)}"


class CredentialException(TimeStampedModel):
    """An admin's time-limited permission for a staff member to work without the credential."""

    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="credential_exceptions")
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="credential_exceptions"
    )
    reason = models.CharField(max_length=500)
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField()
    granted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-ends_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="credential_exception_end_after_start",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="credential_exception_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.program} until {self.ends_on}"

    def covers(self, day: date) -> bool:
        return self.revoked_at is None and self.starts_on <= day <= self.ends_on


# Staff development lives in its own module (this one would pass 800 lines); importing it
# here registers its models in the workforce app.
from casework.workforce.development.models import (  # noqa: E402, F401
    CompetencyFramework,
    CompetencyRating,
    CompetencyReview,
    DevelopmentGoal,
    ReviewEvidence,
    StudyEntry,
)
