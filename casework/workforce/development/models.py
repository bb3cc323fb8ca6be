"""Staff development: the versioned competency framework, competency reviews (self and
supervisor ratings, signed by both, then locked), development goals, and exam preparation.

Imported by ``casework.workforce.models`` so Django registers these models in the
workforce app. A signed-off review is evidence of performance management: migration 0005
adds database triggers that refuse any change to a locked review or its ratings.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from casework.accounts.models import Organization
from casework.core.models import TimeStampedModel

USER = settings.AUTH_USER_MODEL


class Level(models.TextChoices):
    DEVELOPING = "developing", "Developing"
    COMPETENT = "competent", "Competent"
    PROFICIENT = "proficient", "Proficient"
    EXPERT = "expert", "Expert"


LEVEL_ORDER = {code: index for index, code in enumerate(Level.values)}


class CompetencyFramework(models.Model):
    """One version of the framework: the skills with their indicators, as data.

    Rows are never changed: an edit inserts the next version. The published framework has
    no organization; an agency's own version (with its own skills) overrides it for its
    staff. A review points at the version it used, so past reviews never change.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    skills = models.JSONField(help_text="[{code, name, description, indicators, origin}]")
    source = models.CharField(max_length=500)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["version"],
                condition=Q(organization__isnull=True),
                name="framework_unique_published_version",
            ),
            models.UniqueConstraint(
                fields=["organization", "version"],
                condition=Q(organization__isnull=False),
                name="framework_unique_agency_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def skill(self, code: str) -> dict | None:
        return next((s for s in self.skills if s["code"] == code), None)


class ReviewStatus(models.TextChoices):
    SELF_RATING = "self_rating", "Waiting for the staff member's self-rating"
    SUPERVISOR_RATING = "supervisor_rating", "Waiting for the supervisor's rating"
    SIGNING = "signing", "Waiting for both signatures"
    LOCKED = "locked", "Signed by both and locked"


class CompetencyReview(TimeStampedModel):
    staff = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="competency_reviews")
    supervisor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="reviews_given")
    framework = models.ForeignKey(CompetencyFramework, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.SELF_RATING
    )
    staff_signed_at = models.DateTimeField(null=True, blank=True)
    supervisor_signed_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-due_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReviewStatus.values), name="review_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(staff=F("supervisor")), name="review_not_self_supervised"
            ),
            models.CheckConstraint(
                condition=Q(locked_at__isnull=True)
                | Q(
                    status=ReviewStatus.LOCKED,
                    staff_signed_at__isnull=False,
                    supervisor_signed_at__isnull=False,
                ),
                name="review_locked_only_when_signed_by_both",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.staff} due {self.due_on}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class CompetencyRating(models.Model):
    """One skill in one review: the staff member's and the supervisor's level and comment."""

    review = models.ForeignKey(CompetencyReview, on_delete=models.PROTECT, related_name="ratings")
    skill_code = models.CharField(max_length=40)
    self_level = models.CharField(max_length=12, choices=Level.choices, blank=True)
    self_comment = models.TextField(max_length=2000, blank=True)
    supervisor_level = models.CharField(max_length=12, choices=Level.choices, blank=True)
    supervisor_comment = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["review", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "skill_code"], name="rating_one_per_skill"),
            models.CheckConstraint(
                condition=Q(self_level="") | Q(self_level__in=Level.values),
                name="rating_self_level_valid",
            ),
            models.CheckConstraint(
                condition=Q(supervisor_level="") | Q(supervisor_level__in=Level.values),
                name="rating_supervisor_level_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill_code}: {self.self_level or '-'} / {self.supervisor_level or '-'}"

    @property
    def differs(self) -> bool:
        return bool(self.self_level and self.supervisor_level) and (
            self.self_level != self.supervisor_level
        )


class GoalMethod(models.TextChoices):
    TRAINING = "training", "Training"
    SHADOWING = "shadowing", "Shadowing a colleague"
    CE_COURSE = "ce_course", "A continuing education course"
    OTHER = "other", "Other"


class GoalStatus(models.TextChoices):
    OPEN = "open", "Open"
    COMPLETED = "completed", "Completed"
    DROPPED = "dropped", "Dropped"


class DevelopmentGoal(TimeStampedModel):
    """What the staff member will develop, by when and how; closed with evidence."""

    staff = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="development_goals")
    review = models.ForeignKey(
        CompetencyReview, on_delete=models.PROTECT, null=True, blank=True, related_name="goals"
    )
    skill_code = models.CharField(max_length=40)
    what = models.CharField(max_length=300)
    by_when = models.DateField()
    method = models.CharField(max_length=12, choices=GoalMethod.choices)
    how = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    completed_on = models.DateField(null=True, blank=True)
    evidence_ce = models.ForeignKey(
        "workforce.ContinuingEducation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="development_goals",
    )
    outcome_note = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["status", "by_when", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=GoalMethod.values), name="development_goal_method_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=GoalStatus.values), name="development_goal_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=GoalStatus.COMPLETED) | Q(completed_on__isnull=False),
                name="development_goal_completed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.what


class StudyEntry(TimeStampedModel):
    """Exam preparation: planned hours for a domain, study hours done, or a practice result
    the staff member entered (Casework ships no questions)."""

    class Kind(models.TextChoices):
        PLAN = "plan", "Planned study"
        STUDY = "study", "Study hours"
        PRACTICE = "practice", "Practice result"

    staff = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="study_entries")
    exam = models.CharField(max_length=10)
    domain = models.CharField(max_length=40)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    score_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["exam", "domain", "-on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["plan", "study", "practice"]), name="study_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind="practice", score_percent__lte=100, score_percent__isnull=False)
                | Q(kind__in=["plan", "study"], hours__gt=0, hours__lte=500),
                name="study_entry_has_hours_or_score",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exam} {self.domain} {self.kind}"


class EvidenceSource(models.TextChoices):
    CASE_NOTE = "case_note", "Case note"
    TASK = "task", "Task (including crisis follow-ups)"


class ReviewEvidence(models.Model):
    """A record of the staff member's work (a signed case note, a task or crisis follow-up)
    linked to one skill of a review, with why it shows the skill.

    Names the record by kind and id only: what a viewer sees of it is decided when shown,
    through the record's own gate. Locked with the review (migration 0008's triggers).
    """

    review = models.ForeignKey(CompetencyReview, on_delete=models.PROTECT, related_name="evidence")
    skill_code = models.CharField(max_length=40)
    source = models.CharField(max_length=12, choices=EvidenceSource.choices)
    source_id = models.PositiveBigIntegerField()
    comment = models.CharField(max_length=500, blank=True)
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["review", "skill_code", "added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "skill_code", "source", "source_id"],
                name="review_evidence_once_per_skill",
            ),
            models.CheckConstraint(
                condition=Q(source__in=EvidenceSource.values), name="review_evidence_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill_code}: {self.source} {self.source_id}"
