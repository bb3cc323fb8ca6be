"""Settings refuse unsafe production configuration, and production passes ``check --deploy``.

Each case imports the settings in a fresh interpreter: settings are read once, at import.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

BASE_DIR = Path(__file__).resolve().parents[3]


def run_python(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORK_")}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    clean |= {
        "CASEWORK_VAR_DIR": str(tmp_path / "var"),
        "CASEWORK_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "casework.settings",
    } | env
    return subprocess.run(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def import_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return run_python(tmp_path, "-c", "import casework.settings", **env)


def production_env() -> dict[str, str]:
    return {
        "CASEWORK_PROFILE": "production",
        "CASEWORK_SECRET_KEY": secrets.token_urlsafe(64),
        "CASEWORK_ALLOWED_HOSTS": "casework.example.org",
        "CASEWORK_FIELD_KEYS": Fernet.generate_key().decode(),
    }


def test_demo_profile_imports_with_nothing_set(tmp_path):
    result = import_settings(tmp_path)
    assert result.returncode == 0, result.stderr
    # The demo secret key is generated beside the data, never committed.
    assert (tmp_path / "var" / "secret-key").stat().st_mode & 0o077 == 0


def test_production_refuses_a_missing_secret_key(tmp_path):
    env = production_env() | {"CASEWORK_SECRET_KEY": ""}
    result = import_settings(tmp_path, **env)
    assert result.returncode != 0
    assert "ConfigurationError" in result.stderr
    assert "CASEWORK_SECRET_KEY is required" in result.stderr


def test_production_refuses_a_short_secret_key(tmp_path):
    env = production_env() | {"CASEWORK_SECRET_KEY": "x" * 49}
    result = import_settings(tmp_path, **env)
    assert result.returncode != 0
    assert "CASEWORK_SECRET_KEY must be at least 50 characters" in result.stderr


def test_production_accepts_a_long_secret_key(tmp_path):
    result = import_settings(tmp_path, **production_env())
    assert result.returncode == 0, result.stderr


def test_production_refuses_missing_field_encryption_keys(tmp_path):
    env = production_env() | {"CASEWORK_FIELD_KEYS": ""}
    result = import_settings(tmp_path, **env)
    assert result.returncode != 0
    assert "CASEWORK_FIELD_KEYS is required" in result.stderr


def test_a_field_key_that_is_not_a_fernet_key_is_refused(tmp_path):
    env = production_env() | {"CASEWORK_FIELD_KEYS": "not-a-key"}
    result = import_settings(tmp_path, **env)
    assert result.returncode != 0
    assert "CASEWORK_FIELD_KEYS" in result.stderr
    assert "not-a-key" not in result.stderr  # a key, even a bad one, is never echoed


def test_production_refuses_debug(tmp_path):
    result = import_settings(tmp_path, **production_env(), CASEWORK_DEBUG="true")
    assert result.returncode != 0
    assert "CASEWORK_DEBUG cannot be on" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CASEWORK_DEBUG", "perhaps"),
        ("CASEWORK_SESSION_IDLE_MINUTES", "half an hour"),
        ("CASEWORK_PROFILE", "staging"),
        ("CASEWORK_DATABASE_URL", "mysql://db.example.org/casework"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(tmp_path, name, value):
    result = import_settings(tmp_path, **{name: value})
    assert result.returncode != 0
    assert "ConfigurationError" in result.stderr
    assert name in result.stderr


def test_production_profile_passes_check_deploy(tmp_path):
    result = run_python(
        tmp_path,
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **production_env(),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_demo_profile_is_flagged_by_check_deploy(tmp_path):
    """The deny twin: the same check does catch an unsafe configuration."""
    result = run_python(tmp_path, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W" in result.stdout + result.stderr


def test_production_requires_a_second_factor_for_admins_auditors_and_supervisors(tmp_path):
    show = "import casework.settings as s; print(sorted(s.CASEWORK_MFA_ROLES))"
    production = run_python(tmp_path, "-c", show, **production_env())
    assert production.returncode == 0, production.stderr
    assert production.stdout.strip() == str(
        sorted(["auditor", "org_admin", "program_admin", "supervisor"])
    )
    demo = run_python(tmp_path, "-c", show)
    assert demo.stdout.strip() == "[]"
