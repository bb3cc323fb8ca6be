"""Code lists, mostly HUD HMIS FY2026 (DOMAIN.md §3), as Django choices."""

from __future__ import annotations

from django.db import models


class Sex(models.IntegerChoices):
    """HMIS FY2026 data element 4.21 Sex (DOMAIN.md §3)."""

    FEMALE = 0, "Female"
    MALE = 1, "Male"
    DOES_NOT_KNOW = 8, "Client doesn't know"
    PREFERS_NOT = 9, "Client prefers not to answer"
    NOT_COLLECTED = 99, "Data not collected"


class DataQuality(models.IntegerChoices):
    """HMIS 3.01.5 / 3.02.2 / 3.03.2: name, SSN and date-of-birth data quality."""

    FULL = 1, "Full"
    PARTIAL = 2, "Partial or approximate"
    DOES_NOT_KNOW = 8, "Client doesn't know"
    PREFERS_NOT = 9, "Client prefers not to answer"
    NOT_COLLECTED = 99, "Data not collected"


class NoYesReasons(models.IntegerChoices):
    """HMIS 1.8 NoYesReasonsForMissingData (used for veteran status)."""

    NO = 0, "No"
    YES = 1, "Yes"
    DOES_NOT_KNOW = 8, "Client doesn't know"
    PREFERS_NOT = 9, "Client prefers not to answer"
    NOT_COLLECTED = 99, "Data not collected"


class Race(models.TextChoices):
    """HMIS FY2026 race and ethnicity flags (Client.csv); several may apply."""

    AM_IND_AK_NATIVE = "AmIndAKNative", "American Indian, Alaska Native, or Indigenous"
    ASIAN = "Asian", "Asian or Asian American"
    BLACK_AF_AMERICAN = "BlackAfAmerican", "Black, African American, or African"
    HISPANIC_LATINAO = "HispanicLatinao", "Hispanic/Latina/o"
    MID_EAST_N_AFRICAN = "MidEastNAfrican", "Middle Eastern or North African"
    NATIVE_HI_PACIFIC = "NativeHIPacific", "Native Hawaiian or Pacific Islander"
    WHITE = "White", "White"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    MAIL = "mail", "Mail"
    IN_PERSON = "in_person", "In person only"
