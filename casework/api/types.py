"""Field types and schema bases shared by the API's input schemas.

Input is checked before it reaches a service or the database: strings have the model's
length limit and may not hold NUL or unpaired surrogates (PostgreSQL refuses both, which
would otherwise surface as a 500), ids are positive 63-bit integers, and unknown fields are
refused (``extra="forbid"``) so a misspelt field is an error rather than silently ignored.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import re
import types
import typing
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
from casework.core.db import MAX_ID


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Text may not contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("Text must be valid Unicode.") from None
    return value


def _storable_all(value: Any) -> Any:
    """``_storable`` for text and for each text item of a list."""
    if isinstance(value, str):
        return _storable(value)
    if isinstance(value, list | tuple):
        for item in value:
            _storable_all(item)
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# Text that must say something: not empty once spaces are trimmed, and no NUL.
NON_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"


def _non_blank(max_length: int, min_length: int = 1) -> Any:
    return StringConstraints(
        strip_whitespace=True, min_length=min_length, max_length=max_length, pattern=NON_BLANK
    )


# Required text of at most N characters, not blank once trimmed (the schema says so with
# ``minLength`` and a pattern).
NonBlank200 = Annotated[str, _non_blank(200), AfterValidator(_storable)]
NonBlank300 = Annotated[str, _non_blank(300), AfterValidator(_storable)]
NonBlank500 = Annotated[str, _non_blank(500), AfterValidator(_storable)]
NonBlank4000 = Annotated[str, _non_blank(4000), AfterValidator(_storable)]
EmergencyReason = Annotated[str, _non_blank(2000, min_length=15), AfterValidator(_storable)]


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


# A date, time or date-time arrives as ISO 8601 text ("2024-05-01", "2024-05-01T09:30:00Z").
# Pydantic would also take a number (seconds since 1970) or "0"; the schema promises ISO text.
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_TEMPORAL = (datetime.date, datetime.datetime)


@functools.cache
def _is_temporal(annotation: Any) -> bool:
    """Whether ``annotation`` is a date or date-time, optional or annotated."""
    if annotation in _TEMPORAL:
        return True
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _is_temporal(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return any(_is_temporal(arg) for arg in typing.get_args(annotation))
    return False


def refuse_non_iso_date(value: Any) -> Any:
    """Refuse a date or date-time given as anything but ISO 8601 text (or a date object)."""
    if value is None or isinstance(value, _TEMPORAL):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value.strip()):
        raise ValueError("Give the date as ISO 8601 text, like 2024-05-01.")
    return value


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def json_type_matches(annotation: Any, value: Any) -> bool:
    """Whether a JSON ``value`` has the JSON type ``annotation`` promises (no coercion from
    text or numbers to booleans, from text or booleans to numbers, as the schema says)."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is Annotated:
        return json_type_matches(args[0], value)
    if origin in (typing.Union, types.UnionType):
        return value is None or any(json_type_matches(arg, value) for arg in args)
    if origin is typing.Literal:
        return any(
            value == choice and (_is_integer(value) if isinstance(choice, int) else True)
            for choice in args
        )
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return isinstance(value, list) and all(json_type_matches(args[0], v) for v in value)
    if origin is list:
        return isinstance(value, list) and all(json_type_matches(args[0], v) for v in value)
    if origin is dict:
        return isinstance(value, dict) and all(
            json_type_matches(args[1], v) for v in value.values()
        )
    if annotation is type(None):
        return value is None
    if not isinstance(annotation, type):
        return True
    if issubclass(annotation, bool):
        return isinstance(value, bool)
    if issubclass(annotation, int):
        # JSON has one number type: 3.0 is the integer 3 (JSON Schema says so too).
        return _is_integer(value)
    if issubclass(annotation, float | decimal.Decimal):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if issubclass(annotation, str) and not _is_temporal(annotation):
        return isinstance(value, str)
    return True


def from_json_body(info: ValidationInfo) -> bool:
    request = (info.context or {}).get("request") if isinstance(info.context, dict) else None
    return request is not None and request.content_type == "application/json"


_NO_NUL = r"^[^\x00]*$"


def _state_text(prop: dict[str, Any]) -> None:
    """Say in the schema that text may not hold NUL (PostgreSQL cannot store it), and that
    a decimal in a JSON body is a number (pydantic would also offer a string form)."""
    kinds = [branch.get("type") for branch in prop.get("anyOf", [])]
    if "number" in kinds and "string" in kinds:
        number = prop["anyOf"][kinds.index("number")]
        prop["anyOf"] = [b for b in prop["anyOf"] if b.get("type") != "string"]
        if len(prop["anyOf"]) == 1:
            del prop["anyOf"]
            prop.update(number)
    for branch in prop.get("anyOf", []):
        _state_text(branch)
    if prop.get("type") == "string" and not {"format", "enum", "pattern", "const"} & set(prop):
        prop["pattern"] = _NO_NUL
    if isinstance(prop.get("items"), dict):
        _state_text(prop["items"])
    if isinstance(prop.get("additionalProperties"), dict):
        _state_text(prop["additionalProperties"])


def _state_input(schema: dict[str, Any], model: type[Any]) -> None:
    """The JSON schema of an input says what the validators below enforce."""
    for prop in schema.get("properties", {}).values():
        _state_text(prop)
    if hasattr(model, "NULLABLE"):
        _drop_null(schema, model)


class InputSchema(Schema):
    """Base of every request body and filter schema: unknown fields are an error, and no
    text field may carry a NUL (PostgreSQL cannot store one: it would be a 500, not a 422).
    Dates and date-times are ISO 8601 text only, as the schema's ``format`` says, and a
    JSON body's values have the JSON type the schema gives (``"1"`` is not a number, ``0``
    not a boolean); query strings and forms are text, and are converted."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_state_input)

    @field_validator("*", mode="before")
    @classmethod
    def _typed(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if field is None:
            return value
        if _is_temporal(field.annotation):  # type: ignore[arg-type]  # annotations are hashable
            return refuse_non_iso_date(value)
        if from_json_body(info) and not json_type_matches(field.annotation, value):
            raise ValueError("This value has the wrong type; see the schema.")
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return _storable_all(value)


def _drop_null(schema: dict[str, Any], model: type[Any]) -> None:
    """In the JSON schema of a PATCH body, only ``NULLABLE`` fields may be null (as the
    validator below enforces): the others lose their ``null`` branch and ``null`` default."""
    nullable: frozenset[str] = getattr(model, "NULLABLE", frozenset())
    for name, prop in schema.get("properties", {}).items():
        if name in nullable or "anyOf" not in prop:
            continue
        branches = [b for b in prop["anyOf"] if b != {"type": "null"}]
        if len(branches) == 1:
            del prop["anyOf"]
            prop.update(branches[0])
        else:
            prop["anyOf"] = branches
        if prop.get("default", 0) is None:
            del prop["default"]


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
