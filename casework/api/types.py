"""Field types and schema bases shared by the API's input schemas.

Input is checked before it reaches a service or the database: strings have the model's
length limit and may not hold NUL or unpaired surrogates (PostgreSQL refuses both, which
would otherwise surface as a 500), ids are positive 63-bit integers, and unknown fields are
refused (``extra="forbid"``) so a misspelt field is an error rather than silently ignored.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from ninja import Schema
from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from casework.core import places

MAX_ID = 2**63 - 1


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Text may not contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("Text must be valid Unicode.") from None
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Text30 = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=30), AfterValidator(_storable)
]
Text100 = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=100), AfterValidator(_storable)
]
Text200 = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(_storable)
]
Text300 = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=300), AfterValidator(_storable)
]
Text500 = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=500), AfterValidator(_storable)
]
Text254 = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=254), AfterValidator(_storable)
]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(_storable),
]
State = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=30),
    AfterValidator(_storable),
    AfterValidator(places.clean_state),
    Field(description="USPS two-letter code (a full state name is accepted and converted)."),
]
Phone = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=30),
    AfterValidator(_storable),
    AfterValidator(places.clean_phone),
    Field(description="Parsed as a US number unless it starts with +; stored formatted."),
]
PostalCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=10),
    AfterValidator(_storable),
    AfterValidator(places.clean_zip),
    Field(description="ZIP code: 5 digits, or 9 as 12345-6789."),
]


class InputSchema(Schema):
    """Base of every request body and filter schema: unknown fields are an error, and no
    text field may carry a NUL (PostgreSQL cannot store one: it would be a 500, not a 422)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return _storable(value) if isinstance(value, str) else value


class PatchSchema(InputSchema):
    """Base of PATCH bodies: every field optional; only ``NULLABLE`` fields may be ``null``.

    Fields are typed ``X | None = None`` so that "not sent" is distinguishable (it is left
    out of ``model_dump(exclude_unset=True)``); an explicit ``null`` is refused here.
    """

    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.NULLABLE:
            raise ValueError("This field may not be null.")
        return value


# ``openapi_extra`` of an operation that answers with a stored document (a download).
DOCUMENT_DOWNLOAD: dict[str, Any] = {
    "responses": {
        200: {
            "description": "The stored PDF, PNG or JPEG file, typed by its sniffed content.",
            "content": {
                media: {"schema": {"type": "string", "format": "binary"}}
                for media in ("application/pdf", "image/png", "image/jpeg")
            },
        }
    }
}
