"""Code lists, mostly HUD HMIS FY2026 (DOMAIN.md §3), as Django choices."""

from __future__ import annotations

from django.db import models


class Sex(models.IntegerChoices):
    """HMIS data element 4.21 Sex (HUD, HMIS Data Standards Manual, FY2026)."""

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


class RelationshipToHoH(models.IntegerChoices):
    """HMIS 3.15.1 RelationshipToHoH."""

    SELF = 1, "Self (head of household)"
    CHILD = 2, "Head of household's child"
    SPOUSE_OR_PARTNER = 3, "Head of household's spouse or partner"
    OTHER_RELATIVE = 4, "Head of household's other relation member"
    UNRELATED = 5, "Other: non-relation member"
    NOT_COLLECTED = 99, "Data not collected"


class DisabilityType(models.IntegerChoices):
    """HMIS 1.3 DisabilityType."""

    PHYSICAL = 5, "Physical disability"
    DEVELOPMENTAL = 6, "Developmental disability"
    CHRONIC_HEALTH = 7, "Chronic health condition"
    HIV_AIDS = 8, "HIV/AIDS"
    MENTAL_HEALTH = 9, "Mental health disorder"
    SUBSTANCE_USE = 10, "Substance use disorder"


class SubstanceUseResponse(models.IntegerChoices):
    """HMIS 4.10.2 DisabilityResponse for substance use disorder."""

    NO = 0, "No"
    ALCOHOL = 1, "Alcohol use disorder"
    DRUG = 2, "Drug use disorder"
    BOTH = 3, "Both alcohol and drug use disorders"
    DOES_NOT_KNOW = 8, "Client doesn't know"
    PREFERS_NOT = 9, "Client prefers not to answer"
    NOT_COLLECTED = 99, "Data not collected"


class Destination(models.IntegerChoices):
    """HMIS 3.12 Destination (FY2026 three-digit codes; DOMAIN.md §3)."""

    EMERGENCY_SHELTER = 101, "Emergency shelter, incl. hotel/motel paid for with ES voucher"
    NOT_FOR_HABITATION = 116, "Place not meant for habitation"
    SAFE_HAVEN = 118, "Safe Haven"
    PSYCHIATRIC = 204, "Psychiatric hospital or other psychiatric facility"
    SUBSTANCE_TREATMENT = 205, "Substance abuse treatment facility or detox center"
    HOSPITAL = 206, "Hospital or other residential non-psychiatric medical facility"
    JAIL = 207, "Jail, prison, or juvenile detention facility"
    FOSTER_CARE = 215, "Foster care home or foster care group home"
    LONG_TERM_CARE = 225, "Long-term care facility or nursing home"
    TRANSITIONAL = 302, "Transitional housing for homeless persons"
    FAMILY_TEMPORARY = 312, "Staying or living with family, temporary tenure"
    FRIENDS_TEMPORARY = 313, "Staying or living with friends, temporary tenure"
    HOTEL_NO_VOUCHER = 314, "Hotel or motel paid for without emergency shelter voucher"
    HOPWA_TEMPORARY = 327, "Moved from one HOPWA funded project to HOPWA TH"
    RESIDENTIAL = 329, "Residential project or halfway house with no homeless criteria"
    HOST_HOME = 332, "Host Home (non-crisis)"
    RENTAL_NO_SUBSIDY = 410, "Rental by client, no ongoing housing subsidy"
    OWNED_NO_SUBSIDY = 411, "Owned by client, no ongoing housing subsidy"
    OWNED_SUBSIDY = 421, "Owned by client, with ongoing housing subsidy"
    FAMILY_PERMANENT = 422, "Staying or living with family, permanent tenure"
    FRIENDS_PERMANENT = 423, "Staying or living with friends, permanent tenure"
    HOPWA_PERMANENT = 426, "Moved from one HOPWA funded project to HOPWA PH"
    RENTAL_SUBSIDY = 435, "Rental by client, with ongoing housing subsidy"
    DECEASED = 24, "Deceased"
    NO_EXIT_INTERVIEW = 30, "No exit interview completed"
    OTHER = 17, "Other"
    DOES_NOT_KNOW = 8, "Client doesn't know"
    PREFERS_NOT = 9, "Client prefers not to answer"
    NOT_COLLECTED = 99, "Data not collected"


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", "Goals met"
    MOVED = "moved", "Moved"
    DECLINED = "declined_services", "Declined services"
    LOST_CONTACT = "lost_contact", "Lost contact"
    DECEASED = "deceased", "Deceased"
    TRANSFERRED = "transferred", "Transferred"
    OTHER = "other", "Other"
