"""The client: a person served by an agency.

Every client-scoped row carries ``organization`` (the tenant key). Visibility is decided
by :meth:`ClientQuerySet.visible_to`; loading one client for display or change goes through
:func:`casework.clients.permissions.access_client`.
"""

from __future__ import annotations

import heapq
import unicodedata
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from casework.accounts.models import Organization
from casework.clients.matching.records import phonetic
from casework.clients.models.codes import ContactMethod, DataQuality, NoYesReasons, Race, Sex
from casework.core.models import VersionedModel

# Built once: ``Race.values`` rebuilds its list on every access (a CSV import checks 20,000).
_RACE_CODES = frozenset(Race.values)

if TYPE_CHECKING:
    from casework.accounts.access import UserAccess

SOUND_LENGTH = 100
# Columns derived from the names for indexed search; see search_keys().
SEARCH_KEY_FIELDS = (
    "family_name_key",
    "given_name_key",
    "preferred_name_key",
    "family_name_sound",
    "given_name_sound",
)


def normalize_name(value: str) -> str:
    """Lower-case, accent-free, letters/digits/spaces only: the form names are searched in."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    cleaned = "".join(ch if ch.isalnum() else " " for ch in stripped.lower())
    return " ".join(cleaned.split())


def name_sound(key: str) -> str:
    """The NYSIIS code of a normalized name (``normalize_name``), as intake blocks on it.

    The same code the matcher computes for an incoming name, so "Smyth" finds "Smith"
    through an index instead of a fuzzy scan.
    """
    return phonetic(key)[:SOUND_LENGTH]


def search_keys(given_name: str, family_name: str, preferred_name: str) -> dict[str, str]:
    """The derived search columns of a client with these names (``SEARCH_KEY_FIELDS``).

    ``Client.save()`` stores them; code that writes rows without ``save()`` (the demo
    loader, benchmarks) must store the same values.
    """
    family_key = normalize_name(family_name)[:100]
    given_key = normalize_name(given_name)[:100]
    return {
        "family_name_key": family_key,
        "given_name_key": given_key,
        "preferred_name_key": normalize_name(preferred_name)[:100],
        "family_name_sound": name_sound(family_key),
        "given_name_sound": name_sound(given_key),
    }


def has_consents_to(access: UserAccess) -> bool:
    """Whether any consent in force names the user's organizations or programs (memoized).

    Most staff receive none; leaving the consent ``EXISTS`` out of their visibility query
    lets the database plan it as a plain semi-join on enrollments.
    """
    if "consents" not in access.memo:
        from casework.clients.models.consent import Consent

        staff_orgs = access.org_wide_org_ids | frozenset(access.program_org.values())
        access.memo["consents"] = (
            Consent.objects.in_force()
            .to_recipient(organization_ids=staff_orgs, program_ids=access.program_ids)
            .exists()
        )
    return bool(access.memo["consents"])


def has_break_glass(access: UserAccess) -> bool:
    """Whether the user holds any unexpired emergency access (memoized per request)."""
    if "glass" not in access.memo:
        from casework.clients.models.consent import BreakGlassAccess

        access.memo["glass"] = BreakGlassAccess.objects.filter(
            user_id=access.user_id or 0, expires_at__gt=timezone.now()
        ).exists()
    return bool(access.memo["glass"])


NAME_ORDER = ("family_name_key", "given_name_key", "id")
NAME_KEYS = ("family_name_key", "given_name_key", "preferred_name_key")
SEARCH_BRANCHES = (
    ("family_name_key", "given_name_key"),
    ("given_name_key", "family_name_key"),
    ("preferred_name_key", "family_name_key"),
)


class ClientQuerySet(models.QuerySet["Client"]):
    def active(self) -> ClientQuerySet:
        return self.filter(is_active=True)

    def visible_to(self, user: object) -> ClientQuerySet:
        """Clients the user may see.

        Through an enrollment in one of their programs; through an organization-wide role
        (org admin, auditor) in the client's organization; through a consent in force that
        names their organization or program as recipient; or through an unexpired
        break-the-glass access. Partner users see no client records here (referrals later
        send them what they need).
        """
        from casework.accounts.access import access_for
        from casework.clients.models.consent import BreakGlassAccess, Consent
        from casework.clients.models.enrollment import Enrollment

        access: UserAccess = access_for(user)
        if access.is_empty:
            return self.none()
        condition: Any = Q(organization_id__in=access.org_wide_org_ids)
        if access.program_ids:
            enrolled = Enrollment.objects.filter(
                client_id=OuterRef("pk"), program_id__in=access.program_ids
            )
            condition |= Exists(enrolled)
        if has_break_glass(access):
            glass = BreakGlassAccess.objects.filter(
                client_id=OuterRef("pk"),
                user_id=access.user_id or 0,
                expires_at__gt=timezone.now(),
            )
            condition |= Exists(glass)
        staff_orgs = access.org_wide_org_ids | frozenset(access.program_org.values())
        if not has_consents_to(access):
            # Without a consent, every client a staff member reaches is in one of their own
            # organizations (an enrollment shares its program's organization; emergency
            # access never crosses organizations). Saying so lets the database walk the
            # (organization, name) indexes in order.
            return self.filter(condition, organization_id__in=staff_orgs)
        consented = (
            Consent.objects.in_force()
            .filter(client_id=OuterRef("pk"))
            .to_recipient(organization_ids=staff_orgs, program_ids=access.program_ids)
        )
        return self.filter(condition | Exists(consented))

    def search(self, text: str = "", date_of_birth: date | None = None) -> ClientQuerySet:
        """Prefix search on family or given (legal or preferred) name, plus date of birth.

        Each word must start a name part. Prefix matching is written as a range
        (``>= 'smi' AND < 'smi\\uffff'``) so both SQLite and PostgreSQL use the name indexes.
        """
        qs = self
        for word in normalize_name(text).split()[:4]:
            qs = qs.filter(
                _prefix(NAME_KEYS[0], word)
                | _prefix(NAME_KEYS[1], word)
                | _prefix(NAME_KEYS[2], word)
            )
        if date_of_birth:
            qs = qs.filter(date_of_birth=date_of_birth)
        return qs

    def search_page(
        self, text: str, date_of_birth: date | None = None, *, offset: int = 0, limit: int = 25
    ) -> list[Client]:
        """One page of a name search, ordered by the name that matched.

        The first word is looked up in each name index separately (family, given,
        preferred), each branch read in index order and cut at the page; the branches are
        merged in Python. One OR over three ranges would make the database fetch and sort
        every match (tens of thousands for a common prefix at a million clients).

        A second word splits each branch by the name it starts: "bro ti" reads family names
        from "bro" whose given name starts "ti", then those whose preferred or family name
        does. The name indexes hold all three names, so each such part is index ranges that
        skip every row it does not return, where one OR would read every "bro..." row.

        The branches read only the names and ids; the page's clients come in one last query.
        """
        words = normalize_name(text).split()[:4]
        if not words:
            ordered = self.search("", date_of_birth).order_by(*NAME_ORDER)
            return list(ordered[offset : offset + limit])
        first, rest = words[0], words[1:]
        base = self.search(" ".join(rest[1:]), date_of_birth)
        end = offset + limit
        branches = []
        for key, then in SEARCH_BRANCHES:
            branch = base.filter(_prefix(key, first))
            parts = (
                [branch.filter(_prefix(name, rest[0])) for name in NAME_KEYS] if rest else [branch]
            )
            ranked = [
                list(p.order_by(key, then, "id").values_list(key, then, "id")[:end]) for p in parts
            ]
            branches.append(_merge_unique(ranked)[:end])
        page = [pk for _, _, pk in _merge_unique(branches)[offset:end]]
        found = self.in_bulk(page)
        return [found[pk] for pk in page if pk in found]


NameRank = tuple[str, str, int]


def _prefix(key: str, word: str) -> Q:
    """``key`` starts with ``word``, as a range an index can read."""
    return Q(**{f"{key}__gte": word, f"{key}__lt": word + "\uffff"})


def _merge_unique(runs: list[list[NameRank]]) -> list[NameRank]:
    """Sorted (name, name, id) runs merged into one, each id once (it may match in several)."""
    seen: set[int] = set()
    merged = []
    for rank in heapq.merge(*runs):
        if rank[2] not in seen:
            seen.add(rank[2])
            merged.append(rank)
    return merged


# A client whose stored date of birth the intake search cannot trust: none, or one marked
# approximate or partial (HMIS data quality 2). The intake search's SQL says the same.
UNDATED = Q(date_of_birth__isnull=True) | Q(dob_data_quality=DataQuality.PARTIAL)


class Client(VersionedModel):
    """A person served by the agency."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="clients")
    given_name = models.CharField("legal first name", max_length=100)
    middle_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField("legal last name", max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.PositiveSmallIntegerField(choices=Sex.choices, default=Sex.NOT_COLLECTED)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address_line1 = models.CharField("street address", max_length=200, blank=True)
    address_line2 = models.CharField("apartment, suite, unit", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    name_data_quality = models.PositiveSmallIntegerField(
        choices=DataQuality.choices, default=DataQuality.FULL
    )
    dob_data_quality = models.PositiveSmallIntegerField(
        choices=DataQuality.choices, default=DataQuality.NOT_COLLECTED
    )
    race_ethnicity = models.JSONField(default=list, blank=True)
    race_none = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=[(code, label) for code, label in DataQuality.choices if code >= 8],
    )
    additional_race_ethnicity = models.CharField(max_length=100, blank=True)
    primary_language = models.CharField(max_length=50, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    veteran_status = models.PositiveSmallIntegerField(
        choices=NoYesReasons.choices, default=NoYesReasons.NOT_COLLECTED
    )
    # The SSN is stored only encrypted (core.crypto, a key from the environment); the last
    # four digits are kept apart so the masked form can be shown without decrypting.
    ssn_encrypted = models.TextField(blank=True, editable=False)
    ssn_last4 = models.CharField(max_length=4, blank=True, editable=False)
    ssn_data_quality = models.PositiveSmallIntegerField(
        choices=DataQuality.choices, default=DataQuality.NOT_COLLECTED
    )
    address_confidential = models.BooleanField(
        "confidential address",
        default=False,
        help_text="Hide the address from everyone outside the client's care team.",
    )
    preferred_contact_method = models.CharField(
        max_length=10, choices=ContactMethod.choices, blank=True
    )
    safe_contact_times = models.CharField(max_length=200, blank=True)
    pcp_name = models.CharField("primary care provider", max_length=200, blank=True)
    pcp_practice = models.CharField("primary care practice", max_length=200, blank=True)
    pcp_phone = models.CharField("primary care phone", max_length=30, blank=True)
    is_active = models.BooleanField(default=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Set when this record was merged into another; undone by unmerge.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Normalized copies for indexed prefix search; kept in step by save().
    family_name_key = models.CharField(max_length=100, editable=False, default="")
    given_name_key = models.CharField(max_length=100, editable=False, default="")
    preferred_name_key = models.CharField(max_length=100, editable=False, default="")
    # Phonetic codes of the name keys (name_sound): intake's blocking keys for misspellings.
    family_name_sound = models.CharField(max_length=SOUND_LENGTH, editable=False, default="")
    given_name_sound = models.CharField(max_length=SOUND_LENGTH, editable=False, default="")

    objects = ClientQuerySet.as_manager()

    # Set by the access gate on the loaded instance (never stored): how the reader reaches
    # the client, which consent categories that opens, and whether the address was hidden.
    access_basis: str = ""
    access_categories: frozenset[str] = frozenset()
    address_hidden: bool = False
    #: ``clients.disclosure.DisclosureNotice`` when reached through a consent, else None
    disclosure_notice: Any = None

    EDITABLE_FIELDS = (
        "given_name",
        "middle_name",
        "family_name",
        "preferred_name",
        "date_of_birth",
        "sex",
        "phone",
        "email",
        "address_line1",
        "address_line2",
        "city",
        "state",
        "postal_code",
    )
    # Intake-record fields (issue 3), editable through the same services.
    PROFILE_FIELDS = (
        "pronouns",
        "name_data_quality",
        "dob_data_quality",
        "race_ethnicity",
        "race_none",
        "additional_race_ethnicity",
        "primary_language",
        "interpreter_needed",
        "veteran_status",
        "ssn_data_quality",
        "address_confidential",
        "preferred_contact_method",
        "safe_contact_times",
        "pcp_name",
        "pcp_practice",
        "pcp_phone",
    )
    ADDRESS_FIELDS = ("address_line1", "address_line2", "city", "state", "postal_code")

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        indexes = [
            # Name search reads these in order and stops at the page (search_page). The
            # third name after the id changes no order, but lets a second search word be
            # tested in the index instead of on every row of the first word's range.
            models.Index(
                fields=[
                    "organization",
                    "family_name_key",
                    "given_name_key",
                    "id",
                    "preferred_name_key",
                ],
                name="client_org_family_names",
            ),
            models.Index(
                fields=[
                    "organization",
                    "given_name_key",
                    "family_name_key",
                    "id",
                    "preferred_name_key",
                ],
                name="client_org_given_names",
            ),
            models.Index(
                fields=[
                    "organization",
                    "preferred_name_key",
                    "family_name_key",
                    "id",
                    "given_name_key",
                ],
                name="client_org_preferred_names",
            ),
            models.Index(
                fields=["family_name_key", "given_name_key", "id"], name="client_family_order"
            ),
            models.Index(
                fields=["given_name_key", "family_name_key", "id"], name="client_given_order"
            ),
            # Intake search (clients.intake_search, its date branches) reads these: a birthday
            # and the dates one keystroke away, with the names' first letters (covered, so
            # no row is read to filter on them) or their sounds; both names sounding alike,
            # born the same year.
            models.Index(
                fields=["date_of_birth", "family_name_key", "given_name_key"],
                name="client_dob_names",
            ),
            models.Index(
                fields=["family_name_sound", "date_of_birth"], name="client_family_sound_dob"
            ),
            models.Index(
                fields=["given_name_sound", "date_of_birth"], name="client_given_sound_dob"
            ),
            models.Index(
                fields=["given_name_sound", "family_name_sound", "date_of_birth"],
                name="client_sounds_dob",
            ),
            # Intake search with a birth date looks by name among the clients whose stored
            # date cannot be trusted (blank, or marked approximate). Read through the full
            # name indexes, a common family name meant thousands of rows checked for the
            # few undated ones: 17 ms of a search at a million clients. These hold only
            # the undated clients, and the search writes the same condition so that both
            # databases use them (decision 0112).
            *(
                models.Index(
                    fields=list(columns), condition=UNDATED, name=f"client_undated_{suffix}"
                )
                for suffix, columns in (
                    ("family", ("family_name_key", "given_name_key")),
                    ("given", ("given_name_key", "family_name_key")),
                    ("sounds", ("given_name_sound", "family_name_sound")),
                )
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="client_sex_valid"),
            models.CheckConstraint(
                condition=~Q(given_name="") & ~Q(family_name=""), name="client_names_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def ssn_masked(self) -> str:
        return f"***-**-{self.ssn_last4}" if self.ssn_last4 else ""

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.given_name
        return f"{first} {self.family_name}".strip()

    def refresh_search_keys(self) -> None:
        keys = search_keys(self.given_name, self.family_name, self.preferred_name)
        for name, value in keys.items():
            setattr(self, name, value)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        errors: dict[str, str] = {}
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            errors["date_of_birth"] = "Date of birth cannot be in the future."
        if self.date_of_birth and self.date_of_birth.year < 1900:
            errors["date_of_birth"] = "Date of birth must be in 1900 or later."
        if self.state and not (len(self.state) == 2 and self.state.isalpha()):
            errors["state"] = "Use the two-letter state code, e.g. NY."
        unknown_races = set(self.race_ethnicity or []) - _RACE_CODES
        if not isinstance(self.race_ethnicity, list) or unknown_races:
            errors["race_ethnicity"] = f"Unknown race or ethnicity codes: {sorted(unknown_races)}."
        elif self.race_ethnicity and self.race_none is not None:
            errors["race_none"] = "Leave this empty when a race or ethnicity is recorded."
        if errors:
            raise ValidationError(errors)
        self.state = self.state.upper()

    def save(self, *args: object, **kwargs: object) -> None:
        self.refresh_search_keys()
        super().save(*args, **kwargs)  # type: ignore[arg-type]
