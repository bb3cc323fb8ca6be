"""US postal values as people type them: state codes from the USPS list, ZIP codes of 5 or
9 digits, and phone numbers parsed and formatted by ``phonenumbers`` (Google's libphonenumber).

Each ``clean_*`` returns the stored form or raises ``ValueError`` with a sentence that names
the problem; the web forms and the API schemas both use them, so a value that does not fit
is an error, never silently cut.
"""

from __future__ import annotations

import re

import phonenumbers

# USPS two-letter codes: the states, DC, the territories and the armed-forces codes.
US_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota",
    "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming", "AS": "American Samoa",
    "GU": "Guam", "MP": "Northern Mariana Islands", "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands", "AA": "Armed Forces Americas", "AE": "Armed Forces Europe",
    "AP": "Armed Forces Pacific",
}  # fmt: skip
STATE_CHOICES = [("", "- Select a state -"), *US_STATES.items()]
_BY_NAME = {name.lower(): code for code, name in US_STATES.items()}
_ZIP = re.compile(r"^(\d{5})(?:[-\s]?(\d{4}))?$")


def clean_state(value: str) -> str:
    """A USPS code from a code or a full name ("ny", "New York" -> "NY"); "" stays ""."""
    text = (value or "").strip()
    if not text:
        return ""
    code = text.upper() if text.upper() in US_STATES else _BY_NAME.get(text.lower())
    if code is None:
        raise ValueError(f"“{text}” is not a US state; use its two-letter code, e.g. NY.")
    return code


def clean_zip(value: str) -> str:
    """``12207`` or ``12207-1234``; "" stays ""."""
    text = (value or "").strip()
    if not text:
        return ""
    found = _ZIP.match(text)
    if found is None:
        raise ValueError("Enter a ZIP code of 5 digits, or 9 digits as 12345-6789.")
    return found.group(1) + (f"-{found.group(2)}" if found.group(2) else "")


def clean_phone(value: str, *, region: str = "US") -> str:
    """A phone number as ``(518) 555-0142`` (US) or in international form; "" stays ""."""
    text = (value or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    reason = phonenumbers.is_possible_number_with_reason(number) if number else None
    if reason == phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
        # A seven-digit local number cannot be dialled from another area, and the area
        # code is not ours to guess: ask for it.
        raise ValueError(
            "This is a local number without its area code: add the 3-digit area code, "
            "e.g. (518) 555-0142."
        )
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        raise ValueError("Enter a phone number with its area code, e.g. (518) 555-0142.")
    assert number is not None
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if phonenumbers.region_code_for_number(number) in (region, None)
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return str(phonenumbers.format_number(number, style))
