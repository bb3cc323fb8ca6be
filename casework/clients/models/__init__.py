"""Client data: the client, enrollments, consent, and the intake record.

The models live in submodules by concern; import them from here.
"""

from casework.clients.models.client import Client, ClientQuerySet, normalize_name
from casework.clients.models.codes import ContactMethod, DataQuality, NoYesReasons, Race, Sex
from casework.clients.models.consent import (
    BreakGlassAccess,
    Consent,
    ConsentCategory,
    ConsentQuerySet,
)
from casework.clients.models.enrollment import (
    OPEN_ENROLLMENT_STATUSES,
    Enrollment,
    EnrollmentQuerySet,
    EnrollmentStatus,
)

__all__ = [
    "OPEN_ENROLLMENT_STATUSES",
    "BreakGlassAccess",
    "Client",
    "ClientQuerySet",
    "Consent",
    "ConsentCategory",
    "ConsentQuerySet",
    "ContactMethod",
    "DataQuality",
    "Enrollment",
    "EnrollmentQuerySet",
    "EnrollmentStatus",
    "NoYesReasons",
    "Race",
    "Sex",
    "normalize_name",
]
