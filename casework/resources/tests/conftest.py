"""The resource app's fixtures."""

from __future__ import annotations

import pytest

from casework.resources import models as d
from casework.resources.testing import make_directory


@pytest.fixture
def directory(db: None) -> dict[str, d.Service]:
    return make_directory()
