"""Browser-test harness: the real server on a throwaway database, driven by Debian Chromium.

One server per session: a temporary ``CASEWORK_VAR_DIR`` and SQLite database, migrated and
seeded with the demo data, served by ``casework serve`` as a subprocess (pytest-django's
``live_server`` cannot be used: its flush between tests is refused by the audit table's
append-only triggers). Each test gets a fresh browser context (no shared cookies) and a
``Visit`` helper that screenshots every page it lands on under
``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
BIN = Path(sys.executable).parent
SERVER_START_SECONDS = 60

# Used until `casework seed-demo` exists: the accounts the browser tests sign in with.
FALLBACK_SEED = """
import os
from casework.accounts import services as s
from casework.accounts.models import Organization, PracticeArea, Role
password = os.environ["CASEWORK_DEMO_PASSWORD"]
org = s.organization_create(actor=None, name="Riverside Community Services", state="NY")
s.organization_create(actor=None, name="Harbor Food Bank", kind=Organization.Kind.PARTNER)
for area in PracticeArea:
    program = s.program_create(
        actor=None, organization=org, name=area.label, practice_area=area.value
    )
    for prefix, role in (("cm", Role.CASE_MANAGER), ("sup", Role.SUPERVISOR),
                         ("intake", Role.INTAKE_WORKER)):
        user = s.user_create(actor=None, email=f"{prefix}.{area.value}@example.org",
                             full_name=f"{prefix} {area.label}", password=password)
        s.membership_grant(actor=None, user=user, role=role, program=program)
for email, role in (("admin@example.org", Role.ORG_ADMIN), ("auditor@example.org", Role.AUDITOR)):
    user = s.user_create(actor=None, email=email, full_name=email.split("@")[0].title(),
                         password=password)
    s.membership_grant(actor=None, user=user, role=role, organization=org)
"""


@dataclass(frozen=True)
class LiveServer:
    url: str
    password: str
    var_dir: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _management_commands() -> set[str]:
    from django.core.management import get_commands

    return set(get_commands())


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(
        args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    if result.returncode != 0:
        pytest.fail(f"{what} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")


def _server_env(var_dir: Path, password: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORK_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env | {
        "CASEWORK_VAR_DIR": str(var_dir),
        "CASEWORK_DATABASE_URL": f"sqlite:///{var_dir / 'db.sqlite3'}",
        "CASEWORK_DEMO_PASSWORD": password,
        "CASEWORK_TASK_BACKEND": "immediate",
        "DJANGO_SETTINGS_MODULE": "casework.settings",
    }


def seed(server: LiveServer, script: str, *args: str) -> Any:
    """Run ``script`` with Django set up in the live server's environment, as the server
    would (through the service layer); the JSON it prints last is returned."""
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{script}", *args],
        env=_server_env(server.var_dir, server.password),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"seeding failed:\n{result.stdout}\n{result.stderr}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def _start_server(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    if "serve" in _management_commands():
        args = [str(BIN / "casework"), "serve", "--port", str(port), "--no-worker"]
    else:
        args = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    with log.open("wb") as out:
        return subprocess.Popen(
            args, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited ({process.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    pytest.fail(f"the server did not answer /readyz in {SERVER_START_SECONDS}s:\n{log.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def live_url() -> Iterator[LiveServer]:
    """Migrate, seed and serve a throwaway Casework; yield its base URL; stop it at the end."""
    with tempfile.TemporaryDirectory(prefix="casework-browser-") as tmp:
        var_dir = Path(tmp)
        password = secrets.token_urlsafe(18)
        env = _server_env(var_dir, password)
        casework = str(BIN / "casework")
        _run([casework, "migrate", "--no-input"], env, "casework migrate")
        if "seed_demo" in _management_commands():
            _run([casework, "seed-demo", "--clients", "40", "--seed", "7"], env, "seed-demo")
        else:
            _run([sys.executable, "manage.py", "shell", "-c", FALLBACK_SEED], env, "seeding")
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        log = var_dir / "server.log"
        process = _start_server(port, env, log)
        try:
            _wait_ready(url, process, log)
            yield LiveServer(url=url, password=password, var_dir=var_dir)
        finally:
            _stop(process)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (Debian's chromium package)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@dataclass
class Visit:
    """Drives one page and screenshots every page it lands on, numbered in order."""

    page: Any
    server: LiveServer
    test_name: str
    shots: list[Path] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.server.url + path

    def goto(self, path: str, label: str = "") -> Any:
        response = self.page.goto(self.url(path))
        self.shot(label or path)
        return response

    def shot(self, label: str) -> Path:
        slug = re.sub(r"[^A-Za-z0-9]+", "-", label).strip("-") or "root"
        path = SCREENSHOTS / f"{self.test_name}-{len(self.shots) + 1:02d}-{slug}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.shots.append(path)
        return path

    def sign_in(self, email: str) -> None:
        self.goto("/login/", "sign-in")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password", exact=True).fill(self.server.password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()
        assert "/login/" not in self.page.url, f"sign-in as {email} failed: {self.page.url}"
        self.shot("signed-in")


def _visit(
    browser: Any, server: LiveServer, request: pytest.FixtureRequest, **options: Any
) -> Iterator[Visit]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    name = re.sub(r"[^A-Za-z0-9_]+", "-", request.node.name)
    try:
        yield Visit(page=page, server=server, test_name=name)
    finally:
        context.close()


@pytest.fixture
def visit(browser: Any, live_url: LiveServer, request: pytest.FixtureRequest) -> Iterator[Visit]:
    """A fresh browser context (no cookies) for one test."""
    yield from _visit(browser, live_url, request)


@pytest.fixture
def nojs_visit(
    browser: Any, live_url: LiveServer, request: pytest.FixtureRequest
) -> Iterator[Visit]:
    """The same, with JavaScript off: every form must work without it."""
    yield from _visit(browser, live_url, request, java_script_enabled=False)
