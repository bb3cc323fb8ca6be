"""Test-run configuration shared by every app's tests (see casework/conftest.py for personas)."""

import os

# Tasks run inline in tests; the data directory is a throwaway one.
os.environ.setdefault("CASEWORK_TASK_BACKEND", "immediate")
