"""Fixtures for these tests (the shared personas live in casework/conftest.py)."""

import pytest


@pytest.fixture(autouse=True)
def _lazy_static_files(settings):
    """WhiteNoise scans every static file (2,700 in USWDS) each time a test client starts its
    middleware, about a second per HTTP test; with autorefresh it looks files up on demand."""
    settings.WHITENOISE_AUTOREFRESH = True
