"""Intake candidate search: the existing clients most likely to be an incoming person."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from casework.clients.matching.model import Model

DEFAULT_MODEL = Path(__file__).parent / "data" / "default-model.json"


@cache
def default_model() -> Model | None:
    """The shipped parameters (trained on synthetic data), or None before they exist."""
    if not DEFAULT_MODEL.exists():
        return None
    return Model.load(DEFAULT_MODEL)
