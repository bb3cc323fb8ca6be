"""CSV cells that a spreadsheet will not run as formulas (OWASP "CSV injection").

Every export writes its cells through ``safe_cell``: a non-empty cell that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, which
spreadsheets show as text; an empty cell stays empty; non-text values become text first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_row(values: Iterable[Any]) -> list[str]:
    return [safe_cell(v) for v in values]


def safe_mapping(row: Mapping[str, Any]) -> dict[str, str]:
    return {key: safe_cell(value) for key, value in row.items()}
