"""Case notes: typed templates, drafts, signing, co-signature, addenda, billing rules.

A signed note is a legal record: its row never changes again (the database refuses it,
``migrations/0002``), corrections are :class:`NoteAddendum` rows with their own author and
time, and a co-signature is its own row (:class:`NoteCosignature`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from casework.accounts.models import Organization, Program
from casework.clients.models import Client, ConsentCategory
from casework.core.models import VersionedModel

USER = settings.AUTH_USER_MODEL


class NoteType(models.TextChoices):
    SOAP = "soap", "Progress note (SOAP)"
    DAP = "dap", "Progress note (DAP)"
    BIRP = "birp", "Progress note (BIRP)"
    GIRP = "girp", "Progress note (GIRP)"
    CONTACT = "contact", "Contact note"
    COLLATERAL = "collateral", "Collateral contact"
    SUPERVISION = "supervision", "Supervision note"


# Each template's sections, in order: (key, heading, prompt). The prompts ask for this
# contact's facts; nothing is pre-filled, so no note starts as a copy of another.
TEMPLATES: dict[str, tuple[tuple[str, str, str], ...]] = {
    NoteType.SOAP: (
        ("subjective", "Subjective", "What the client or someone close to them reported."),
        ("objective", "Objective", "What you observed; measurable facts, screening results."),
        ("assessment", "Assessment", "Your interpretation and the progress judgment."),
        ("plan", "Plan", "Next steps: services, referrals, follow-up, next contact."),
    ),
    NoteType.DAP: (
        ("data", "Data", "What the client said and did, and the interventions used."),
        ("assessment", "Assessment", "Your interpretation, progress toward goals, risk."),
        ("plan", "Plan", "Next actions, referrals, next contact."),
    ),
    NoteType.BIRP: (
        ("behavior", "Behavior", "The client's presentation and the stated problem."),
        ("intervention", "Intervention", "What you did."),
        ("response", "Response", "How the client responded."),
        ("plan", "Plan", "Next steps."),
    ),
    NoteType.GIRP: (
        ("goal", "Goal", "The service-plan goal addressed, in the plan's words."),
        ("intervention", "Intervention", "What was done toward it."),
        ("response", "Response", "The client's response and progress toward the goal."),
        ("plan", "Plan", "Next steps and any change to the goal."),
    ),
    NoteType.CONTACT: (
        ("purpose", "Purpose", "Why the contact happened."),
        ("summary", "Summary", "What was discussed or done."),
        ("next_steps", "Next steps", "What happens next, and by whom."),
    ),
    NoteType.COLLATERAL: (
        (
            "contact_with",
            "Contact with",
            "Who you spoke with and their relationship to the client.",
        ),
        ("summary", "Summary", "What was shared and the consent it was shared under."),
        ("next_steps", "Next steps", "What happens next, and by whom."),
    ),
    NoteType.SUPERVISION: (
        ("topics", "Topics reviewed", "Cases, risks and practice questions discussed."),
        ("guidance", "Guidance given", "Direction from the supervisor."),
        ("follow_up", "Follow-up", "What the worker will do, by when."),
    ),
}


class NoteContactMethod(models.TextChoices):
    FACE_TO_FACE = "face_to_face", "Face to face"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    COLLATERAL = "collateral", "Collateral contact"


class NoteStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


class NoteQuerySet(models.QuerySet["CaseNote"]):
    def drafts(self) -> NoteQuerySet:
        return self.filter(status=NoteStatus.DRAFT)

    def signed(self) -> NoteQuerySet:
        return self.filter(status=NoteStatus.SIGNED)

    def awaiting_cosign(self) -> NoteQuerySet:
        return self.signed().filter(cosign_required=True, cosignature__isnull=True)


class CaseNote(VersionedModel):
    """One documented contact or service, in one template.

    ``sections`` maps the template's keys to text. ``search_text`` is the sections joined
    (kept by ``save``) and is what full-text search reads. Units, rule and service code are
    fixed at signing from the program's billing rule. ``goal_ids`` name plan goals; the
    ``*_id`` link fields name a task, appointment, referral or crisis event of the client.
    """

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="case_notes")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="case_notes")
    note_type = models.CharField(max_length=12, choices=NoteType.choices)
    category = models.CharField(
        max_length=20,
        choices=ConsentCategory.choices,
        default=ConsentCategory.GENERAL,
        help_text="The kind of information, for consent: who outside the program may read it.",
    )
    contact_method = models.CharField(max_length=14, choices=NoteContactMethod.choices)
    service_at = models.DateTimeField("date and time of service")
    duration_minutes = models.PositiveSmallIntegerField(default=0)
    travel_minutes = models.PositiveSmallIntegerField(
        default=0, help_text="Recorded, never billed (CMS case-management guidance)."
    )
    location = models.CharField(max_length=200, blank=True)
    sections = models.JSONField(default=dict, blank=True)
    search_text = models.TextField(blank=True, editable=False)
    goal_ids = models.JSONField(default=list, blank=True)
    task_id = models.PositiveBigIntegerField(null=True, blank=True)
    appointment_id = models.PositiveBigIntegerField(null=True, blank=True)
    referral_id = models.PositiveBigIntegerField(null=True, blank=True)
    crisis_event_id = models.PositiveBigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=NoteStatus.choices, default=NoteStatus.DRAFT)
    signed_at = models.DateTimeField(null=True, blank=True)
    signature = models.CharField(max_length=300, blank=True)
    late_entry = models.BooleanField(default=False)
    cosign_required = models.BooleanField(default=False)
    units = models.PositiveSmallIntegerField(null=True, blank=True)
    unit_rule = models.CharField(max_length=40, blank=True)
    service_code = models.CharField(max_length=20, blank=True)

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["-service_at", "-id"]
        indexes = [
            models.Index(fields=["client", "-service_at"], name="note_client_service"),
            models.Index(fields=["author", "status", "created_at"], name="note_author_status"),
            models.Index(fields=["program", "status", "service_at"], name="note_program_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(note_type__in=NoteType.values), name="note_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(contact_method__in=NoteContactMethod.values),
                name="note_contact_method_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", signed_at__isnull=True)
                | Q(status="signed", signed_at__isnull=False) & ~Q(signature=""),
                name="note_signed_has_signature",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__lte=1440), name="note_duration_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_note_type_display()} {self.service_at:%Y-%m-%d}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_text = self.joined_text()
        super().save(*args, **kwargs)  # type: ignore[arg-type]  # Model.save's own signature

    def joined_text(self) -> str:
        keys = [key for key, _h, _p in TEMPLATES.get(self.note_type, ())]
        return "\n\n".join(str(self.sections.get(k, "")) for k in keys if self.sections.get(k))

    @property
    def is_signed(self) -> bool:
        return self.status == NoteStatus.SIGNED

    def section_rows(self) -> list[dict[str, str]]:
        return [
            {"key": key, "heading": heading, "prompt": prompt, "text": self.sections.get(key, "")}
            for key, heading, prompt in TEMPLATES.get(self.note_type, ())
        ]


class NoteAddendum(models.Model):
    """A dated correction or addition to a signed note, by its own author. Never changed."""

    note = models.ForeignKey(CaseNote, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    signature = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Addendum {self.created_at:%Y-%m-%d}"


class NoteCosignature(models.Model):
    """A supervisor's co-signature of a trainee's signed note. Never changed."""

    note = models.OneToOneField(CaseNote, on_delete=models.PROTECT, related_name="cosignature")
    supervisor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    signature = models.CharField(max_length=300)
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-signed_at"]

    def __str__(self) -> str:
        return f"Co-signature {self.signed_at:%Y-%m-%d}"


class UnitRule(models.TextChoices):
    """How minutes become billable units (rule sets a program picks, as data)."""

    MEDICARE_TOTAL_TIME = "medicare_total_time", "CMS 8-minute rule (15-minute units)"
    CONTINUOUS_BLOCK = "continuous_block", "Whole 15-minute blocks only"
    MONTANA_BRACKETS = "montana_brackets", "Montana TCM brackets (8-23 min is one unit)"


class ProgramBilling(models.Model):
    """A program's billing: the unit rule and the service code its notes bill under."""

    program = models.OneToOneField(Program, on_delete=models.PROTECT, related_name="billing")
    unit_rule = models.CharField(
        max_length=40, choices=UnitRule.choices, default=UnitRule.MEDICARE_TOTAL_TIME
    )
    service_code = models.CharField(max_length=20, default="T1016")
    face_to_face_modifier = models.CharField(max_length=4, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_rule__in=UnitRule.values), name="billing_unit_rule_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.program}: {self.service_code}"


class Attachment(models.Model):
    """A file on a client (and optionally one of their notes), stored under a random name in
    the ``attachments`` storage; served only through the access-checked, audited view."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        PNG = "png", "PNG image"
        JPG = "jpg", "JPEG image"
        DOCX = "docx", "Word document"
        XLSX = "xlsx", "Excel workbook"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="attachments")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    note = models.ForeignKey(
        CaseNote, on_delete=models.PROTECT, related_name="attachments", null=True, blank=True
    )
    kind = models.CharField(max_length=5, choices=Kind.choices)
    title = models.CharField(max_length=200)
    stored_name = models.CharField(max_length=200, unique=True, editable=False)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["pdf", "png", "jpg", "docx", "xlsx"]),
                name="attachment_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return self.title
