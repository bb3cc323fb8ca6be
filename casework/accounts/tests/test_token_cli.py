"""``casework token``: admins issue and revoke API tokens from the shell."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from casework.accounts import services
from casework.accounts.models import ApiToken
from casework.audit.models import AuditAction, AuditEvent
from casework.cli import main


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_prints_only_a_token_that_authenticates(cm_health):
    out, _ = run("create", "--email", "cm.healthcare@example.org")
    lines = out.splitlines()
    assert len(lines) == 1
    raw = lines[0]
    assert raw.startswith(services.TOKEN_PREFIX)
    token = services.api_token_authenticate(raw)
    assert token is not None
    assert token.user == cm_health
    assert not token.read_only
    assert token.expires_at is None


def test_create_is_audited_as_the_user_from_the_command_line(cm_health):
    run("create", "--email", cm_health.email, "--name", "nightly export")
    event = AuditEvent.objects.get(action=AuditAction.CREATE, target_type="api_token")
    assert event.actor == cm_health
    assert event.channel == "cli"
    assert event.details["name"] == "nightly export"


def test_email_is_matched_without_regard_to_case(cm_health):
    out, _ = run("create", "--email", "CM.Healthcare@Example.org")
    token = services.api_token_authenticate(out.strip())
    assert token is not None
    assert token.user == cm_health


def test_read_only_and_expiry_are_stored(cm_health):
    out, _ = run("create", "--email", cm_health.email, "--read-only", "--expires-days", "30")
    token = ApiToken.objects.get(user=cm_health)
    assert token.read_only
    expected = timezone.now() + timedelta(days=30)
    assert token.expires_at is not None
    assert abs((token.expires_at - expected).total_seconds()) < 60
    assert services.api_token_authenticate(out.strip()) == token


def test_unknown_email_is_refused_and_prints_no_token(db):
    with pytest.raises(CommandError, match="No user"):
        run("create", "--email", "nobody@example.org")
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("days", ["0", "-3", "100000"])
def test_expiry_outside_the_allowed_range_is_refused(cm_health, days):
    with pytest.raises(CommandError, match="Expiry"):
        run("create", "--email", cm_health.email, "--expires-days", days)
    assert not ApiToken.objects.exists()


def test_disabled_user_gets_no_token(cm_health):
    services.user_deactivate(actor=None, user=cm_health)
    with pytest.raises(CommandError, match="disabled"):
        run("create", "--email", cm_health.email)


def test_console_script_exits_non_zero_with_the_error_on_stderr(db, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["casework", "token", "create", "--email", "nobody@example.org"])
    assert exited.value.code != 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "No user" in captured.err


def test_revoked_token_no_longer_authenticates(cm_health):
    out, _ = run("create", "--email", cm_health.email)
    raw = out.strip()
    _, err = run("revoke", "--prefix", raw[:10])
    assert "Revoked" in err
    assert services.api_token_authenticate(raw) is None
    assert ApiToken.objects.get(user=cm_health).revoked_at is not None


def test_revoke_accepts_the_whole_token(cm_health):
    raw = run("create", "--email", cm_health.email)[0].strip()
    run("revoke", "--prefix", raw)
    assert services.api_token_authenticate(raw) is None


def test_revoke_of_an_unknown_prefix_is_an_error(db):
    with pytest.raises(CommandError, match="No token"):
        run("revoke", "--prefix", "cw_zzzzzzz")
