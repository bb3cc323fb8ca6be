"""The daily notification sweeps, run together by ``casework notifications sweep``.

Each domain app that has something to remind people of defines its sweeps in its own
``sweeps.py`` with the :func:`sweep` decorator; :func:`run_sweeps` imports those modules
(the way Django's admin finds ``admin.py``) so this app never imports the apps above it.
A sweep takes the day and returns how many notifications it created; each must be
idempotent (``notify(dedupe_key=...)``), so running twice creates nothing new.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

SweepFunction = Callable[[date], int]


@dataclass(frozen=True)
class Sweep:
    name: str
    description: str
    function: SweepFunction


_REGISTRY: dict[str, Sweep] = {}


def sweep(name: str, description: str) -> Callable[[SweepFunction], SweepFunction]:
    """Register ``function(day) -> created`` as the sweep called ``name``."""

    def register(function: SweepFunction) -> SweepFunction:
        _REGISTRY[name] = Sweep(name, description, function)
        return function

    return register


def registered() -> dict[str, Sweep]:
    autodiscover_modules("sweeps")
    return dict(sorted(_REGISTRY.items()))


def run_sweeps(*, today: date | None = None, only: Iterable[str] = ()) -> dict[str, int]:
    """Run every registered sweep (or those named in ``only``) for ``today``."""
    day = today or timezone.localdate()
    sweeps = registered()
    wanted = list(only) or list(sweeps)
    unknown = [name for name in wanted if name not in sweeps]
    if unknown:
        raise KeyError(f"Unknown sweep: {', '.join(unknown)}. Known: {', '.join(sweeps)}.")
    return {name: sweeps[name].function(day) for name in wanted}
