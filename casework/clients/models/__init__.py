"""Client data: the client, enrollments, consent, and the intake record.

The models live in submodules by concern; import them from here.
"""

from casework.clients.models.client import Client, ClientQuerySet, normalize_name
from casework.clients.models.codes import (
    ClosureReason,
    ContactMethod,
    DataQuality,
    Destination,
    DisabilityType,
    NoYesReasons,
    Race,
    RelationshipToHoH,
    Sex,
    SubstanceUseResponse,
)
from casework.clients.models.consent import (
    BreakGlassAccess,
    Consent,
    ConsentCategory,
    ConsentElementSet,
    ConsentQuerySet,
    ExpiryEvent,
)
from casework.clients.models.duplicates import ClientMerge, DuplicateCandidate
from casework.clients.models.enrollment import (
    OPEN_ENROLLMENT_STATUSES,
    Enrollment,
    EnrollmentQuerySet,
    EnrollmentStatus,
)
from casework.clients.models.record import (
    RECORD_PARTS,
    ClientAddress,
    ClientIdentifier,
    ClientName,
    ClientPart,
    ContactPoint,
    Disability,
    EmergencyContact,
    HouseholdMember,
    InsuranceCoverage,
)

__all__ = [
    "OPEN_ENROLLMENT_STATUSES",
    "RECORD_PARTS",
    "BreakGlassAccess",
    "Client",
    "ClientAddress",
    "ClientIdentifier",
    "ClientMerge",
    "ClientName",
    "ClientPart",
    "ClientQuerySet",
    "ClosureReason",
    "Consent",
    "ConsentCategory",
    "ConsentElementSet",
    "ConsentQuerySet",
    "ContactMethod",
    "ContactPoint",
    "DataQuality",
    "Destination",
    "Disability",
    "DisabilityType",
    "DuplicateCandidate",
    "EmergencyContact",
    "Enrollment",
    "EnrollmentQuerySet",
    "EnrollmentStatus",
    "ExpiryEvent",
    "HouseholdMember",
    "InsuranceCoverage",
    "NoYesReasons",
    "Race",
    "RelationshipToHoH",
    "Sex",
    "SubstanceUseResponse",
    "normalize_name",
]
