"""``casework serve``: granian in WSGI mode, the task worker beside it, clean shutdown."""

from __future__ import annotations

import itertools
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casework.web.management.commands import serve


@pytest.fixture
def launched(monkeypatch):
    """Capture what ``serve`` would start instead of starting it."""
    calls: list[list[list[str]]] = []

    def fake_run(self, *, reload=False):
        calls.append(self.commands)
        return 0

    monkeypatch.setattr(serve.Supervisor, "run", fake_run)
    return calls


def run_serve(*args: str) -> str:
    out = StringIO()
    call_command("serve", *args, stdout=out)
    return out.getvalue()


def test_granian_runs_the_wsgi_application():
    command = serve.granian_command(serve.ServeOptions(host="0.0.0.0", port=9001, workers=3))  # noqa: S104 - a value under test, nothing binds
    assert command[:3] == [sys.executable, "-m", "granian"]
    assert command[-1] == "casework.wsgi:application"
    pairs = dict(itertools.pairwise(command))  # each flag maps to the value after it
    assert pairs["--interface"] == "wsgi"
    assert pairs["--host"] == "0.0.0.0"  # noqa: S104 - a value under test
    assert pairs["--port"] == "9001"
    assert pairs["--workers"] == "3"
    assert pairs["--blocking-threads"] == "8"
    assert "--reload" not in command  # reloading is done around granian, not by it


def test_worker_is_the_django_tasks_database_worker():
    assert serve.worker_command()[-2:] == ["db_worker", "--no-reload"]


def test_serve_starts_granian_and_the_worker(launched, monkeypatch):
    monkeypatch.setenv("CASEWORK_PORT", "8123")
    out = run_serve("--threads", "4")
    granian, worker = launched[0]
    assert "--port" in granian
    assert granian[granian.index("--port") + 1] == "8123"
    assert granian[granian.index("--blocking-threads") + 1] == "4"
    assert "db_worker" in worker
    assert "http://127.0.0.1:8123" in out


def test_no_worker_starts_only_the_server(launched):
    run_serve("--no-worker", "--port", "8124")
    assert len(launched[0]) == 1
    assert "granian" in launched[0][0]


def test_demo_prints_the_accounts_before_serving(launched, settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("CASEWORK_DEMO_PASSWORD", "shown in the banner 9")
    out = run_serve("--demo", "--port", "8125")
    assert "admin@example.org" in out
    assert "shown in the banner 9" in out
    assert "http://127.0.0.1:8125" in out


def test_production_collects_static_files_first(launched, settings, monkeypatch):
    settings.PRODUCTION = True
    collected: list[str] = []
    monkeypatch.setattr(serve, "call_command", lambda name, **kw: collected.append(name))
    run_serve("--no-worker")
    assert collected == ["collectstatic"]


def test_demo_profile_does_not_collect_static_files(launched, monkeypatch):
    collected: list[str] = []
    monkeypatch.setattr(serve, "call_command", lambda name, **kw: collected.append(name))
    run_serve("--no-worker")
    assert collected == []


@pytest.mark.parametrize("args", [["--port", "0"], ["--port", "70000"], ["--workers", "0"]])
def test_bad_options_are_refused(launched, args):
    with pytest.raises(CommandError):
        run_serve(*args)
    assert launched == []


def test_supervisor_stops_every_child_when_one_exits():
    supervisor = serve.Supervisor(
        [[sys.executable, "-c", "import sys; sys.exit(3)"], [sys.executable, "-c", _SLEEP]],
        StringIO(),
    )
    started = time.monotonic()
    assert supervisor.run() == 3
    assert all(child.poll() is not None for child in supervisor.children)
    assert time.monotonic() - started < 10


_SLEEP = "import time; time.sleep(60)"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback URL we built
        return response.status, response.read()


def test_serve_answers_health_probes_and_stops_on_sigterm(tmp_path):
    """A real server on a free port, against a throwaway SQLite database."""
    port = _free_port()
    env = {
        **os.environ,
        "CASEWORK_VAR_DIR": str(tmp_path),
        "CASEWORK_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "casework.settings",
    }
    root = Path(__file__).resolve().parents[3]
    process = subprocess.Popen(  # noqa: S603 - our interpreter, fixed arguments
        [sys.executable, "-m", "casework.cli", "serve", "--port", str(port), "--no-worker"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline, answer = time.monotonic() + 30, None
        while time.monotonic() < deadline and answer is None:
            try:
                answer = _get(f"http://127.0.0.1:{port}/healthz")
            except OSError:
                time.sleep(0.2)
        assert answer is not None, "the server did not answer /healthz within 30 s"
        assert answer[0] == 200
        assert b'"ok"' in answer[1]
        assert _get(f"http://127.0.0.1:{port}/readyz")[0] == 200
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
    assert code == 0
    with pytest.raises(urllib.error.URLError):
        _get(f"http://127.0.0.1:{port}/healthz")
